import type { InteractionGraph, MemberActivity } from './interaction-graph.ts';
import { pageRank } from './pagerank.ts';
import { averageRanks } from './rank-correlation.ts';

/**
 * The KOL score: influence (weighted PageRank over the interaction graph) blended with the quality of what the
 * member contributes (posts weighted by their model quality score), how much they contribute (post count), steady
 * presence (distinct active days) and, when the caller knows when members joined, tenure (days since joining: the
 * members who have been answering for a year have helped more people than last week's newcomer).
 * The signals live on different scales, so they are blended as percentile ranks: no single signal, and no single
 * heavy day of spam, can dominate (equal weights; tenure half, since it only grows). Weights are documented defaults;
 * bench/eval/kol.eval.ts measures them against post count with paired intervals (models/recommender-card.md). The
 * helping, thanked and bridging signals are available but weigh 0 by default: on the validation slice they did not
 * add to post count as a predictor of reputation.
 */

export interface KolWeights {
  influence: number;
  contribution: number;
  /** Post count, quality aside. */
  volume: number;
  presence: number;
  /** Days since joining; only counts when `KolOptions.joinedAt` is given. */
  tenure: number;
  /** Distinct members helped (replied to). */
  helping: number;
  /** Replies received that thank the member. */
  thanked: number;
  /** Distinct places (topics, channels) helped in: bridging groups. */
  bridging: number;
}

export const DEFAULT_KOL_WEIGHTS: KolWeights = {
  influence: 1,
  contribution: 1,
  volume: 1,
  presence: 1,
  tenure: 0.5,
  helping: 0,
  thanked: 0,
  bridging: 0,
};

/** A post without a model score counts as middling: it is still a contribution. */
export const DEFAULT_POST_QUALITY = 0.5;

export interface KolEntry {
  memberId: string;
  /** 0..100, the blended percentile. */
  score: number;
  pagerank: number;
  contribution: number;
  activity: MemberActivity;
  /** Whole days since joining, when known. */
  memberDays?: number;
}

export interface KolOptions {
  weights?: Partial<KolWeights>;
  damping?: number;
  /** Members left out of the ranking (opted out, staff, bots). They still pass influence through the graph. */
  exclude?: ReadonlySet<string>;
  /**
   * When members joined the community, with `now`: turns the tenure signal on. Leave it out for short windows
   * (a weekly leaderboard should let a newcomer shine).
   */
  joinedAt?: ReadonlyMap<string, Date>;
  now?: Date;
}

export function contributionOf(a: MemberActivity): number {
  const unscored = a.posts - a.qualityCount;
  return a.qualitySum + Math.max(0, unscored) * DEFAULT_POST_QUALITY;
}

/** Scores every member of the graph, best first (ties by id so snapshots are stable). */
export function computeKolScores(graph: InteractionGraph, options: KolOptions = {}): KolEntry[] {
  const weights = { ...DEFAULT_KOL_WEIGHTS, ...options.weights };
  const { scores } = pageRank(graph.toCsr(), { damping: options.damping ?? 0.85 });
  const keep: number[] = [];
  for (let i = 0; i < graph.ids.length; i++) if (!options.exclude?.has(graph.ids[i] as string)) keep.push(i);
  const n = keep.length;
  if (n === 0) return [];
  const activity = (i: number) => graph.activity[i] as MemberActivity;
  const signals: Array<{ weight: number; ranks: Float64Array }> = [
    { weight: weights.influence, ranks: averageRanks(keep.map((i) => scores[i] as number)) },
    { weight: weights.contribution, ranks: averageRanks(keep.map((i) => contributionOf(activity(i)))) },
    { weight: weights.volume, ranks: averageRanks(keep.map((i) => activity(i).posts)) },
    { weight: weights.presence, ranks: averageRanks(keep.map((i) => activity(i).activeDays.size)) },
    { weight: weights.helping, ranks: averageRanks(keep.map((i) => activity(i).helped.size)) },
    { weight: weights.thanked, ranks: averageRanks(keep.map((i) => activity(i).thanked)) },
    { weight: weights.bridging, ranks: averageRanks(keep.map((i) => activity(i).places.size)) },
  ].filter((s) => s.weight !== 0);
  let memberDays: number[] | undefined;
  if (options.joinedAt && options.now) {
    const now = options.now.getTime();
    const joinedAt = options.joinedAt;
    // Unknown join date: counted as joining now (no tenure), never as the oldest member.
    memberDays = keep.map((i) => {
      const joined = joinedAt.get(graph.ids[i] as string);
      return joined ? Math.max(0, Math.floor((now - joined.getTime()) / 86_400_000)) : 0;
    });
    signals.push({ weight: weights.tenure, ranks: averageRanks(memberDays) });
  }
  const total = signals.reduce((sum, s) => sum + s.weight, 0) || 1;
  const entries = keep.map((i, k): KolEntry => {
    const blended = signals.reduce((sum, s) => sum + s.weight * (s.ranks[k] as number), 0) / total;
    const days = memberDays?.[k];
    return {
      memberId: graph.ids[i] as string,
      score: n === 1 ? 100 : (100 * (blended - 1)) / (n - 1),
      pagerank: scores[i] as number,
      contribution: contributionOf(activity(i)),
      activity: activity(i),
      ...(days !== undefined ? { memberDays: days } : {}),
    };
  });
  entries.sort((a, b) => b.score - a.score || b.pagerank - a.pagerank || (a.memberId < b.memberId ? -1 : 1));
  return entries;
}
