import { HOUR_MS } from './activity.ts';
import { F, FEATURE_COUNT, type FeatureName, type FeatureSources, type QueryContext } from './features.ts';
import type { RankerWeights } from './ranker.ts';

/**
 * Serving-time scoring of every item: the same blend as `itemFeatures` + `score`, computed one signal at a time in
 * tight loops over typed arrays, skipping signals the blend does not use. The item-level part (freshness, activity,
 * popularity: the same for every member) is cached per state version and minute, so a request pays only for its
 * personal signals. Equivalence with the reference path is tested.
 */
interface BaseCache {
  key: string;
  base: Float32Array;
  logAge: Float32Array;
  /** exp(−age in hours / 24) per item. */
  fresh24: Float32Array;
}

const caches = new WeakMap<object, BaseCache>();

function effective(r: RankerWeights): { w: Float64Array; bias: number } {
  const w = new Float64Array(FEATURE_COUNT);
  let bias = 0;
  for (let f = 0; f < FEATURE_COUNT; f++) {
    w[f] = (r.weights[f] as number) / (r.std[f] as number);
    bias -= (w[f] as number) * (r.mean[f] as number);
  }
  return { w, bias };
}

function baseScores(src: FeatureSources, r: RankerWeights, at: number, w: Float64Array): BaseCache {
  const { state } = src;
  const key = `${state.version}:${Math.floor(at / 60_000)}:${r.weights.join(',')}`;
  const cached = caches.get(state);
  if (cached && cached.key === key) return cached;
  const n = state.catalog.size;
  const base = new Float32Array(n);
  const logAge = new Float32Array(n);
  const fresh24 = new Float32Array(n);
  const created = state.catalog.createdAt;
  const used = (f: FeatureName) => Math.abs(w[F[f]] as number) > 1e-9;
  for (let i = 0; i < n; i++) {
    const ageHours = Math.max(0, (at - (created[i] as number)) / HOUR_MS);
    const la = Math.log1p(ageHours);
    logAge[i] = la;
    fresh24[i] = Math.exp(-ageHours / 24);
    let s = -(w[F.fresh] as number) * la;
    if (used('newer')) s -= (w[F.newer] as number) * Math.log1p(state.createdBetween(created[i] as number, at));
    const idle = Math.max(0, at - state.lastActivity(i));
    if (used('lastActive')) s -= (w[F.lastActive] as number) * Math.log1p(idle / HOUR_MS);
    if (used('justActive')) s += (w[F.justActive] as number) * Math.exp(-idle / (6 * HOUR_MS));
    if (used('justPosted')) s += (w[F.justPosted] as number) * Math.exp(-ageHours / 24);
    if (used('trendShort')) s += (w[F.trendShort] as number) * Math.log1p(state.trendShort.at(i, at));
    if (used('trendLong')) s += (w[F.trendLong] as number) * Math.log1p(state.trendLong.at(i, at));
    if (used('popularity')) s += (w[F.popularity] as number) * Math.log1p(state.count[i] as number);
    base[i] = s;
  }
  const entry = { key, base, logAge, fresh24 };
  caches.set(state, entry);
  return entry;
}

/** Scores every candidate (NaN for excluded ones and, with `topic`, for items without it). */
export function scoreAllFast(
  src: FeatureSources,
  ranker: RankerWeights,
  q: QueryContext,
  topic?: number,
): Float32Array {
  const { state } = src;
  const cat = state.catalog;
  const n = cat.size;
  const { w, bias } = effective(ranker);
  const { base, logAge, fresh24 } = baseScores(src, ranker, q.at, w);
  const scores = Float32Array.from(base);
  const wAge = w[F.ageFit] as number;
  const wTopic = w[F.topic] as number;
  const wKnn = w[F.itemKnn] as number;
  const wPeers = w[F.peers] as number;
  for (let i = 0; i < n; i++) {
    scores[i] =
      (scores[i] as number) +
      bias -
      wAge * Math.abs((logAge[i] as number) - q.preferredLogAge) +
      wKnn * (q.knn[i] as number) +
      wPeers * (q.peers[i] as number);
  }
  const wFreshTopic = w[F.freshTopic] as number;
  if (q.topicWeights.size > 0 && (wTopic !== 0 || wFreshTopic !== 0)) {
    const dense = new Float32Array(cat.topicNames.length);
    for (const [t, v] of q.topicWeights) dense[t] = v;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let e = cat.topicPtr[i] as number; e < (cat.topicPtr[i + 1] as number); e++)
        s += dense[cat.topicIdx[e] as number] as number;
      scores[i]! += s * (wTopic + wFreshTopic * (fresh24[i] as number));
    }
  }
  const wCf = w[F.cf] as number;
  if (q.userFactors && src.als && wCf !== 0) {
    const k = src.als.factors;
    const y = src.als.itemFactors;
    const x = q.userFactors;
    const m = Math.min(n, src.als.items);
    for (let i = 0; i < m; i++) {
      let s = 0;
      const o = i * k;
      for (let a = 0; a < k; a++) s += (x[a] as number) * (y[o + a] as number);
      scores[i]! += wCf * s;
    }
  }
  const wContent = w[F.content] as number;
  if (q.contentVector && cat.content && wContent !== 0) {
    const d = cat.content.dims;
    const v = cat.content.vectors;
    const x = q.contentVector;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const o = i * d;
      for (let a = 0; a < d; a++) s += (x[a] as number) * (v[o + a] as number);
      scores[i]! += wContent * s;
    }
  }
  const wGroup = w[F.group] as number;
  if (q.group >= 0 && src.groups && wGroup !== 0) {
    const row = q.group * src.groups.items;
    for (let i = 0; i < n; i++) scores[i]! += wGroup * (src.groups.itemScore[row + i] ?? 0);
  }
  const h = state.members.get(q.member);
  const wAuthor = w[F.author] as number;
  if (h && h.authors.size > 0 && wAuthor !== 0) {
    for (let i = 0; i < n; i++) {
      const author = cat.authorOf[i] as number;
      if (author >= 0) scores[i]! += wAuthor * Math.log1p(h.authors.get(author) ?? 0);
    }
  }
  for (let i = 0; i < n; i++) {
    if (q.excluded[i]) scores[i] = Number.NaN;
    else if (topic !== undefined) {
      let has = false;
      for (let e = cat.topicPtr[i] as number; e < (cat.topicPtr[i + 1] as number); e++)
        if (cat.topicIdx[e] === topic) has = true;
      if (!has) scores[i] = Number.NaN;
    }
  }
  return scores;
}
