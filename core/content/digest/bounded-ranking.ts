import type { CandidateScoreBound, ContentItemStore, RankedCandidateQuery } from '../ports.ts';
import type { ContentItem } from '../types.ts';
import {
  type FeedbackStats,
  type RankCandidate,
  type RankOptions,
  type RankResult,
  rankCandidates,
  WEIGHTS,
} from './rank.ts';

/**
 * A digest over any number of candidates without reading them all (the threshold algorithm): the database ranks
 * the candidates by an upper bound of their score (ports.ts `CandidateScoreBound`), the digest reads them best
 * bound first a page at a time, ranks what it has read exactly as the full ranking would (rank.ts), and stops as
 * soon as no unread candidate could have been taken at any step of the greedy pick: every step's score beats the
 * unread candidates' bound under the diversity discount that step applied to their source. The picks, their order
 * and scores are then those of ranking every candidate (test/content/digest-bounded.test.ts holds it to that).
 */

/** At least this many of the best-scored candidates get their embedding for the near-duplicate check. */
export const NEAR_DUPLICATE_POOL = 200;
/** The database and JavaScript may round a score differently in its last bits; the bound leaves room for that. */
const BOUND_MARGIN = 1e-9;

/** Newest first, ties by id: the order candidates are read, capped and ranked in (ties in score keep it). */
export function newestFirst(a: ContentItem, b: ContentItem): number {
  return b.publishedAt.getTime() - a.publishedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Ranked once without embeddings, to find the few that can be picked; their embeddings are read, and the ranking
 * run again with them (the near-duplicate check). Past the first `NEAR_DUPLICATE_POOL` by score an item has none,
 * which only matters if that many in a row repeat an earlier pick.
 */
export async function rankTwice(
  candidates: readonly RankCandidate[],
  delivered: ReadonlySet<string>,
  feedback: FeedbackStats,
  options: RankOptions,
  embeddingsOf: (ids: string[]) => Promise<Map<string, Float32Array>>,
): Promise<{ first: RankResult; result: RankResult; contenderScores: number[] }> {
  const first = rankCandidates(candidates, delivered, feedback, options);
  const ranked = first.decisions
    .filter((d) => d.reason === null || d.reason === 'OVER_MAX_ITEMS')
    .sort((a, b) => b.score - a.score);
  const contenders = ranked.slice(0, contenderPool(options)).map((d) => d.itemId);
  const embeddings = await embeddingsOf(contenders);
  const withEmbeddings = candidates.map((candidate) => {
    const embedding = embeddings.get(candidate.item.id);
    return embedding ? { ...candidate, item: { ...candidate.item, embedding } } : candidate;
  });
  return {
    first,
    result: rankCandidates(withEmbeddings, delivered, feedback, options),
    contenderScores: ranked.map((d) => d.score),
  };
}

const contenderPool = (options: RankOptions) => Math.max(NEAR_DUPLICATE_POOL, options.maxItems * 20);

/**
 * Whether each item the second ranking took as best would have had (or lacked) its embedding in the full
 * ranking too: its first-ranking score beats every unread bound (so its place among the contenders is the one
 * seen), or the pool of contenders is full with read items above it (so it is out either way).
 */
function contendersSettled(
  ranked: { first: RankResult; result: RankResult; contenderScores: number[] },
  unreadMax: number,
  pool: number,
): boolean {
  const scoreOf = new Map(ranked.first.decisions.map((d) => [d.itemId, d.score]));
  const scores = ranked.contenderScores;
  return ranked.result.steps.every((step) => {
    const score = scoreOf.get(step.itemId) as number;
    if (score > unreadMax) return true;
    // Read contenders scored strictly above it (scores are sorted high to low).
    let lo = 0;
    let hi = scores.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((scores[mid] as number) > score) lo = mid + 1;
      else hi = mid;
    }
    return lo >= pool;
  });
}

/**
 * The score bound of a candidate with no feedback of its own (items with some are read up front): quality and
 * freshness as they are, the topic match at its best, and its source's feedback.
 */
export function scoreBound(
  options: RankOptions,
  sourceIds: readonly string[],
  feedback: FeedbackStats,
  quality: CandidateScoreBound['quality'],
): CandidateScoreBound {
  const topic = options.topics.length === 0 ? 0.5 : 1;
  const constantBySource: Record<string, number> = {};
  for (const sourceId of sourceIds) {
    // rank.ts: net = votes + 0.3·source feedback; with no votes of its own, exactly 0.3·source.
    const fb = Math.tanh((0.3 * feedback.source(sourceId)) / 3);
    constantBySource[sourceId] = WEIGHTS.topic * topic + WEIGHTS.feedback * ((fb + 1) / 2);
  }
  return {
    now: options.now,
    halfLifeMs: options.halfLifeMs ?? 86_400_000,
    weights: { quality: WEIGHTS.quality, freshness: WEIGHTS.freshness },
    quality,
    constantBySource,
    margin: BOUND_MARGIN,
  };
}

/**
 * Whether no unread candidate could have been the best at any step: `unread(sourceId)` bounds the unread
 * candidates of a source (−∞: none left). A step took the first strictly higher discounted score in score order,
 * so an unread candidate whose discounted bound is below the step's score cannot have displaced it, nor stopped
 * the scan before it (rank.ts).
 */
export function settled(
  rank: RankResult,
  sourceIds: readonly string[],
  unread: (sourceId: string) => number,
  decay: number,
): boolean {
  if (rank.exhausted) return false;
  return rank.steps.every((step) =>
    sourceIds.every((sourceId) => {
      const bound = unread(sourceId);
      return bound === Number.NEGATIVE_INFINITY || step.score > bound * decay ** (step.picksBefore.get(sourceId) ?? 0);
    }),
  );
}

export interface BoundedRankingInput {
  items: ContentItemStore;
  query: Omit<RankedCandidateQuery, 'offset' | 'limit' | 'bound'>;
  bound: CandidateScoreBound;
  options: RankOptions;
  feedback: FeedbackStats;
  /** Read before any page: the candidates with feedback of their own, whose score the bound does not cover. */
  pinned: readonly ContentItem[];
  /** Turns read items into candidates (calibrated quality, source filters) and says which were delivered. */
  admit(items: readonly ContentItem[]): Promise<{ candidates: RankCandidate[]; delivered: ReadonlySet<string> }>;
}

export interface BoundedRanking {
  result: RankResult;
  /** Candidates read and ranked, and the pages it took. */
  read: number;
  pages: number;
}

export async function rankBounded(input: BoundedRankingInput): Promise<BoundedRanking> {
  const { items, options } = input;
  const sourceIds = input.query.sourceIds ?? Object.keys(input.bound.constantBySource);
  const decay = options.diversityDecay ?? 0.7;
  const read = new Map<string, RankCandidate>();
  const seen = new Set<string>();
  const delivered = new Set<string>();
  const embeddings = new Map<string, Float32Array | null>();
  const embeddingsOf = async (ids: string[]) => {
    const missing = ids.filter((id) => !embeddings.has(id));
    const fetched = missing.length > 0 ? await items.embeddingsOf(missing) : new Map<string, Float32Array>();
    for (const id of missing) embeddings.set(id, fetched.get(id) ?? null);
    const out = new Map<string, Float32Array>();
    for (const id of ids) {
      const embedding = embeddings.get(id);
      if (embedding) out.set(id, embedding);
    }
    return out;
  };
  const admit = async (list: readonly ContentItem[]) => {
    const fresh = list.filter((item) => !seen.has(item.id));
    for (const item of fresh) seen.add(item.id);
    const admitted = await input.admit(fresh);
    for (const candidate of admitted.candidates) read.set(candidate.item.id, candidate);
    for (const id of admitted.delivered) delivered.add(id);
  };
  await admit(input.pinned);
  const pool = Math.max(NEAR_DUPLICATE_POOL, options.maxItems * 20);
  let size = 4 * pool;
  let offset = 0;
  for (let pages = 1; ; pages++) {
    const page = await items.rankedCandidates({ ...input.query, bound: input.bound, offset, limit: size });
    await admit(page.map((p) => p.item));
    offset += page.length;
    const complete = page.length < size;
    const threshold = complete ? Number.NEGATIVE_INFINITY : (page.at(-1) as { bound: number }).bound;
    const candidates = [...read.values()].sort((a, b) => newestFirst(a.item, b.item));
    const ranked = await rankTwice(candidates, delivered, input.feedback, options, embeddingsOf);
    const { first, result } = ranked;
    const done = (unread: (sourceId: string) => number, unreadMax: number) =>
      settled(first, sourceIds, unread, decay) &&
      settled(result, sourceIds, unread, decay) &&
      contendersSettled(ranked, unreadMax, pool);
    if (complete || done(() => threshold, threshold)) return { result, read: read.size, pages };
    // The next unread may be far below the last read in its own source: ask the database, source by source.
    const bySource = await items.boundsBySource({ ...input.query, bound: input.bound }, threshold);
    const unread = (sourceId: string) => Math.min(threshold, bySource.get(sourceId) ?? Number.NEGATIVE_INFINITY);
    if (done(unread, Math.max(Number.NEGATIVE_INFINITY, ...sourceIds.map(unread)))) {
      return { result, read: read.size, pages };
    }
    // Each page ranks the whole window in the database again: doubling keeps the pages few and the reads close.
    size *= 2;
  }
}
