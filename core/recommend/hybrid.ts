import { topicsOf } from './catalog.ts';
import { scoreAllFast } from './fast-score.ts';
import {
  F,
  FEATURE_COUNT,
  FEATURES,
  type FeatureName,
  type FeatureSources,
  itemFeatures,
  type QueryContext,
} from './features.ts';
import { mmr } from './mmr.ts';
import { contribution, type RankerWeights, score } from './ranker.ts';
import { topK } from './topk.ts';

/** Why an item was picked: the signal that lifted it most, with what a member needs to read it. */
export interface Reason {
  /** `explore`: nothing personal holds; the course is offered as something new to the member (see reasons.ts). */
  signal: FeatureName | 'explore';
  /** The history item behind "because you read …" (item-kNN, content). */
  becauseOf?: number;
  /** The topic behind "because you like …" / "new this week in …". */
  topic?: string;
}

export interface Pick {
  item: number;
  score: number;
  reason: Reason;
}

export interface RankOptions {
  k: number;
  /** 1 = pure relevance, lower trades relevance for variety. */
  mmrLambda: number;
  /** How many top-scored items MMR chooses from. */
  pool: number;
  /** Restrict to items carrying this topic index. */
  topic?: number;
}

export const DEFAULT_RANK: RankOptions = { k: 10, mmrLambda: 0.85, pool: 40 };

/** Signals a member can be told about, in the order an explanation prefers them when they contribute alike. */
const PERSONAL: readonly FeatureName[] = ['itemKnn', 'content', 'topic', 'author', 'peers', 'cf', 'group'];

export function scoreAll(src: FeatureSources, ranker: RankerWeights, q: QueryContext, topic?: number): Float32Array {
  const n = src.state.catalog.size;
  const scores = new Float32Array(n).fill(Number.NaN);
  const row = new Float32Array(FEATURE_COUNT);
  for (let i = 0; i < n; i++) {
    if (q.excluded[i]) continue;
    if (topic !== undefined && !topicsOf(src.state.catalog, i).includes(topic)) continue;
    itemFeatures(src, q, i, row, 0);
    scores[i] = score(ranker, row, 0);
  }
  return scores;
}

export function itemSimilarity(src: FeatureSources, a: number, b: number): number {
  const cat = src.state.catalog;
  const ta = topicsOf(cat, a);
  const tb = topicsOf(cat, b);
  let inter = 0;
  for (const t of ta) if (tb.includes(t)) inter++;
  const union = ta.length + tb.length - inter;
  let sim = union > 0 ? inter / union : 0;
  if (cat.content) {
    const d = cat.content.dims;
    let dot = 0;
    for (let k = 0; k < d; k++)
      dot += (cat.content.vectors[a * d + k] as number) * (cat.content.vectors[b * d + k] as number);
    sim = Math.max(sim, dot);
  }
  return sim;
}

export function rank(
  src: FeatureSources,
  ranker: RankerWeights,
  q: QueryContext,
  options: Partial<RankOptions> = {},
  /** The served scores (the engine's second stage); the blend's own by default. Reasons still read the blend. */
  scoreAll: (topic?: number) => Float32Array = (topic) => scoreAllFast(src, ranker, q, topic),
): Pick[] {
  const opts = { ...DEFAULT_RANK, ...options };
  const scores = scoreAll(opts.topic);
  const pool = topK(scores, Math.max(opts.k, opts.pool));
  let chosen: number[];
  if (opts.mmrLambda >= 1 || pool.length <= opts.k) chosen = Array.from(pool).slice(0, opts.k);
  else {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const i of pool) {
      lo = Math.min(lo, scores[i] as number);
      hi = Math.max(hi, scores[i] as number);
    }
    const rel = Array.from(pool, (i) => (hi > lo ? ((scores[i] as number) - lo) / (hi - lo) : 1));
    chosen = mmr(pool, rel, (a, b) => itemSimilarity(src, a, b), opts.k, opts.mmrLambda);
  }
  return chosen.map((item) => ({ item, score: scores[item] as number, reason: explain(src, ranker, q, item) }));
}

/**
 * The largest positive contribution among the personal signals, when it is substantial; otherwise the largest
 * among freshness and popularity. Members trust "because you read X" more than "it's new", so a personal reason
 * wins ties.
 */
export function explain(src: FeatureSources, ranker: RankerWeights, q: QueryContext, item: number): Reason {
  const row = new Float32Array(FEATURE_COUNT);
  itemFeatures(src, q, item, row, 0);
  const contrib = FEATURES.map((_, f) => contribution(ranker, f, row[f] as number));
  let best: FeatureName | null = null;
  let bestValue = 0.25;
  for (const name of PERSONAL) {
    const f = F[name];
    if ((row[f] as number) > 0 && (contrib[f] as number) > bestValue) {
      best = name;
      bestValue = contrib[f] as number;
    }
  }
  if (!best) {
    const general: FeatureName[] = ['fresh', 'trendShort', 'trendLong', 'popularity'];
    best = general.reduce((a, b) => ((contrib[F[b]] as number) > (contrib[F[a]] as number) ? b : a));
  }
  const reason: Reason = { signal: best };
  const cat = src.state.catalog;
  const topics = topicsOf(cat, item);
  if (best === 'itemKnn' || best === 'content') {
    // "Because you looked at X" only when X is really close; otherwise the topic says it better.
    const closest = closestHistoryItem(src, q, item);
    if (closest && closest.similarity >= 0.35) reason.becauseOf = closest.item;
    else reason.signal = 'topic';
  }
  if (topics.length > 0) {
    let t = topics[0] as number;
    let tw = -1;
    for (const cand of topics) {
      const w = q.topicWeights.get(cand) ?? 0;
      if (w > tw) {
        tw = w;
        t = cand;
      }
    }
    reason.topic = cat.topicNames[t];
  }
  return reason;
}

/** The member's history item most like `item`: shared topics or content, and co-occurrence in others' histories. */
function closestHistoryItem(
  src: FeatureSources,
  q: QueryContext,
  item: number,
): { item: number; similarity: number } | undefined {
  const h = src.state.members.get(q.member);
  if (!h || h.items.length === 0) return undefined;
  let best: number | undefined;
  let bestSim = Number.NEGATIVE_INFINITY;
  const cooc = src.state.cooc[item];
  const reach = Math.max(1, src.state.reach[item] as number);
  for (let k = h.items.length - 1; k >= Math.max(0, h.items.length - 50); k--) {
    const j = h.items[k] as number;
    // A viewed course stays on offer (viewing is interest): it is never its own "because you looked at".
    if (j === item) continue;
    const together = (cooc?.get(j) ?? 0) / Math.sqrt(reach * Math.max(1, src.state.reach[j] as number));
    const sim = Math.max(together, itemSimilarity(src, item, j));
    if (sim > bestSim) {
      bestSim = sim;
      best = j;
    }
  }
  return best === undefined ? undefined : { item: best, similarity: bestSim };
}
