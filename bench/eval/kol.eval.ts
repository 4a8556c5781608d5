/**
 * `npm run eval -- kol --data <se dump> [--data <se dump> …] [--json]`
 *
 * Replays each site as the product's own interaction log (InteractionEvents: every question, answer and comment a
 * `message.posted`; answers and comments also a `message.replied` to the post's author; the asker's acceptance a
 * reaction of the asker on the answer) and scores it with the leaderboard's code, `graphFromEvents` +
 * `computeKolScores` with the all-time board's settings. Reports how well each scoring ranks members by reputation:
 * Spearman ρ over members with at least one question or answer (the Community bot, user −1, left out), with 95%
 * bootstrap intervals over members and paired gains over post count.
 *
 * Reputation is computed from votes, so vote-derived inputs leak the answer: post Score, up/down votes and
 * favourites never enter a scored row, only the "with votes" upper bound. Acceptance is the asker's own act (the
 * product sees it as the asker reacting to the reply that helped): it enters the KOL score's "accepted" signal, and
 * a second row fitted without it shows what the score does with no vote-type input at all.
 *
 * Weights are fitted on the validation slice only: the training period (before the last fifth of the timeline),
 * with activity up to its end and the reputation members had then (rebuilt from the dated votes: +10 per up-vote on
 * an answer, +5 on a question, +15 per accepted answer, −2 per down-vote), pooled over every site in the run.
 * The fit is non-negative least squares of the members' reputation rank on the score's own signal ranks (each site
 * centred, so every community weighs by its members), i.e. the weights of the very blend the product computes.
 * Seed k fits on a seeded 80% of each site's validation members, so seeds vary the fit as well as the bootstrap.
 */

import type { InteractionEvent } from '../../core/domain/types.ts';
import { graphFromEvents, type InteractionGraph, threadsStarted } from '../../core/interactions/interaction-graph.ts';
import {
  computeKolScores,
  DEFAULT_KOL_WEIGHTS,
  KOL_SIGNALS,
  type KolSignal,
  type KolWeights,
  kolSignalRanks,
} from '../../core/interactions/kol-score.ts';
import { windowHalfLifeDays } from '../../core/interactions/leaderboard.ts';
import { pageRank } from '../../core/interactions/pagerank.ts';
import { averageRanks, spearman, topKOverlap } from '../../core/interactions/rank-correlation.ts';
import { seededRandom } from '../../core/ports/random.ts';
import { endOfDay, isMember, loadStackExchange, type SePost, type StackExchangeDump } from './data/stackexchange.ts';
import {
  type EvalArgs,
  type Metric,
  printReport,
  protocolReport,
  type SiteInput,
  seedList,
  siteName,
  type TaskReport,
  timeSplit,
} from './harness/index.ts';

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

/**
 * What the log may contain: `free` has no vote-type input at all; `accepted` adds the asker's acceptance (a
 * reaction of the asker on the answer); `votes` also carries Score as post quality and favourites as reactions (the
 * leaking upper bound).
 */
export type LogMode = 'free' | 'accepted' | 'votes';

const uid = (id: number) => `u${id}`;

/** The site as the product's event log, oldest first, with what happened strictly before `until`. */
export function seEvents(dump: StackExchangeDump, mode: LogMode, until = Number.POSITIVE_INFINITY): InteractionEvent[] {
  const posts = new Map(
    dump.posts
      .filter((p) => (p.postTypeId === 1 || p.postTypeId === 2) && p.creationDate.getTime() < until)
      .map((p) => [p.id, p]),
  );
  const out: InteractionEvent[] = [];
  const push = (
    actor: number,
    verb: InteractionEvent['verb'],
    objectId: string,
    at: Date,
    target: number | null,
    metadata: Record<string, unknown>,
  ) =>
    out.push({
      id: `${verb}:${objectId}:${actor}`,
      communityId: 'se',
      actorId: uid(actor),
      verb,
      objectType: 'message',
      objectId,
      targetMemberId: target === null ? null : uid(target),
      channelId: null,
      platform: 'console',
      occurredAt: at,
      metadata,
    });
  const questionOf = (p: SePost) => (p.postTypeId === 1 ? p : p.parentId !== null ? posts.get(p.parentId) : undefined);
  for (const p of posts.values()) {
    if (!isMember(p.ownerUserId)) continue;
    const quality = mode === 'votes' ? scoreQuality(p) : textQuality(p.body);
    const topic = questionOf(p)?.tags[0];
    push(p.ownerUserId, 'message.posted', `p${p.id}`, p.creationDate, null, { quality, ...(topic ? { topic } : {}) });
    const q = p.postTypeId === 2 ? questionOf(p) : undefined;
    // An answer is a reply to the asker (the product logs a reply to someone else's message twice: posted, replied).
    if (q && isMember(q.ownerUserId) && q.ownerUserId !== p.ownerUserId) {
      push(p.ownerUserId, 'message.replied', `p${p.id}`, p.creationDate, q.ownerUserId, {
        inReplyTo: `p${q.id}`,
        ...(topic ? { topic } : {}),
      });
    }
  }
  for (const c of dump.comments) {
    const p = posts.get(c.postId);
    if (c.creationDate.getTime() >= until || !isMember(c.userId) || !p) continue;
    const topic = questionOf(p)?.tags[0];
    push(c.userId, 'message.posted', `c${c.id}`, c.creationDate, null, { quality: textQuality(c.text) });
    if (isMember(p.ownerUserId) && p.ownerUserId !== c.userId) {
      push(c.userId, 'message.replied', `c${c.id}`, c.creationDate, p.ownerUserId, {
        inReplyTo: `p${p.id}`,
        text: c.text,
        ...(topic ? { topic } : {}),
      });
    }
  }
  if (mode !== 'free') {
    for (const v of dump.votes) {
      // Votes carry only their day: placed at its end, and left out when that is past `until`.
      const at = endOfDay(v.creationDate);
      const p = posts.get(v.postId);
      if (at >= until || !p || !isMember(p.ownerUserId)) continue;
      const q = questionOf(p);
      if (v.voteTypeId === 1 && p.postTypeId === 2 && q && isMember(q.ownerUserId) && q.ownerUserId !== p.ownerUserId) {
        push(q.ownerUserId, 'reaction.added', `p${p.id}`, new Date(at), p.ownerUserId, { emoji: '✅' });
      } else if (mode === 'votes' && v.voteTypeId === 5 && isMember(v.userId) && v.userId !== p.ownerUserId) {
        push(v.userId, 'reaction.added', `p${p.id}`, new Date(at), p.ownerUserId, { emoji: '⭐' });
      }
    }
  }
  return out.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}

/** The leaderboard's all-time graph of the site's log up to `until`. */
export function siteGraph(dump: StackExchangeDump, mode: LogMode, until: number, now: Date): InteractionGraph {
  return graphFromEvents(seEvents(dump, mode, until), { now, halfLifeDays: windowHalfLifeDays('all') });
}

/** Reputation as it stood before `until`, rebuilt from the dated votes (the validation slice's truth). */
export function reputationAt(dump: StackExchangeDump, until: number): Map<string, number> {
  const posts = new Map(dump.posts.map((p) => [p.id, p]));
  const rep = new Map<string, number>();
  const add = (owner: number | null, v: number) => {
    if (isMember(owner)) rep.set(uid(owner), (rep.get(uid(owner)) ?? 1) + v);
  };
  for (const v of dump.votes) {
    if (v.creationDate.getTime() >= until) continue;
    const p = posts.get(v.postId);
    if (!p) continue;
    if (v.voteTypeId === 2) add(p.ownerUserId, p.postTypeId === 2 ? 10 : 5);
    else if (v.voteTypeId === 3) add(p.ownerUserId, -2);
    else if (v.voteTypeId === 1) add(p.ownerUserId, 15);
  }
  return rep;
}

/** One site's fitting rows: each member's signal ranks (as the blend sees them) and their reputation rank. */
export interface FitRows {
  /** signal → per-member percentile rank, centred. */
  x: Partial<Record<KolSignal, Float64Array>>;
  /** Reputation rank, centred. */
  y: Float64Array;
}

/** Centred percentile ranks of `members` on the graph's signals and on their truth (members missing from it: 0). */
export function fitRows(
  graph: InteractionGraph,
  members: readonly string[],
  truth: ReadonlyMap<string, number>,
  options: { joinedAt: ReadonlyMap<string, Date>; now: Date },
): FitRows {
  const { ids, ranks } = kolSignalRanks(graph, options);
  const index = new Map(ids.map((id, i) => [id, i]));
  const rows = members.filter((m) => index.has(m));
  const centred = (v: ArrayLike<number>) => {
    const out = Float64Array.from(v);
    let mean = 0;
    for (const x of out) mean += x;
    mean /= out.length || 1;
    for (let i = 0; i < out.length; i++) out[i]! -= mean;
    return out;
  };
  const x: Partial<Record<KolSignal, Float64Array>> = {};
  for (const s of KOL_SIGNALS) {
    const r = ranks[s];
    if (r) x[s] = centred(rows.map((m) => (r[index.get(m) as number] as number) / ids.length));
  }
  const y = averageRanks(rows.map((m) => truth.get(m) ?? 1));
  return { x, y: centred(Array.from(y, (v) => v / rows.length)) };
}

/**
 * Non-negative least squares over the pooled rows (coordinate descent; every column is a centred percentile rank,
 * so the problem is small and well-scaled). Weights sum to 1; signals not listed weigh 0. Non-negative so that
 * every weighed signal is something a member can be told they did ("why" lines stay true and positive).
 */
export function fitKolWeights(sites: readonly FitRows[], signals: readonly KolSignal[], iterations = 400): KolWeights {
  const cols = signals.map((s) => sites.map((site) => site.x[s] ?? new Float64Array(site.y.length)));
  const resid = sites.map((site) => Float64Array.from(site.y));
  const w = new Float64Array(signals.length);
  const norm = cols.map((c) => c.reduce((a, col) => a + col.reduce((b, v) => b + v * v, 0), 0));
  for (let it = 0; it < iterations; it++) {
    for (let j = 0; j < signals.length; j++) {
      if ((norm[j] as number) === 0) continue;
      let dot = 0;
      cols[j]!.forEach((col, s) => {
        const r = resid[s] as Float64Array;
        for (let i = 0; i < col.length; i++) dot += (col[i] as number) * (r[i] as number);
      });
      const next = Math.max(0, (w[j] as number) + dot / (norm[j] as number));
      const delta = next - (w[j] as number);
      if (delta === 0) continue;
      w[j] = next;
      cols[j]!.forEach((col, s) => {
        const r = resid[s] as Float64Array;
        for (let i = 0; i < col.length; i++) r[i]! -= delta * (col[i] as number);
      });
    }
  }
  const total = w.reduce((a, b) => a + b, 0) || 1;
  const out = Object.fromEntries(KOL_SIGNALS.map((s) => [s, 0])) as unknown as KolWeights;
  signals.forEach((s, j) => {
    out[s] = Math.round((1000 * (w[j] as number)) / total) / 1000;
  });
  return out;
}

/** A seeded share of a site's rows (members), for per-seed fits. */
function subsample(rows: FitRows, seed: number, share = 0.8): FitRows {
  const random = seededRandom(seed);
  const keep: number[] = [];
  for (let i = 0; i < rows.y.length; i++) if (random() < share) keep.push(i);
  const pick = (v: Float64Array) => {
    const out = Float64Array.from(keep, (i) => v[i] as number);
    let mean = 0;
    for (const x of out) mean += x;
    mean /= out.length || 1;
    for (let i = 0; i < out.length; i++) out[i]! -= mean;
    return out;
  };
  const x: Partial<Record<KolSignal, Float64Array>> = {};
  for (const [s, v] of Object.entries(rows.x)) x[s as KolSignal] = pick(v);
  return { x, y: pick(rows.y) };
}

/** The weights the leaderboard shipped with before the fitted ones (vote-free; the old figures' "shipped defaults"). */
export const PREVIOUS_KOL_WEIGHTS: Partial<KolWeights> = {
  influence: 1,
  contribution: 1,
  volume: 1,
  presence: 1,
  tenure: 0.5,
  helping: 0,
  thanked: 0,
  bridging: 0,
  accepted: 0,
  quickReplies: 0,
  threads: 0,
  seniority: 0,
};

interface SiteData {
  site: string;
  dir: string;
  dump: StackExchangeDump;
  posters: string[];
  truth: number[];
  now: Date;
  testStart: number;
  joinedAt: Map<string, Date>;
}

function posterIds(dump: StackExchangeDump, until: number, known: (id: string) => boolean): string[] {
  return [
    ...new Set(
      dump.posts
        .filter((p) => (p.postTypeId === 1 || p.postTypeId === 2) && isMember(p.ownerUserId) && +p.creationDate < until)
        .map((p) => uid(p.ownerUserId as number)),
    ),
  ].filter(known);
}

function load(dir: string): SiteData {
  const dump = loadStackExchange(dir);
  const reputation = new Map(dump.users.filter((u) => isMember(u.id)).map((u) => [uid(u.id), u.reputation]));
  const posters = posterIds(dump, Number.POSITIVE_INFINITY, (id) => reputation.has(id));
  // The dump's "now": its last post or comment. Members join when their Stack Exchange account was created.
  let end = 0;
  for (const p of dump.posts) end = Math.max(end, p.creationDate.getTime());
  for (const c of dump.comments) end = Math.max(end, c.creationDate.getTime());
  return {
    site: siteName(dir),
    dir,
    dump,
    posters,
    truth: posters.map((id) => reputation.get(id) as number),
    now: new Date(end),
    testStart: timeSplit(dump.posts.map((p) => p.creationDate.getTime())).testStart,
    joinedAt: new Map(dump.users.map((u) => [uid(u.id), u.creationDate])),
  };
}

/** The validation slice's rows of one site: the log before the test fifth against the reputation then. */
function validationRows(site: SiteData, mode: LogMode): FitRows {
  const until = site.testStart;
  const graph = siteGraph(site.dump, mode, until, new Date(until));
  const members = posterIds(site.dump, until, (id) => site.joinedAt.has(id));
  return fitRows(graph, members, reputationAt(site.dump, until), { joinedAt: site.joinedAt, now: new Date(until) });
}

/** Every signal but acceptance: the strictly vote-free score. */
const FREE_SIGNALS = KOL_SIGNALS.filter((s) => s !== 'accepted');

export async function run(args: EvalArgs): Promise<void> {
  if (args.datasets.length === 0) {
    console.error('usage: npm run eval -- kol --data <stack exchange dump> [--data <another> …] [--json]');
    process.exitCode = 2;
    return;
  }
  const seeds = seedList(args);
  const sites = args.datasets.map(load);
  const valAccepted = sites.map((s) => validationRows(s, 'accepted'));
  const valFree = sites.map((s) => validationRows(s, 'free'));
  // One weight setting for every site, from the pooled validation rows; per seed, from a seeded 80% of them.
  const fitted = fitKolWeights(valAccepted, KOL_SIGNALS);
  const fittedFree = fitKolWeights(valFree, FREE_SIGNALS);
  const perSeed = seeds.map((seed) => ({
    accepted: fitKolWeights(
      valAccepted.map((r, i) => subsample(r, seed * 31 + i)),
      KOL_SIGNALS,
    ),
    free: fitKolWeights(
      valFree.map((r, i) => subsample(r, seed * 31 + i)),
      FREE_SIGNALS,
    ),
  }));

  const inputs: SiteInput[] = [];
  const top10: Record<string, Record<string, number>> = {};
  for (const s of sites) {
    const end = Number.POSITIVE_INFINITY;
    const graphs = {
      free: siteGraph(s.dump, 'free', end, s.now),
      accepted: siteGraph(s.dump, 'accepted', end, s.now),
      votes: siteGraph(s.dump, 'votes', end, s.now),
    };
    const column = (v: ReadonlyMap<string, number>) => s.posters.map((id) => v.get(id) ?? 0);
    const kol = (mode: LogMode, weights: Partial<KolWeights>) =>
      column(
        new Map(
          computeKolScores(graphs[mode], { weights, joinedAt: s.joinedAt, now: s.now }).map((e) => [
            e.memberId,
            e.score,
          ]),
        ),
      );
    const act = (f: (a: InteractionGraph['activity'][number]) => number) =>
      column(new Map(graphs.accepted.ids.map((id, i) => [id, f(graphs.accepted.activity[i]!)])));
    const qa = new Map<string, number>();
    for (const p of s.dump.posts) {
      if ((p.postTypeId === 1 || p.postTypeId === 2) && isMember(p.ownerUserId)) {
        qa.set(uid(p.ownerUserId), (qa.get(uid(p.ownerUserId)) ?? 0) + 1);
      }
    }
    const pr = pageRank(graphs.free.toCsr()).scores;
    const fixed: Record<string, number[]> = {
      'post count': column(qa),
      'messages (posts + comments)': act((a) => a.posts),
      'replies to others': act((a) => a.repliesSent),
      'threads started': act(threadsStarted),
      'accepted by the asker': act((a) => a.accepted),
      'quick replies (< 1 day)': act((a) => a.quickReplies),
      'thanked in words': act((a) => a.thanked),
      'members helped': act((a) => a.helped.size),
      'PageRank (reply graph)': column(new Map(graphs.free.ids.map((id, i) => [id, pr[i]!]))),
      'KOL score, previous defaults': kol('free', PREVIOUS_KOL_WEIGHTS),
      'KOL score, shipped defaults': kol('accepted', DEFAULT_KOL_WEIGHTS),
    };
    const bySeed = perSeed.map((w) => ({
      ...fixed,
      'KOL score, fitted on validation': kol('accepted', w.accepted),
      'KOL score, fitted without acceptance': kol('free', w.free),
      'KOL score with votes (leaks)': kol('votes', w.accepted),
    }));
    const truth = s.truth;
    const metricsOf = (values: Record<string, number[]>): Record<string, Metric> =>
      Object.fromEntries(
        Object.entries(values).map(([name, v]) => [
          name,
          (units: Int32Array) =>
            spearman(
              Array.from(units, (u) => v[u] as number),
              Array.from(units, (u) => truth[u] as number),
            ),
        ]),
      );
    top10[s.site] = Object.fromEntries(Object.entries(bySeed[0]!).map(([k, v]) => [k, topKOverlap(v, truth, 10)]));
    inputs.push({
      site: s.site,
      data: s.dir,
      unitName: 'members with a post',
      units: s.posters.length,
      metrics: { 'Spearman ρ': bySeed.map(metricsOf) },
      notes: { top10: top10[s.site] },
    });
  }
  const report: TaskReport = {
    task: 'kol',
    seeds,
    resamples: args.resamples,
    confidence: 0.95,
    protocols: [
      protocolReport(
        {
          name: 'reputation',
          description: 'Spearman ρ of each scoring (vote-free unless marked) with final reputation',
          primary: 'Spearman ρ',
          comparisons: [
            { method: 'KOL score, shipped defaults', baseline: 'post count' },
            { method: 'KOL score, fitted on validation', baseline: 'post count' },
            { method: 'KOL score, fitted without acceptance', baseline: 'post count' },
            { method: 'KOL score, previous defaults', baseline: 'post count' },
          ],
        },
        inputs,
        { seed: args.seed, resamples: args.resamples },
      ),
    ],
    notes: {
      fittedWeights: fitted,
      fittedWithoutAcceptance: fittedFree,
      perSeedWeights: perSeed,
      shippedDefaults: DEFAULT_KOL_WEIGHTS,
      validationMembers: Object.fromEntries(sites.map((s, i) => [s.site, valAccepted[i]!.y.length])),
    },
  };
  if (args.json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  printReport(report);
  const nonzero = (w: KolWeights) =>
    Object.entries(w)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  console.log(`\nWeights fitted on the validation slice (all members): ${nonzero(fitted)}`);
  console.log(`Without acceptance: ${nonzero(fittedFree)}`);
  perSeed.forEach((w, k) => {
    console.log(`seed ${seeds[k]}: ${nonzero(w.accepted)} | without acceptance: ${nonzero(w.free)}`);
  });
  for (const [site, rows] of Object.entries(top10)) {
    console.log(
      `${site} top-10 overlap: ${Object.entries(rows)
        .map(([k, v]) => `${k} ${v}/10`)
        .join('; ')}`,
    );
  }
}
