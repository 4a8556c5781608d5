import { HOUR_MS } from './activity.ts';
import type { ItemCatalog } from './catalog.ts';
import { F, FEATURE_COUNT, type FeatureName, type FeatureSources, type QueryContext } from './features.ts';
import type { RankerWeights } from './ranker.ts';
import { topK } from './topk.ts';

/**
 * Serving-time scoring of every item: the same blend as `itemFeatures` + `score`, computed one signal at a time in
 * tight loops over typed arrays, skipping signals the blend does not use. The item-level part (freshness, activity,
 * popularity: the same for every member) is cached per state and minute, patched for the items that changed since, so a request pays only for its
 * personal signals. Serving's entry is for the minute's start, and the next minute's entry is built ahead a slice
 * per request, so no request pays for the whole catalogue when the minute turns. Equivalence with the reference
 * path, and of the built-ahead entry with a fresh build, is tested.
 */
interface BaseCache {
  key: string;
  /** The time the scores are for, and the state they reflect (version, position in its item changes). */
  at: number;
  version: number;
  changes: number;
  base: Float32Array;
  logAge: Float32Array;
  /** exp(−age in hours / 24) per item. */
  fresh24: Float32Array;
  /** Items 0 … filled − 1 hold scores: the catalogue, except in an entry still being built ahead. */
  filled: number;
  /** The best `k` by item-level score, computed once per cache entry (a bucket and blend). */
  top?: { k: number; items: Int32Array };
  /** Serving only: the next minute's entry, built a slice per request (ahead of the state: patched when used). */
  next?: BaseCache;
}

/** Per state, one cache per time bucket (serving's minute, learning's hour), so the two do not evict each other. */
const caches = new WeakMap<object, Map<number, BaseCache>>();
/** Serving's slot in a state's caches (learning's slots are keyed by their bucket, in ms: never 0). */
const SERVING = 0;
const SERVING_BUCKET_MS = 60_000;
/**
 * Items of the next minute's entry built per request: about 1 ms at 20k items, and at one request a second the
 * entry is complete well before the minute turns (a quieter service finishes the rest on the minute's first call).
 */
export const BUILD_AHEAD_SLICE = 1024;

function effective(r: RankerWeights): { w: Float64Array; bias: number } {
  const w = new Float64Array(FEATURE_COUNT);
  let bias = 0;
  for (let f = 0; f < FEATURE_COUNT; f++) {
    w[f] = (r.weights[f] as number) / (r.std[f] as number);
    bias -= (w[f] as number) * (r.mean[f] as number);
  }
  return { w, bias };
}

/** Which item-level signals the blend uses (the rest are skipped). */
interface Used {
  newer: boolean;
  lastActive: boolean;
  justActive: boolean;
  justPosted: boolean;
  trendShort: boolean;
  trendLong: boolean;
  popularity: boolean;
}

function usedSignals(w: Float64Array): Used {
  const used = (f: FeatureName) => Math.abs(w[F[f]] as number) > 1e-9;
  return {
    newer: used('newer'),
    lastActive: used('lastActive'),
    justActive: used('justActive'),
    justPosted: used('justPosted'),
    trendShort: used('trendShort'),
    trendLong: used('trendLong'),
    popularity: used('popularity'),
  };
}

/** The item-level part of item i's score at `at` (written into the cache's arrays). */
function baseOf(src: FeatureSources, w: Float64Array, used: Used, at: number, i: number, c: BaseCache): void {
  const { state } = src;
  const created = state.catalog.createdAt[i] as number;
  const ageHours = Math.max(0, (at - created) / HOUR_MS);
  const la = Math.log1p(ageHours);
  c.logAge[i] = la;
  c.fresh24[i] = Math.exp(-ageHours / 24);
  let s = -(w[F.fresh] as number) * la;
  if (used.newer) s -= (w[F.newer] as number) * Math.log1p(state.createdBetween(created, at));
  const idle = Math.max(0, at - state.lastActivity(i));
  if (used.lastActive) s -= (w[F.lastActive] as number) * Math.log1p(idle / HOUR_MS);
  if (used.justActive) s += (w[F.justActive] as number) * Math.exp(-idle / (6 * HOUR_MS));
  if (used.justPosted) s += (w[F.justPosted] as number) * Math.exp(-ageHours / 24);
  if (used.trendShort) s += (w[F.trendShort] as number) * Math.log1p(state.trendShort.at(i, at));
  if (used.trendLong) s += (w[F.trendLong] as number) * Math.log1p(state.trendLong.at(i, at));
  if (used.popularity) s += (w[F.popularity] as number) * Math.log1p(state.count[i] as number);
  c.base[i] = s;
}

function cachesOf(state: object): Map<number, BaseCache> {
  let byBucket = caches.get(state);
  if (!byBucket) {
    byBucket = new Map();
    caches.set(state, byBucket);
  }
  return byBucket;
}

function emptyEntry(key: string, at: number, state: FeatureSources['state']): BaseCache {
  const n = state.catalog.size;
  return {
    key,
    at,
    version: state.version,
    changes: state.changeCount,
    base: new Float32Array(n),
    logAge: new Float32Array(n),
    fresh24: new Float32Array(n),
    filled: 0,
  };
}

/** Computes the entry's items from `filled` up to `until` (exclusive), at the entry's time. */
function fill(src: FeatureSources, w: Float64Array, used: Used, c: BaseCache, until: number): void {
  for (let i = c.filled; i < until; i++) baseOf(src, w, used, c.at, i, c);
  c.filled = Math.max(c.filled, until);
}

/**
 * Brings an entry up to the state by recomputing, at its time, the items changed since (those already filled:
 * the rest are computed from the current state when filled). False when too many changed (rebuild instead).
 */
function catchUp(src: FeatureSources, w: Float64Array, used: Used, c: BaseCache): boolean {
  const { state } = src;
  if (c.version === state.version) return true;
  const changed = state.changedSince(c.changes);
  if (!changed || changed.length >= state.catalog.size / 4) return false;
  for (const i of changed) if (i < c.filled) baseOf(src, w, used, c.at, i, c);
  c.version = state.version;
  c.changes = state.changeCount;
  return true;
}

/**
 * Item-level scores, cached per state, time bucket and blend. A state that changed since (new interactions) has
 * only the items that changed recomputed, at the cached time: one new event costs one item, not the catalogue.
 * Learning's buckets (an hour; a minute for a small catalogue) are for the first call's time, as they always were.
 */
function baseScores(src: FeatureSources, r: RankerWeights, at: number, w: Float64Array, bucketMs: number): BaseCache {
  const { state } = src;
  const key = `${Math.floor(at / bucketMs)}:${bucketMs}:${r.weights.join(',')}`;
  const byBucket = cachesOf(state);
  const used = usedSignals(w);
  const cached = byBucket.get(bucketMs);
  if (cached && cached.key === key && catchUp(src, w, used, cached)) return cached;
  const entry = emptyEntry(key, at, state);
  fill(src, w, used, entry, state.catalog.size);
  byBucket.set(bucketMs, entry);
  return entry;
}

/**
 * Serving's item-level scores: for the start of the minute of `at` (so what a member is served does not depend on
 * which request happened to open the minute), and the next minute's built ahead, a slice per call and kept up to
 * date with the state, so the minute's first request finds it (nearly) complete instead of scoring the catalogue.
 */
function servingScores(src: FeatureSources, r: RankerWeights, at: number, w: Float64Array): BaseCache {
  const { state } = src;
  const n = state.catalog.size;
  const byBucket = cachesOf(state);
  const used = usedSignals(w);
  const bucket = Math.floor(at / SERVING_BUCKET_MS);
  const blend = r.weights.join(',');
  const key = `${bucket}:${blend}`;
  let entry = byBucket.get(SERVING);
  if (entry?.key !== key) {
    const ahead = entry?.next;
    entry = ahead?.key === key ? ahead : emptyEntry(key, bucket * SERVING_BUCKET_MS, state);
    byBucket.set(SERVING, entry);
  }
  if (!catchUp(src, w, used, entry)) {
    entry = emptyEntry(key, bucket * SERVING_BUCKET_MS, state);
    byBucket.set(SERVING, entry);
  }
  fill(src, w, used, entry, n);
  buildAhead(src, w, used, entry, `${bucket + 1}:${blend}`, (bucket + 1) * SERVING_BUCKET_MS);
  return entry;
}

/** One slice of the next minute's entry (started afresh when its minute or blend is not the one expected). */
function buildAhead(src: FeatureSources, w: Float64Array, used: Used, entry: BaseCache, key: string, at: number): void {
  const n = src.state.catalog.size;
  let next = entry.next;
  if (next?.key !== key || !catchUp(src, w, used, next)) {
    next = emptyEntry(key, at, src.state);
    entry.next = next;
  }
  if (next.filled < n) fill(src, w, used, next, Math.min(n, next.filled + BUILD_AHEAD_SLICE));
}

/** How many items of the next minute's serving entry are built (null: none started), for tests and traces. */
export function buildAheadProgress(state: object): { at: number; filled: number } | null {
  const next = caches.get(state)?.get(SERVING)?.next;
  return next ? { at: next.at, filled: next.filled } : null;
}

/**
 * Readies serving for `at`: this minute's item-level scores and the whole of the next minute's, so the first
 * requests after a retrain or a restart do not build them. The service calls it before it serves a new snapshot.
 */
export function prepareServing(src: FeatureSources, ranker: RankerWeights, at: number): void {
  const { w } = effective(ranker);
  const entry = servingScores(src, ranker, at, w);
  if (entry.next) fill(src, w, usedSignals(w), entry.next, src.state.catalog.size);
}

/**
 * The `k` items with the best item-level scores (freshness, activity, popularity), for the time bucket of `at`:
 * computed once per bucket and blend, not per query.
 */
export function itemLevelTop(
  src: FeatureSources,
  ranker: RankerWeights,
  at: number,
  k: number,
  bucketMs: number,
): Int32Array {
  const { w } = effective(ranker);
  const cache = baseScores(src, ranker, at, w, bucketMs);
  if (!cache.top || cache.top.k !== k) cache.top = { k, items: topK(cache.base, k) };
  return cache.top.items;
}

/**
 * The blend's score of each listed item (out[j] for items[j]), the same sum as `scoreAllFast` but only for those
 * items: learning scores a few thousand candidates per example instead of the catalogue. Item-level parts come
 * from the cache for `bucketMs` (an hour while learning: they move slowly; the examples' features are exact).
 */
export function scoreItems(
  src: FeatureSources,
  ranker: RankerWeights,
  q: QueryContext,
  items: ArrayLike<number>,
  count: number,
  out: Float32Array,
  bucketMs: number,
): void {
  const { state } = src;
  const cat = state.catalog;
  const { w, bias } = effective(ranker);
  const { base, logAge, fresh24 } = baseScores(src, ranker, q.at, w, bucketMs);
  const wAge = w[F.ageFit] as number;
  const wTopic = w[F.topic] as number;
  const wFreshTopic = w[F.freshTopic] as number;
  const wKnn = w[F.itemKnn] as number;
  const wPeers = w[F.peers] as number;
  const wCf = w[F.cf] as number;
  const wContent = w[F.content] as number;
  const wGroup = w[F.group] as number;
  const wAuthor = w[F.author] as number;
  const useTopic = q.topicWeights.size > 0 && (wTopic !== 0 || wFreshTopic !== 0);
  const cf = q.userFactors && src.als && wCf !== 0 ? src.als : null;
  const content = q.contentVector && cat.content && wContent !== 0 ? cat.content : null;
  const group = q.group >= 0 && src.groups && wGroup !== 0 ? src.groups : null;
  const h = state.members.get(q.member);
  const authors = h && h.authors.size > 0 && wAuthor !== 0 ? h.authors : null;
  // Everything the loop reads, hoisted into locals (same sums in the same order: the scores are bit for bit what
  // they were; only the property loads left the loop).
  const { knn, peers, preferredLogAge, topicWeights } = q;
  const { topicPtr, topicIdx, authorOf } = cat;
  const userFactors = cf ? q.userFactors : null;
  const factors = cf?.factors ?? 0;
  const itemFactors = cf?.itemFactors ?? null;
  const cfItems = cf?.items ?? 0;
  const contentVector = content ? q.contentVector : null;
  const dims = content?.dims ?? 0;
  const vectors = content?.vectors ?? null;
  const groupScore = group?.itemScore ?? null;
  const groupRow = group ? q.group * group.items : 0;
  for (let j = 0; j < count; j++) {
    const i = items[j] as number;
    let s =
      (base[i] as number) +
      bias -
      wAge * Math.abs((logAge[i] as number) - preferredLogAge) +
      wKnn * (knn[i] as number) +
      wPeers * (peers[i] as number);
    if (useTopic) {
      let t = 0;
      for (let e = topicPtr[i] as number; e < (topicPtr[i + 1] as number); e++)
        t += topicWeights.get(topicIdx[e] as number) ?? 0;
      s += t * (wTopic + wFreshTopic * (fresh24[i] as number));
    }
    if (userFactors && itemFactors && i < cfItems) {
      s += wCf * dot(userFactors, itemFactors, i * factors, factors);
    }
    if (contentVector && vectors) {
      s += wContent * dot(contentVector, vectors, i * dims, dims);
    }
    if (groupScore) s += wGroup * (groupScore[groupRow + i] ?? 0);
    if (authors) {
      const author = authorOf[i] as number;
      if (author >= 0) s += wAuthor * Math.log1p(authors.get(author) ?? 0);
    }
    out[j] = s;
  }
}

/**
 * x · y[o … o + k), summed in index order in a double (unrolled by four: the same additions in the same order, so
 * the same result as the plain loop, with a quarter of its loop overhead).
 */
function dot(x: Float32Array, y: Float32Array, o: number, k: number): number {
  let s = 0;
  let a = 0;
  for (; a + 4 <= k; a += 4) {
    s += (x[a] as number) * (y[o + a] as number);
    s += (x[a + 1] as number) * (y[o + a + 1] as number);
    s += (x[a + 2] as number) * (y[o + a + 2] as number);
    s += (x[a + 3] as number) * (y[o + a + 3] as number);
  }
  for (; a < k; a++) s += (x[a] as number) * (y[o + a] as number);
  return s;
}

/** Each author's items (CSR over author indexes), per catalogue: built once, read by every request. */
interface AuthorIndex {
  authorOf: Int32Array;
  size: number;
  authors: number;
  ptr: Int32Array;
  items: Int32Array;
}

const authorIndexes = new WeakMap<ItemCatalog, AuthorIndex>();

function itemsByAuthor(cat: ItemCatalog): AuthorIndex {
  const known = authorIndexes.get(cat);
  // A catalogue is built whole (its arrays are never resized in place), so the same array means the same authors.
  if (known && known.authorOf === cat.authorOf && known.size === cat.size) return known;
  let authors = 0;
  for (let i = 0; i < cat.size; i++) authors = Math.max(authors, (cat.authorOf[i] as number) + 1);
  const ptr = new Int32Array(authors + 1);
  for (let i = 0; i < cat.size; i++) {
    const a = cat.authorOf[i] as number;
    if (a >= 0) ptr[a + 1]!++;
  }
  for (let a = 0; a < authors; a++) ptr[a + 1]! += ptr[a] as number;
  const items = new Int32Array(ptr[authors] as number);
  const next = ptr.slice(0, authors);
  for (let i = 0; i < cat.size; i++) {
    const a = cat.authorOf[i] as number;
    if (a >= 0) items[next[a]!++] = i;
  }
  const index = { authorOf: cat.authorOf, size: cat.size, authors, ptr, items };
  authorIndexes.set(cat, index);
  return index;
}

/**
 * Scores every candidate (NaN for excluded ones and, with `topic`, for items without it), into `out` when given
 * (an item-sized array the caller reuses) or a new array.
 */
export function scoreAllFast(
  src: FeatureSources,
  ranker: RankerWeights,
  q: QueryContext,
  topic?: number,
  out?: Float32Array,
): Float32Array {
  const { state } = src;
  const cat = state.catalog;
  const n = cat.size;
  const { w, bias } = effective(ranker);
  const { base, logAge, fresh24 } = servingScores(src, ranker, q.at, w);
  // slice, not Float32Array.from: a copy of the buffer, not an element-by-element iteration.
  let scores: Float32Array;
  if (out && out.length === n) {
    out.set(base);
    scores = out;
  } else scores = base.slice();
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
      scores[i]! += wCf * dot(x, y, i * k, k);
    }
  }
  const wContent = w[F.content] as number;
  if (q.contentVector && cat.content && wContent !== 0) {
    const d = cat.content.dims;
    const v = cat.content.vectors;
    const x = q.contentVector;
    for (let i = 0; i < n; i++) {
      scores[i]! += wContent * dot(x, v, i * d, d);
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
    // Only the items of authors the member engaged with move: for every other item the term is ±0, which leaves
    // a score unchanged, so adding it only where it is not gives the same scores bit for bit.
    const index = itemsByAuthor(cat);
    for (const [author, count] of h.authors) {
      if (author < 0 || author >= index.authors) continue;
      const term = wAuthor * Math.log1p(count);
      for (let e = index.ptr[author] as number; e < (index.ptr[author + 1] as number); e++)
        scores[index.items[e] as number]! += term;
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
