import type { InteractionGraph, MemberActivity } from './interaction-graph.ts';
import { pageRank } from './pagerank.ts';
import { averageRanks } from './rank-correlation.ts';

/**
 * The KOL score: influence (weighted PageRank over the interaction graph) blended with the quality of what the
 * member contributes (posts weighted by their model quality score) and with steady presence (distinct active days).
 * The three live on different scales, so they are blended as percentile ranks: no single signal, and no single
 * heavy day of spam, can dominate. Weights are documented defaults; bench/eval/kol.eval.ts measures them.
 */

export interface KolWeights {
  influence: number;
  contribution: number;
  presence: number;
}

export const DEFAULT_KOL_WEIGHTS: KolWeights = { influence: 1, contribution: 2, presence: 1 };

/** A post without a model score counts as middling: it is still a contribution. */
export const DEFAULT_POST_QUALITY = 0.5;

export interface KolEntry {
  memberId: string;
  /** 0..100, the blended percentile. */
  score: number;
  pagerank: number;
  contribution: number;
  activity: MemberActivity;
}

export interface KolOptions {
  weights?: Partial<KolWeights>;
  damping?: number;
  /** Members left out of the ranking (opted out, staff, bots). They still pass influence through the graph. */
  exclude?: ReadonlySet<string>;
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
  const influence = keep.map((i) => scores[i] as number);
  const contribution = keep.map((i) => contributionOf(graph.activity[i] as MemberActivity));
  const presence = keep.map((i) => (graph.activity[i] as MemberActivity).activeDays.size);
  const ri = averageRanks(influence);
  const rc = averageRanks(contribution);
  const rp = averageRanks(presence);
  const total = weights.influence + weights.contribution + weights.presence;
  const entries = keep.map((i, k): KolEntry => {
    const blended =
      (weights.influence * (ri[k] as number) +
        weights.contribution * (rc[k] as number) +
        weights.presence * (rp[k] as number)) /
      total;
    return {
      memberId: graph.ids[i] as string,
      score: n === 1 ? 100 : (100 * (blended - 1)) / (n - 1),
      pagerank: scores[i] as number,
      contribution: contribution[k] as number,
      activity: graph.activity[i] as MemberActivity,
    };
  });
  entries.sort((a, b) => b.score - a.score || b.pagerank - a.pagerank || (a.memberId < b.memberId ? -1 : 1));
  return entries;
}
