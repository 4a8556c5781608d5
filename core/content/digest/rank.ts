import { dot } from '../../domain/vectors.ts';
import type { ContentItem, DigestLanguage, DropReason, RunDecision } from '../types.ts';

/**
 * Ranking, pure and synchronous: candidates in, picks (with the parts of their score) and one decision per
 * candidate out. score = w_q·quality + w_f·freshness + w_t·topic + w_b·feedback, then a greedy pick that
 * discounts sources already picked (diversity) and skips near-duplicates of earlier picks.
 */
export interface RankCandidate {
  item: ContentItem;
  sourceTitle: string;
  sourceTopics: readonly string[];
  /** True when the source's filter excludes the item (decided before ranking: filters are the moderator's word). */
  filteredOut?: boolean;
  /** Other sources that carried a copy of the same story (reposts, translations): shown as "also in". */
  alsoIn?: string[];
}

export interface FeedbackStats {
  /** Net votes on the item (👍 − 👎), clicks, and reactions on the member post behind it. */
  item(itemId: string): { up: number; down: number; clicks: number; reactions: number };
  /** Net community feedback on the item's source across its items: shapes the source's future items. */
  source(sourceId: string): number;
}

export const NO_FEEDBACK: FeedbackStats = {
  item: () => ({ up: 0, down: 0, clicks: 0, reactions: 0 }),
  source: () => 0,
};

export interface RankOptions {
  topics: readonly string[];
  /** Minimum model quality in [0, 1]. */
  minScore: number;
  maxItems: number;
  language: DigestLanguage;
  now: Date;
  /** Older items are not candidates. Default 7 days. */
  maxAgeMs?: number;
  /** Freshness halves every this many ms. Default 24 h. */
  halfLifeMs?: number;
  /** Multiplier per item already picked from the same source. Default 0.7. */
  diversityDecay?: number;
  /** Cosine at or above which a candidate repeats an earlier pick. Default 0.9. */
  nearDuplicateThreshold?: number;
}

export const WEIGHTS = { quality: 0.45, freshness: 0.2, topic: 0.2, feedback: 0.15 } as const;

export interface ScoreParts {
  quality: number;
  freshness: number;
  topic: number;
  /** In [-1, 1]. */
  feedback: number;
  /** The diversity multiplier applied when the item was picked (1 when its source had no earlier pick). */
  diversity: number;
}

export interface RankedItem {
  candidate: RankCandidate;
  rank: number;
  score: number;
  parts: ScoreParts;
  matchedTopics: string[];
  ageMs: number;
  votes: { up: number; down: number };
}

export interface RankResult {
  picked: RankedItem[];
  decisions: RunDecision[];
  /**
   * Each step of the greedy pick (picks and near-duplicates skipped alike): the score it took as best, and how many
   * items of each source were picked before it (the diversity discount it applied); and whether it ran out of
   * candidates before `maxItems`. A digest that ranked only the candidates whose score bound is above some T got
   * the full ranking's answer when every step's score beats T discounted the same way and it did not run out
   * (digest/bounded-ranking.ts).
   */
  steps: { itemId: string; score: number; picksBefore: ReadonlyMap<string, number> }[];
  exhausted: boolean;
}

function topicMatch(candidate: RankCandidate, topics: readonly string[]): { score: number; matched: string[] } {
  if (topics.length === 0) return { score: 0.5, matched: [] };
  const text = `${candidate.item.title}\n${candidate.item.text.slice(0, 1000)}`.toLowerCase();
  const sourceTopics = new Set(candidate.sourceTopics.map((t) => t.toLowerCase()));
  let best = 0;
  const matched: string[] = [];
  for (const topic of topics) {
    const key = topic.toLowerCase();
    // A model weight is a share in [0, 1]; clamped so a topic score never exceeds 1 (the digest's score bound).
    const model = Math.min(1, candidate.item.topics.find((t) => t.topic.toLowerCase() === key)?.weight ?? 0);
    const score = Math.max(sourceTopics.has(key) ? 1 : 0, text.includes(key) ? 0.8 : 0, model);
    if (score >= 0.3) matched.push(topic);
    best = Math.max(best, score);
  }
  return { score: best, matched };
}

export function rankCandidates(
  candidates: readonly RankCandidate[],
  delivered: ReadonlySet<string>,
  feedback: FeedbackStats,
  options: RankOptions,
): RankResult {
  const now = options.now.getTime();
  const maxAge = options.maxAgeMs ?? 7 * 86_400_000;
  const halfLife = options.halfLifeMs ?? 86_400_000;
  const decay = options.diversityDecay ?? 0.7;
  const nearDup = options.nearDuplicateThreshold ?? 0.9;
  const decisions: RunDecision[] = [];

  type Scored = { candidate: RankCandidate; base: number; parts: ScoreParts; matched: string[]; ageMs: number };
  const pool: Scored[] = [];
  for (const candidate of candidates) {
    const { item } = candidate;
    const ageMs = Math.max(0, now - item.publishedAt.getTime());
    const freshness = 0.5 ** (ageMs / halfLife);
    const topic = topicMatch(candidate, options.topics);
    const votes = feedback.item(item.id);
    const net =
      votes.up - votes.down + 0.5 * votes.clicks + 0.5 * votes.reactions + 0.3 * feedback.source(item.sourceId);
    const fb = Math.tanh(net / 3);
    const parts: ScoreParts = { quality: item.quality, freshness, topic: topic.score, feedback: fb, diversity: 1 };
    const base =
      WEIGHTS.quality * item.quality +
      WEIGHTS.freshness * freshness +
      WEIGHTS.topic * topic.score +
      WEIGHTS.feedback * ((fb + 1) / 2);
    const reject = (reason: DropReason) => decisions.push({ itemId: item.id, score: base, rank: null, reason });
    if (item.dropReason) reject(item.dropReason);
    else if (candidate.filteredOut) reject('FILTERED_OUT');
    else if (delivered.has(item.id)) reject('ALREADY_POSTED');
    else if (ageMs > maxAge) reject('TOO_OLD');
    else if (options.language !== 'any' && item.language !== options.language) reject('LANGUAGE_MISMATCH');
    else if (options.topics.length > 0 && topic.matched.length === 0) reject('TOPIC_MISMATCH');
    else if (item.quality < options.minScore) reject('BELOW_MIN_SCORE');
    else pool.push({ candidate, base, parts, matched: topic.matched, ageMs });
  }
  pool.sort((a, b) => b.base - a.base);

  const picked: RankedItem[] = [];
  const perSource = new Map<string, number>();
  const skipped = new Set<Scored>();
  const steps: RankResult['steps'] = [];
  let exhausted = false;
  while (picked.length < options.maxItems) {
    let best: Scored | null = null;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const entry of pool) {
      if (skipped.has(entry)) continue;
      // The pool is sorted by base and the multiplier is ≤ 1: nothing further down can beat the best so far.
      if (entry.base <= bestScore) break;
      const adjusted = entry.base * decay ** (perSource.get(entry.candidate.item.sourceId) ?? 0);
      if (adjusted > bestScore) [best, bestScore] = [entry, adjusted];
    }
    if (!best) {
      exhausted = true;
      break;
    }
    steps.push({ itemId: best.candidate.item.id, score: bestScore, picksBefore: new Map(perSource) });
    skipped.add(best);
    const embedding = best.candidate.item.embedding;
    const twin = embedding
      ? picked.find((p) => p.candidate.item.embedding && dot(p.candidate.item.embedding, embedding) >= nearDup)
      : undefined;
    if (twin) {
      decisions.push({
        itemId: best.candidate.item.id,
        score: best.base,
        rank: null,
        reason: 'NEAR_DUPLICATE_OF_PICK',
      });
      continue;
    }
    const sourceId = best.candidate.item.sourceId;
    const votes = feedback.item(best.candidate.item.id);
    picked.push({
      candidate: best.candidate,
      rank: picked.length + 1,
      score: bestScore,
      parts: { ...best.parts, diversity: best.base > 0 ? bestScore / best.base : 1 },
      matchedTopics: best.matched,
      ageMs: best.ageMs,
      votes: { up: votes.up, down: votes.down },
    });
    perSource.set(sourceId, (perSource.get(sourceId) ?? 0) + 1);
    decisions.push({ itemId: best.candidate.item.id, score: bestScore, rank: picked.length, reason: null });
  }
  for (const entry of pool) {
    if (!skipped.has(entry)) {
      decisions.push({ itemId: entry.candidate.item.id, score: entry.base, rank: null, reason: 'OVER_MAX_ITEMS' });
    }
  }
  return { picked, decisions, steps, exhausted };
}
