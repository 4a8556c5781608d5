import { type InteractionGraph, type MemberActivity, threadsStarted } from './interaction-graph.ts';
import { pageRank } from './pagerank.ts';
import { averageRanks } from './rank-correlation.ts';

/**
 * The KOL score: a blend of what a member does for the others, each signal as a percentile rank (signals live on
 * different scales; no single one, and no single heavy day of spam, can dominate): replies the member they answered
 * acknowledged (the asker reacting to the reply: "accepted"), the quality of what they post (posts weighted by their
 * model quality score), influence (weighted PageRank over who replies to, reacts to and tips whom), how long and how
 * steadily they have taken part (first active day, active days and, when the caller knows when members joined,
 * tenure), the places they help in (bridging groups), fast replies and thanks in words.
 * The default weights are fitted, not picked: non-negative least squares of members' reputation rank on these very
 * signal ranks, on the validation slice (the training period) of the evaluation sites pooled, never on the reported
 * test figures (bench/eval/kol.eval.ts; protocol and figures in models/recommender-card.md). Post count on its own
 * gets weight 0 there: quality-weighted contribution already carries it.
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
  /** Replies the member they answered reacted to: help the asker acknowledged. */
  accepted: number;
  /** Replies sent within a day of the message they answer. */
  quickReplies: number;
  /** Posts that started a conversation (questions, topics brought up) rather than replies. */
  threads: number;
  /** Days since the member's first activity in the window: how long they have been taking part. */
  seniority: number;
}

/** Fitted on the validation slice by `npm run eval -- kol` (2026-12-01, QC + Beer pooled; see the model card). */
export const DEFAULT_KOL_WEIGHTS: KolWeights = {
  influence: 0.168,
  contribution: 0.213,
  volume: 0,
  presence: 0.094,
  tenure: 0.065,
  helping: 0,
  thanked: 0.021,
  bridging: 0.051,
  accepted: 0.262,
  quickReplies: 0.024,
  threads: 0,
  seniority: 0.102,
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

/** The member's first active day (epoch day); members with no activity count as arriving last. */
export function firstActiveDay(a: MemberActivity): number {
  let first = Number.MAX_SAFE_INTEGER;
  for (const d of a.activeDays) if (d < first) first = d;
  return first;
}

export function contributionOf(a: MemberActivity): number {
  const unscored = a.posts - a.qualityCount;
  return a.qualitySum + Math.max(0, unscored) * DEFAULT_POST_QUALITY;
}

/** Every signal the KOL score can weigh, in a fixed order (the eval fits weights over exactly these). */
export const KOL_SIGNALS = [
  'influence',
  'contribution',
  'volume',
  'presence',
  'tenure',
  'helping',
  'thanked',
  'bridging',
  'accepted',
  'quickReplies',
  'threads',
  'seniority',
] as const satisfies readonly (keyof KolWeights)[];
export type KolSignal = (typeof KOL_SIGNALS)[number];

/** The ranked members (graph indices), their PageRank and days since joining, and a value per signal. */
interface Prepared {
  keep: number[];
  pagerank: Float64Array;
  memberDays: number[] | undefined;
  values: (signal: KolSignal) => number[] | undefined;
}

function prepare(graph: InteractionGraph, options: KolOptions): Prepared {
  const { scores } = pageRank(graph.toCsr(), { damping: options.damping ?? 0.85 });
  const keep: number[] = [];
  for (let i = 0; i < graph.ids.length; i++) if (!options.exclude?.has(graph.ids[i] as string)) keep.push(i);
  const activity = (i: number) => graph.activity[i] as MemberActivity;
  let memberDays: number[] | undefined;
  if (options.joinedAt && options.now) {
    const now = options.now.getTime();
    const joinedAt = options.joinedAt;
    // Unknown join date: counted as joining now (no tenure), never as the oldest member.
    memberDays = keep.map((i) => {
      const joined = joinedAt.get(graph.ids[i] as string);
      return joined ? Math.max(0, Math.floor((now - joined.getTime()) / 86_400_000)) : 0;
    });
  }
  const per = (f: (a: MemberActivity) => number) => keep.map((i) => f(activity(i)));
  const values = (signal: KolSignal): number[] | undefined => {
    switch (signal) {
      case 'influence':
        return keep.map((i) => scores[i] as number);
      case 'contribution':
        return per(contributionOf);
      case 'volume':
        return per((a) => a.posts);
      case 'presence':
        return per((a) => a.activeDays.size);
      case 'tenure':
        return memberDays;
      case 'helping':
        return per((a) => a.helped.size);
      case 'thanked':
        return per((a) => a.thanked);
      case 'bridging':
        return per((a) => a.places.size);
      case 'accepted':
        return per((a) => a.accepted);
      case 'quickReplies':
        return per((a) => a.quickReplies);
      case 'threads':
        return per(threadsStarted);
      case 'seniority':
        // An earlier first day is more seniority: rank its negation.
        return per((a) => -firstActiveDay(a));
    }
  };
  return { keep, pagerank: scores, memberDays, values };
}

/**
 * Each signal's percentile ranks (1..n, ties averaged) over the members the score ranks, in graph order of `ids`:
 * the exact inputs of the blend, so weights can be fitted on them (bench/eval/kol.eval.ts). Tenure is absent
 * without join dates.
 */
export function kolSignalRanks(
  graph: InteractionGraph,
  options: KolOptions = {},
): { ids: string[]; ranks: Partial<Record<KolSignal, Float64Array>> } {
  const p = prepare(graph, options);
  const ranks: Partial<Record<KolSignal, Float64Array>> = {};
  for (const signal of KOL_SIGNALS) {
    const v = p.values(signal);
    if (v) ranks[signal] = averageRanks(v);
  }
  return { ids: p.keep.map((i) => graph.ids[i] as string), ranks };
}

/** Scores every member of the graph, best first (ties by id so snapshots are stable). */
export function computeKolScores(graph: InteractionGraph, options: KolOptions = {}): KolEntry[] {
  const weights = { ...DEFAULT_KOL_WEIGHTS, ...options.weights };
  const { keep, pagerank, memberDays, values } = prepare(graph, options);
  const n = keep.length;
  if (n === 0) return [];
  // Ranked only when weighed: a signal at weight 0 costs nothing.
  const signals: Array<{ weight: number; ranks: Float64Array }> = [];
  for (const signal of KOL_SIGNALS) {
    const weight = weights[signal];
    const v = weight !== 0 ? values(signal) : undefined;
    // A signal every member shares (no reactions in this community, one day of history) says nothing: left out,
    // rather than pulling everyone toward the middle.
    if (v?.some((x) => x !== v[0])) signals.push({ weight, ranks: averageRanks(v) });
  }
  const total = signals.reduce((sum, s) => sum + s.weight, 0) || 1;
  const entries = keep.map((i, k): KolEntry => {
    const blended = signals.reduce((sum, s) => sum + s.weight * (s.ranks[k] as number), 0) / total;
    const days = memberDays?.[k];
    const activity = graph.activity[i] as MemberActivity;
    return {
      memberId: graph.ids[i] as string,
      score: n === 1 ? 100 : (100 * (blended - 1)) / (n - 1),
      pagerank: pagerank[i] as number,
      contribution: contributionOf(activity),
      activity,
      ...(days !== undefined ? { memberDays: days } : {}),
    };
  });
  entries.sort((a, b) => b.score - a.score || b.pagerank - a.pagerank || (a.memberId < b.memberId ? -1 : 1));
  return entries;
}
