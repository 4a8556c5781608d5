import { topicsOf } from '../catalog.ts';
import { scoreAllFast } from '../fast-score.ts';
import { F, FEATURE_COUNT, type FeatureSources, itemFeatures, type QueryContext } from '../features.ts';
import type { RankerWeights } from '../ranker.ts';
import { topK } from '../topk.ts';

/**
 * The candidate pool the second stage reorders, and its features. The pool is the union of the blend's top list
 * and the newest candidates: on a Q&A site members answer fresh questions, so the newest items must always be in
 * play, and what the second stage learns is how far to move them for a given member.
 *
 * Per candidate: the blend's 17 signals, four pool-relative positions (rank by age, by the blend, by last
 * activity, and the blend's score standardised within the pool) and, per personal signal, the same value scaled by
 * how much the member has done (per-member calibration: a member with two interactions has an unreliable topic
 * profile, one with fifty has a telling one). Everything is computed for the pool only: O(pool), not O(catalogue).
 */
export const POOL_FROM_BLEND = 30;
export const POOL_FROM_NEWEST = 30;

const PERSONAL = [F.topic, F.itemKnn, F.content, F.author, F.peers, F.cf] as const;
export const EXTRA_FEATURES = [
  'freshRank',
  'blendRank',
  'activeRank',
  'blendZ',
  /** Times the member acted (more than a session ago) while this item was on offer, and let it pass. */
  'passedOver',
  /** The same within the current session (the last two hours): members answer several fresh items in a row. */
  'passedInSession',
  /** Published since the member's previous session: they have not seen it yet. */
  'newSinceVisit',
  /** Mean over the item's topics of log(P(topic | member) / P(topic)), smoothed: topics that mark this member. */
  'topicLift',
] as const;
export const RERANK_DIMS = FEATURE_COUNT + EXTRA_FEATURES.length + PERSONAL.length;
/** History length at which a member's personal signals count fully. */
const CALIBRATION_ITEMS = 30;
const SESSION_MS = 2 * 3_600_000;
/** Pseudo-count of the community's topic mix in a member's topic profile. */
const LIFT_PRIOR = 5;

export interface Pool {
  items: Int32Array;
  /** Blend scores over the whole catalogue (NaN where excluded). */
  blend: Float32Array;
}

/** The pool for a query: blend top list ∪ newest candidates, in blend order then age order, no duplicates. */
export function candidatePool(src: FeatureSources, blend: RankerWeights, q: QueryContext, topic?: number): Pool {
  const scores = scoreAllFast(src, blend, q, topic);
  const top = topK(scores, POOL_FROM_BLEND);
  const created = src.state.catalog.createdAt;
  const byAge = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++)
    byAge[i] = Number.isNaN(scores[i] as number) ? Number.NaN : (created[i] as number);
  const newest = topK(byAge, POOL_FROM_NEWEST);
  const seen = new Set<number>(top);
  const items = Array.from(top);
  for (const i of newest) if (!seen.has(i)) items.push(i);
  return { items: Int32Array.from(items), blend: scores };
}

/** 0-based rank of each pool entry under `value` (larger first; ties keep pool order). */
function ranks(values: Float64Array): Float64Array {
  const order = Array.from(values.keys()).sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
  const out = new Float64Array(values.length);
  order.forEach((j, r) => {
    out[j] = r;
  });
  return out;
}

/** Features of every pool entry, row-major (pool.items.length × RERANK_DIMS). */
export function poolFeatures(src: FeatureSources, q: QueryContext, pool: Pool): Float32Array {
  const n = pool.items.length;
  const d = RERANK_DIMS;
  const out = new Float32Array(n * d);
  const created = new Float64Array(n);
  const active = new Float64Array(n);
  const blend = new Float64Array(n);
  let mean = 0;
  for (let r = 0; r < n; r++) {
    const i = pool.items[r] as number;
    created[r] = src.state.catalog.createdAt[i] as number;
    active[r] = src.state.lastActivity(i);
    blend[r] = pool.blend[i] as number;
    mean += blend[r] as number;
  }
  mean /= Math.max(1, n);
  let variance = 0;
  for (let r = 0; r < n; r++) variance += ((blend[r] as number) - mean) ** 2;
  const sd = Math.sqrt(variance / Math.max(1, n)) || 1;
  const ageRank = ranks(created);
  const blendRank = ranks(blend);
  const activeRank = ranks(active);
  const h = src.state.members.get(q.member);
  const history = h?.items.length ?? 0;
  const trust = Math.min(1, Math.log1p(history) / Math.log1p(CALIBRATION_ITEMS));
  // The member's acting moments (first and last touch of each item), sorted: what they were shown and passed over.
  const moments = h
    ? Float64Array.from([...h.firstAt, ...h.lastAt].filter((t) => t < q.at)).sort()
    : new Float64Array();
  const sessionStart = q.at - SESSION_MS;
  let previousVisit = Number.NEGATIVE_INFINITY;
  for (const t of moments) if (t < sessionStart) previousVisit = t;
  const lift = topicLift(src, q, h?.items ?? []);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    itemFeatures(src, q, pool.items[r] as number, out, o);
    let e = o + FEATURE_COUNT;
    out[e++] = -Math.log1p(ageRank[r] as number);
    out[e++] = -Math.log1p(blendRank[r] as number);
    out[e++] = -Math.log1p(activeRank[r] as number);
    out[e++] = ((blend[r] as number) - mean) / sd;
    const c = created[r] as number;
    const afterCreation = moments.length - upperBound(moments, c);
    const inSession = moments.length - upperBound(moments, Math.max(c, sessionStart));
    out[e++] = Math.log1p(afterCreation - inSession);
    out[e++] = Math.log1p(inSession);
    out[e++] = c > previousVisit ? 1 : 0;
    out[e++] = lift(pool.items[r] as number);
    for (const f of PERSONAL) out[e++] = trust * (out[o + f] as number);
  }
  return out;
}

/** First index in `sorted` whose value is greater than `x`. */
function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Per item, the smoothed topic lift of the member's history (0 for a member with no history or untagged items). */
function topicLift(src: FeatureSources, q: QueryContext, history: readonly number[]): (item: number) => number {
  const cat = src.state.catalog;
  if (history.length === 0) return () => 0;
  const topics = cat.topicNames.length;
  const global = new Float64Array(topics);
  let globalTotal = 0;
  for (let i = 0; i < cat.size; i++) {
    if ((cat.createdAt[i] as number) >= q.at) continue;
    for (const t of topicsOf(cat, i)) {
      global[t]! += 1;
      globalTotal++;
    }
  }
  const mine = new Map<number, number>();
  let mineTotal = 0;
  for (const i of history) {
    for (const t of topicsOf(cat, i)) {
      mine.set(t, (mine.get(t) ?? 0) + 1);
      mineTotal++;
    }
  }
  if (globalTotal === 0 || mineTotal === 0) return () => 0;
  return (item) => {
    const ts = topicsOf(cat, item);
    if (ts.length === 0) return 0;
    let s = 0;
    for (const t of ts) {
      const p = ((global[t] as number) + 1) / (globalTotal + topics);
      s += Math.log(((mine.get(t) ?? 0) + LIFT_PRIOR * p) / (mineTotal + LIFT_PRIOR) / p);
    }
    return s / ts.length;
  };
}

/** Index of the blend-rank feature (the blend's own order, the fallback the second stage is checked against). */
export const BLEND_RANK = FEATURE_COUNT + 1;
