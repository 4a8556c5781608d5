/**
 * `npm run eval -- kol --data <stack exchange dump folder>`
 *
 * Builds the site's interaction graph with the same code the leaderboard uses (InteractionGraph + computeKolScores)
 * and reports how well each scoring ranks users by reputation (Spearman ρ over users with at least one question or
 * answer, and the overlap of the top 10). Reputation is computed from votes, so every vote-derived input leaks the
 * answer: post Score, accepted answers and favourites are kept out of the "no votes" rows and only added in the
 * "with votes" rows, which are an upper bound, not a result.
 */

import { DEFAULT_EDGE_WEIGHTS, InteractionGraph } from '../../core/interactions/interaction-graph.ts';
import { computeKolScores } from '../../core/interactions/kol-score.ts';
import { pageRank } from '../../core/interactions/pagerank.ts';
import { spearman, topKOverlap } from '../../core/interactions/rank-correlation.ts';
import { loadStackExchange, type SePost, type StackExchangeDump } from './data/stackexchange.ts';
import type { EvalArgs } from './run.ts';

const DAY_MS = 86_400_000;

/**
 * A vote-free stand-in for the content model's quality score: longer, worked answers (formulas, code, links,
 * figures) tend to be the useful ones. Bounded to 0..1 like ContentSignals.quality.
 */
export function textQuality(html: string): number {
  const words = html
    .replace(/<[^>]+>/g, ' ')
    .split(/\s+/)
    .filter(Boolean).length;
  let q = Math.min(1, Math.log1p(words) / Math.log1p(400));
  if ((html.match(/\$/g)?.length ?? 0) > 1) q += 0.1;
  if (/<code>|<pre>/.test(html)) q += 0.05;
  if (/<a /.test(html)) q += 0.05;
  if (/<img/.test(html)) q += 0.05;
  return Math.min(1, q);
}

/** Vote-derived quality: the post's Score squashed to 0..1. Only for the leaking upper-bound rows. */
const scoreQuality = (p: SePost): number => 1 / (1 + Math.exp(-p.score / 2));

interface Built {
  graph: InteractionGraph;
  /** Distinct members with an edge into each member (unweighted in-degree). */
  inDegree: Map<string, Set<string>>;
}

export function buildGraph(dump: StackExchangeDump, withVotes: boolean): Built {
  const graph = new InteractionGraph();
  const inDegree = new Map<string, Set<string>>();
  const posts = new Map(dump.posts.filter((p) => p.postTypeId === 1 || p.postTypeId === 2).map((p) => [p.id, p]));
  const uid = (id: number) => `u${id}`;
  const edge = (from: number, to: number, weight: number) => {
    if (from === to) return;
    graph.addEdge(uid(from), uid(to), weight);
    const set = inDegree.get(uid(to)) ?? new Set<string>();
    inDegree.set(uid(to), set);
    set.add(uid(from));
  };
  const day = (d: Date) => Math.floor(d.getTime() / DAY_MS);

  for (const p of posts.values()) {
    if (p.ownerUserId === null || p.ownerUserId < 0) continue;
    const a = graph.activity[graph.node(uid(p.ownerUserId))]!;
    a.posts++;
    a.qualitySum += withVotes ? scoreQuality(p) : textQuality(p.body);
    a.qualityCount++;
    a.activeDays.add(day(p.creationDate));
    // An answer is help the asker received: attention flows from the asker to the answerer.
    const question = p.postTypeId === 2 && p.parentId !== null ? posts.get(p.parentId) : undefined;
    if (question?.ownerUserId != null && question.ownerUserId >= 0) {
      edge(question.ownerUserId, p.ownerUserId, DEFAULT_EDGE_WEIGHTS.reply);
      graph.activity[graph.node(uid(p.ownerUserId))]!.received.reply++;
    }
  }
  for (const c of dump.comments) {
    const p = posts.get(c.postId);
    if (c.userId === null || c.userId < 0 || !p || p.ownerUserId === null || p.ownerUserId < 0) continue;
    graph.activity[graph.node(uid(c.userId))]!.activeDays.add(day(c.creationDate));
    // A comment is a reply to the post's author; lighter than an answer.
    edge(c.userId, p.ownerUserId, DEFAULT_EDGE_WEIGHTS.reply / 3);
  }
  if (withVotes) {
    for (const p of posts.values()) {
      const accepted = p.acceptedAnswerId !== null ? posts.get(p.acceptedAnswerId) : undefined;
      if (p.ownerUserId != null && accepted?.ownerUserId != null && p.ownerUserId >= 0 && accepted.ownerUserId >= 0) {
        edge(p.ownerUserId, accepted.ownerUserId, DEFAULT_EDGE_WEIGHTS.tip);
      }
    }
    for (const v of dump.votes) {
      const p = posts.get(v.postId);
      if (v.voteTypeId === 5 && v.userId !== null && p?.ownerUserId != null && p.ownerUserId >= 0) {
        edge(v.userId, p.ownerUserId, DEFAULT_EDGE_WEIGHTS.reaction);
      }
    }
  }
  return { graph, inDegree };
}

interface Row {
  name: string;
  votes: boolean;
  rho: number;
  top10: number;
}

export async function run(args: EvalArgs): Promise<void> {
  if (!args.data) throw new Error('usage: npm run eval -- kol --data <stack exchange dump folder>');
  const dump = loadStackExchange(args.data);
  const reputation = new Map(dump.users.map((u) => [`u${u.id}`, u.reputation]));
  const posters = [
    ...new Set(
      dump.posts
        .filter((p) => (p.postTypeId === 1 || p.postTypeId === 2) && p.ownerUserId !== null && p.ownerUserId >= 0)
        .map((p) => `u${p.ownerUserId}`),
    ),
  ].filter((id) => reputation.has(id));
  const truth = posters.map((id) => reputation.get(id) as number);
  // The dump's "now": its last post or comment. Members join when their Stack Exchange account was created.
  let end = 0;
  for (const p of dump.posts) end = Math.max(end, p.creationDate.getTime());
  for (const c of dump.comments) end = Math.max(end, c.creationDate.getTime());
  const now = new Date(end);
  const joinedAt = new Map(dump.users.map((u) => [`u${u.id}`, u.creationDate]));
  const rows: Row[] = [];
  const score = (name: string, votes: boolean, values: Map<string, number>) => {
    const v = posters.map((id) => values.get(id) ?? 0);
    rows.push({ name, votes, rho: spearman(v, truth), top10: topKOverlap(v, truth, 10) });
  };

  for (const votes of [false, true]) {
    const { graph, inDegree } = buildGraph(dump, votes);
    const pr = pageRank(graph.toCsr()).scores;
    if (!votes) {
      score('post count', false, new Map(graph.ids.map((id, i) => [id, graph.activity[i]!.posts])));
      score('in-degree (distinct members)', false, new Map([...inDegree].map(([id, s]) => [id, s.size])));
      score(
        'account age (days)',
        false,
        new Map(posters.map((id) => [id, now.getTime() - joinedAt.get(id)!.getTime()])),
      );
    }
    score('PageRank', votes, new Map(graph.ids.map((id, i) => [id, pr[i]!])));
    // Baseline: the first weights (influence 1, contribution 2, presence 1), no volume, no tenure.
    const before = computeKolScores(graph, {
      weights: { influence: 1, contribution: 2, volume: 0, presence: 1, tenure: 0 },
    });
    score('KOL score, first weights (baseline)', votes, new Map(before.map((e) => [e.memberId, e.score])));
    const noTenure = computeKolScores(graph);
    score(
      'KOL score without tenure (weekly/monthly boards)',
      votes,
      new Map(noTenure.map((e) => [e.memberId, e.score])),
    );
    // What /leaderboard all-time computes: the same function with members' join dates.
    const kol = computeKolScores(graph, { joinedAt, now });
    score('KOL score (all-time board, product default)', votes, new Map(kol.map((e) => [e.memberId, e.score])));
  }
  const withScoreSum = new Map<string, number>();
  for (const p of dump.posts)
    if (p.ownerUserId !== null)
      withScoreSum.set(`u${p.ownerUserId}`, (withScoreSum.get(`u${p.ownerUserId}`) ?? 0) + p.score);
  score('sum of post Score (leak reference)', true, withScoreSum);

  if (args.json) {
    console.log(JSON.stringify({ users: posters.length, rows }, null, 2));
    return;
  }
  console.log(`KOL evaluation on ${args.data}`);
  console.log(`users with ≥ 1 question or answer: ${posters.length}; ground truth: reputation\n`);
  console.log(`${'scoring'.padEnd(52)} ${'votes?'.padEnd(7)} ${'ρ'.padStart(6)}  top-10`);
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(52)} ${(r.votes ? 'yes' : 'no').padEnd(7)} ${r.rho.toFixed(3).padStart(6)}  ${r.top10}/10`,
    );
  }
  console.log('\nTarget: ρ ≥ 0.75 without vote-derived inputs, top-10 overlap ≥ 8.');
}
