/**
 * `npm run eval -- recommend --data <se dump> [--data <se dump> …] [--json] [--seeds N]`: the hybrid recommender
 * against the simplest rules on real communities, replaying each one's history in time order so every ranking sees
 * only the past. The figures are means over seeds (ALS initialisation and the blend's sampled alternatives), with
 * paired bootstrap intervals; the pooled row weighs every community the same.
 *
 * Interactions: a member's answer to, comment on (or on an answer of), or favourite of a question, never the
 * asker's own and never the Community bot's (user −1). Favourites carry only their day, so they are placed at the
 * end of that day: placing them at the question's creation would hand the answer to every newest-first rule.
 * The asker's own answers and comments make the thread live (last activity) without being anyone's interaction.
 *
 * Two protocols, from the same replay (models retrained every 24 h on what had happened before):
 *  - leave-last-out: per member with ≥ 3 distinct questions, the last one is held out and ranked among every
 *    question that existed then and is not in the member's history (units: members);
 *  - last fifth: every first interaction of a member with a question in the last fifth of the timeline, ranked the
 *    same way at its own moment (units: interactions, resampled by member so one member's picks stay together).
 * Choices (the diversity trade-off λ of the served list) are made on the validation slice — first interactions in
 * the last half of the training period (`--validation-share`, default 0.5) that are no protocol's test — and only
 * then read on the test events.
 *
 * Cofacts (`cofacts-2019-01`) is read as a member × article log (data/cofacts-log.ts), its newest `--max-items`
 * articles (default 1500).
 *
 * Task options: `--retrain-hours H` (default 24), `--demo` (the demo community, a smoke test); for comparing engine
 * variants on the validation slice (the per-seed validation NDCG is printed): `--hard-negatives S` (share of
 * alternatives from the blend's own top list, default 0.7), `--uniform-weights` (every pick weighs the same),
 * `--prior-examples N` (how much the prior blend is worth, default 300), `--fit-examples N` (the fit's window, 2000),
 * `--full-softmax` (every existing item is an alternative, no sampling), `--blend-features all|time|a,b,…` (the
 * signals the blend may use; `time` = features.ts FEATURE_SETS.time), `--blend-choice all:time` (sets the engine
 * chooses among at each refit, on the newest quarter of its own examples), `--l2 X` (the blend's ridge, 1e-3). Examples are always first interactions.
 */

import { writeFileSync } from 'node:fs';
import type { Community, Course, Member, NewInteractionEvent } from '../../core/domain/types.ts';
import { seededRandom } from '../../core/ports/random.ts';
import { HOUR_MS } from '../../core/recommend/activity.ts';
import { buildCatalog } from '../../core/recommend/catalog.ts';
import { type EngineOptions, RecommenderEngine } from '../../core/recommend/engine.ts';
import { scoreAllFast } from '../../core/recommend/fast-score.ts';
import {
  F,
  FEATURE_COUNT,
  FEATURE_SETS,
  FEATURES,
  type FeatureName,
  queryContext,
} from '../../core/recommend/features.ts';
import { itemSimilarity } from '../../core/recommend/hybrid.ts';
import { coverage, ndcgAt, recallAt } from '../../core/recommend/metrics.ts';
import { mmr } from '../../core/recommend/mmr.ts';
import type { RankerWeights } from '../../core/recommend/ranker.ts';
import { topK } from '../../core/recommend/topk.ts';
import { hashedTextVectors } from '../text-vectors.ts';
import { isCofacts } from './data/cofacts.ts';
import { type CofactsLog, loadCofactsLog } from './data/cofacts-log.ts';
import { endOfDay, isMember, loadStackExchange, type StackExchangeDump } from './data/stackexchange.ts';
import {
  chooseOnValidation,
  clusterMean,
  type EvalArgs,
  type Metric,
  option,
  printReport,
  protocolReport,
  type SiteInput,
  seedList,
  shareOption,
  siteName,
  type TaskReport,
  timeSplit,
} from './harness/index.ts';

interface Interaction {
  member: number;
  item: number;
  at: number;
  strength: number;
}

interface Test {
  member: number;
  item: number;
  /** Distinct items the member had before this one. */
  training: number;
  leaveLastOut: boolean;
  lastFifth: boolean;
  validation: boolean;
}

export interface Dataset {
  catalogueSize: number;
  catalog: ReturnType<typeof buildCatalog>;
  interactions: Interaction[];
  /** Activity that is not an interaction: the asker's own answers and comments in their thread. */
  activity: { item: number; at: number }[];
  /** Index into interactions → what that event is a test of. */
  tests: Map<number, Test>;
  split: ReturnType<typeof timeSplit>;
}

const STRENGTH = { answer: 2, comment: 1, favourite: 1.5 } as const;

/**
 * The share of the training period (its last part, by time) whose first interactions are the validation events.
 * Half, not the harness's fifth: on QC the last fifth was 387 events over four weeks and disagreed with the test fifth
 * about the personal signals (models/recommender-card.md, issue #9). `--validation-share X` overrides it.
 */
export const DEFAULT_VALIDATION_SHARE = 0.5;

export function stackExchangeDataset(
  dump: StackExchangeDump,
  dims = 128,
  validationShare = DEFAULT_VALIDATION_SHARE,
): Dataset {
  const questions = dump.posts
    .filter((p) => p.postTypeId === 1)
    .sort((a, b) => +a.creationDate - +b.creationDate || a.id - b.id);
  const qIndex = new Map(questions.map((q, i) => [q.id, i]));
  const answers = new Map(dump.posts.filter((p) => p.postTypeId === 2).map((p) => [p.id, p]));
  const memberIndex = new Map<number, number>();
  const memberOf = (userId: number) => {
    let m = memberIndex.get(userId);
    if (m === undefined) {
      m = memberIndex.size;
      memberIndex.set(userId, m);
    }
    return m;
  };
  const raw: Interaction[] = [];
  const activity: { item: number; at: number }[] = [];
  const add = (userId: number | null, qid: number | null | undefined, at: number, strength: number) => {
    if (!isMember(userId) || qid === null || qid === undefined) return;
    const item = qIndex.get(qid);
    if (item === undefined) return;
    const q = questions[item];
    if (!q) return;
    if (q.ownerUserId === userId) {
      // Never an interaction, but the thread is alive: what the front page ("active") shows.
      if (strength !== STRENGTH.favourite) activity.push({ item, at });
      return;
    }
    raw.push({ member: memberOf(userId), item, at: Math.max(at, +q.creationDate + 1000), strength });
  };
  for (const a of answers.values()) add(a.ownerUserId, a.parentId, +a.creationDate, STRENGTH.answer);
  for (const c of dump.comments) {
    const qid = qIndex.has(c.postId) ? c.postId : answers.get(c.postId)?.parentId;
    add(c.userId, qid, +c.creationDate, STRENGTH.comment);
  }
  for (const v of dump.votes) {
    if (v.voteTypeId === 5) add(v.userId, v.postId, endOfDay(v.creationDate), STRENGTH.favourite);
  }
  raw.sort((a, b) => a.at - b.at || a.member - b.member || a.item - b.item);

  // Authors become members too (so "never your own" and the author signal work).
  for (const q of questions) if (isMember(q.ownerUserId)) memberOf(q.ownerUserId);
  const catalog = buildCatalog(
    questions.map((q) => ({
      createdAt: +q.creationDate,
      author: isMember(q.ownerUserId) ? (memberIndex.get(q.ownerUserId) ?? -1) : -1,
      topics: q.tags,
    })),
    {
      dims,
      vectors: hashedTextVectors(
        questions.map((q) => `${q.title ?? ''} ${q.tags.join(' ')} ${q.body}`),
        dims,
      ),
    },
  );
  activity.sort((a, b) => a.at - b.at);
  return withTests(questions.length, catalog, raw, activity, validationShare);
}

/** The Cofacts log (data/cofacts-log.ts): behaviour only, no content or topics (the messages are not in the data). */
export function cofactsDataset(log: CofactsLog, validationShare = DEFAULT_VALIDATION_SHARE): Dataset {
  const catalog = buildCatalog(
    log.items.map((i) => ({ createdAt: i.createdAt, author: i.author, topics: [] })),
    null,
  );
  return withTests(
    log.items.length,
    catalog,
    log.interactions,
    [...log.activity].sort((a, b) => a.at - b.at),
    validationShare,
  );
}

/**
 * First interaction per (member, item) in time order. Leave-last-out: members with ≥ 3 distinct items hold out the
 * last one. Last fifth: every first interaction at or after the test start. Validation: first interactions in the
 * validation slice that are neither.
 */
function withTests(
  catalogueSize: number,
  catalog: Dataset['catalog'],
  interactions: Interaction[],
  activity: Dataset['activity'],
  validationShare: number,
): Dataset {
  const split = timeSplit(
    interactions.map((e) => e.at),
    { validationShare },
  );
  const firsts = new Map<number, { item: number; index: number }[]>();
  const seen = new Set<string>();
  interactions.forEach((e, index) => {
    const key = `${e.member}:${e.item}`;
    if (seen.has(key)) return;
    seen.add(key);
    let list = firsts.get(e.member);
    if (!list) {
      list = [];
      firsts.set(e.member, list);
    }
    list.push({ item: e.item, index });
  });
  const tests = new Map<number, Test>();
  for (const [member, list] of firsts) {
    list.forEach(({ item, index }, k) => {
      const at = (interactions[index] as Interaction).at;
      const leaveLastOut = list.length >= 3 && k === list.length - 1;
      const lastFifth = at >= split.testStart;
      const validation = !leaveLastOut && !lastFifth && at >= split.validationStart;
      if (leaveLastOut || lastFifth || validation) {
        tests.set(index, { member, item, training: k, leaveLastOut, lastFifth, validation });
      }
    });
  }
  return { catalogueSize, catalog, interactions, activity, tests, split };
}

const BASELINES: Record<string, FeatureName> = {
  'newest-first': 'fresh',
  'recently active': 'lastActive',
  popularity: 'popularity',
  'item-kNN': 'itemKnn',
  'implicit ALS': 'cf',
  'content (text)': 'content',
};

/** Diversity settings of the served list the validation slice chooses among (1 = pure relevance). */
const MMR_CANDIDATES = [1, 0.85, 0.7] as const;

function oneHot(feature: FeatureName): RankerWeights {
  const weights = new Float32Array(FEATURE_COUNT);
  weights[F[feature]] = 1;
  return { weights, mean: new Float32Array(FEATURE_COUNT), std: new Float32Array(FEATURE_COUNT).fill(1) };
}

interface Row {
  test: Test;
  /** method → 0-based rank of the held-out item in the top 20 (−1 when absent). */
  ranks: Record<string, number>;
  top10: Record<string, Int32Array>;
}

export function replay(data: Dataset, seed: number, retrainHours: number, engineOptions: Partial<EngineOptions> = {}) {
  const engine = new RecommenderEngine(data.catalog, seededRandom(seed), engineOptions);
  const baselines = Object.entries(BASELINES).map(([name, f]) => [name, oneHot(f)] as const);
  const rows: Row[] = [];
  let nextRetrain = data.interactions[0] ? data.interactions[0].at + retrainHours * HOUR_MS : 0;
  let retrains = 0;
  /** Signal set → how many refits of the blend used it. */
  const choices: Record<string, number> = {};
  let nextActivity = 0;
  data.interactions.forEach((e, index) => {
    while (nextActivity < data.activity.length && (data.activity[nextActivity]?.at as number) < e.at) {
      const a = data.activity[nextActivity++] as { item: number; at: number };
      engine.state.bump(a.item, a.at);
    }
    while (e.at >= nextRetrain) {
      const before = engine.blendChoice;
      engine.retrain(nextRetrain);
      if (engine.blendChoice && engine.blendChoice !== before) {
        const name = engine.blendChoice.features ? engine.blendChoice.features.join(',') : 'all';
        choices[name] = (choices[name] ?? 0) + 1;
      }
      retrains++;
      nextRetrain += retrainHours * HOUR_MS;
    }
    const test = data.tests.get(index);
    if (test) {
      const src = engine.sources;
      const q = queryContext(src, test.member, e.at);
      const ranks: Record<string, number> = {};
      const top10: Record<string, Int32Array> = {};
      // The served scores: the same call `/recommend` makes (the second stage over the blend, when it is used).
      const scores = engine.scoreAll(q);
      const pool = topK(scores, 60);
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (const i of pool) {
        lo = Math.min(lo, scores[i] as number);
        hi = Math.max(hi, scores[i] as number);
      }
      const rel = Array.from(pool, (i) => (hi > lo ? ((scores[i] as number) - lo) / (hi - lo) : 1));
      for (const lambda of MMR_CANDIDATES) {
        const list =
          lambda >= 1 ? Array.from(pool).slice(0, 20) : mmr(pool, rel, (a, b) => itemSimilarity(src, a, b), 20, lambda);
        ranks[`hybrid λ=${lambda}`] = list.indexOf(test.item);
        top10[`hybrid λ=${lambda}`] = Int32Array.from(list.slice(0, 10));
      }
      const blendOnly = Array.from(topK(scoreAllFast(src, engine.ranker, q), 20));
      ranks['blend only'] = blendOnly.indexOf(test.item);
      top10['blend only'] = Int32Array.from(blendOnly.slice(0, 10));
      for (const [name, weights] of baselines) {
        const list = Array.from(topK(scoreAllFast(src, weights, q), 20));
        ranks[name] = list.indexOf(test.item);
        top10[name] = Int32Array.from(list.slice(0, 10));
      }
      rows.push({ test, ranks, top10 });
    }
    engine.observe(e.member, e.item, e.at, e.strength);
  });
  return {
    rows,
    retrains,
    ranker: engine.ranker,
    grouping: engine.grouping,
    rerank: engine.reranker?.state ?? null,
    choices,
  };
}

const ndcg = (r: Row, m: string) => ndcgAt(r.ranks[m] ?? -1, 10);
const recall = (r: Row, m: string) => recallAt(r.ranks[m] ?? -1, 20);

/** The λ with the best mean NDCG@10 on the validation events of this replay (the simplest, λ = 1, on ties). */
function chooseLambda(rows: readonly Row[]): { lambda: number; scores: { lambda: number; ndcg: number }[] } {
  const val = rows.filter((r) => r.test.validation);
  const { best, scores } = chooseOnValidation([...MMR_CANDIDATES], (lambda) => {
    let s = 0;
    for (const r of val) s += ndcg(r, `hybrid λ=${lambda}`);
    return val.length > 0 ? s / val.length : 0;
  });
  return { lambda: best, scores: scores.map((s) => ({ lambda: s.candidate, ndcg: s.score })) };
}

const METHODS = ['hybrid', 'blend only', ...Object.keys(BASELINES)];
const COMPARISONS = ['blend only', ...Object.keys(BASELINES)].map((b) => ({ method: 'hybrid', baseline: b }));

interface SeedRun {
  rows: Row[];
  lambda: number;
  validation: { lambda: number; ndcg: number }[];
  validationEvents: number;
  /** Newest-first's NDCG@10 on the same validation events (the decision rule reads the hybrid's gain over it). */
  validationNewestFirst: number;
  retrains: number;
  weights: Record<string, number>;
  /** The second stage at the end of the replay: used or not, and its last held-out check against the blend. */
  rerank: { used: boolean; validation: { stage: number; blend: number; examples: number } | null } | null;
  /** Signal set → refits of the blend that used it. */
  choices: Record<string, number>;
}

/** Per-unit metric vectors of one protocol for one seed, the hybrid read at the λ chosen on validation. */
function protocolMetrics(
  rows: readonly Row[],
  lambda: number,
  clusters: { of: Int32Array; count: number } | null,
  catalogueSize: number,
): Record<string, Record<string, Metric>> {
  const name = (m: string) => (m === 'hybrid' ? `hybrid λ=${lambda}` : m);
  const out: Record<string, Record<string, Metric>> = { 'NDCG@10': {}, 'Recall@20': {} };
  for (const m of METHODS) {
    const n = Float64Array.from(rows, (r) => ndcg(r, name(m)));
    const rc = Float64Array.from(rows, (r) => recall(r, name(m)));
    if (clusters) {
      out['NDCG@10']![m] = clusterMean(n, clusters.of, clusters.count);
      out['Recall@20']![m] = clusterMean(rc, clusters.of, clusters.count);
    } else {
      out['NDCG@10']![m] = n;
      out['Recall@20']![m] = rc;
      out['coverage@10'] ??= {};
      const lists = rows.map((r) => r.top10[name(m)] ?? new Int32Array());
      out['coverage@10']![m] = (units) =>
        coverage(
          Array.from(units, (u) => lists[u] as Int32Array),
          catalogueSize,
          10,
        );
    }
  }
  return out;
}

function siteInputs(site: string, dir: string | undefined, data: Dataset, runs: readonly SeedRun[]) {
  const first = runs[0] as SeedRun;
  const pick = (f: (t: Test) => boolean) => runs.map((r) => r.rows.filter((row) => f(row.test)));
  const llo = pick((t) => t.leaveLastOut);
  const cold = pick((t) => t.leaveLastOut && t.training <= 3);
  const fifth = pick((t) => t.lastFifth);
  const memberIds = [...new Set((fifth[0] ?? []).map((r) => r.test.member))];
  const clusterIndex = new Map(memberIds.map((m, i) => [m, i]));
  const clusters = (rows: readonly Row[]) => ({
    of: Int32Array.from(rows, (r) => clusterIndex.get(r.test.member) as number),
    count: memberIds.length,
  });
  const metrics = (perSeed: Row[][], c: boolean) => {
    const bySeed = perSeed.map((rows, k) =>
      protocolMetrics(rows, (runs[k] as SeedRun).lambda, c ? clusters(rows) : null, data.catalogueSize),
    );
    const names = Object.keys(bySeed[0] ?? {});
    return Object.fromEntries(names.map((metric) => [metric, bySeed.map((s) => s[metric] as Record<string, Metric>)]));
  };
  const notes = {
    questions: data.catalogueSize,
    interactions: data.interactions.length,
    testStart: new Date(data.split.testStart).toISOString(),
    validationStart: new Date(data.split.validationStart).toISOString(),
    validationEvents: first.validationEvents,
    chosenLambdaPerSeed: runs.map((r) => r.lambda),
    validationNdcgPerSeed: runs.map((r) => r.validation),
    validationNewestFirstPerSeed: runs.map((r) => r.validationNewestFirst),
    retrains: first.retrains,
    learnedWeights: first.weights,
    secondStagePerSeed: runs.map((r) => r.rerank),
  };
  const base = { site, ...(dir ? { data: dir } : {}) };
  return {
    leaveLastOut: { ...base, unitName: 'members', units: llo[0]?.length ?? 0, metrics: metrics(llo, false), notes },
    cold: { ...base, unitName: 'members', units: cold[0]?.length ?? 0, metrics: metrics(cold, false) },
    lastFifth: {
      ...base,
      unitName: `members (${fifth[0]?.length ?? 0} interactions)`,
      units: memberIds.length,
      metrics: metrics(fifth, true),
    },
  } satisfies Record<string, SiteInput>;
}

/** The hybrid's validation NDCG@10 at its chosen λ minus newest-first's on the same events: what issue #9's rule reads. */
function validationGain(r: SeedRun): number {
  const chosen = r.validation.find((v) => v.lambda === r.lambda)?.ndcg ?? 0;
  return chosen - r.validationNewestFirst;
}

function seedRun(data: Dataset, seed: number, retrainHours: number, engine: Partial<EngineOptions>): SeedRun {
  const { rows, retrains, ranker, rerank, choices } = replay(data, seed, retrainHours, engine);
  const { lambda, scores } = chooseLambda(rows);
  const val = rows.filter((r) => r.test.validation);
  return {
    rows,
    lambda,
    validation: scores,
    validationEvents: val.length,
    validationNewestFirst: val.length > 0 ? val.reduce((s, r) => s + ndcg(r, 'newest-first'), 0) / val.length : 0,
    retrains,
    weights: Object.fromEntries(FEATURES.map((f, i) => [f, Number((ranker.weights[i] as number).toFixed(3))])),
    rerank: rerank ? { used: rerank.used, validation: rerank.validation } : null,
    choices,
  };
}

/**
 * The demo community (prisma/demo) as a dataset: its generated history replayed the same way, courses as items,
 * views/enrolments/purchases as interactions. Tiny (about 20 courses, 10 members): a smoke test of the whole
 * pipeline on the product's own data shape rather than a benchmark.
 */
async function demoDataset(seed: number, validationShare: number): Promise<Dataset> {
  const { seedDemoCommunity } = await import('../../prisma/demo/seed.ts');
  const { ManualClock } = await import('../../core/ports/clock.ts');
  const courses: Course[] = [];
  const events: NewInteractionEvent[] = [];
  const members = new Map<string, Member>();
  let seq = 0;
  const community = {
    id: 'demo',
    platform: 'console',
    platformId: 'demo',
    name: 'Demo',
    timezone: 'UTC',
    locale: null,
    createdAt: new Date(0),
  } as Community;
  const stores = {
    communities: { ensure: async () => community, update: async () => community },
    members: {
      ensure: async (_c: string, identity: { handle: string; displayName: string; platformUserId: string }) => {
        const m = {
          id: `m-${identity.handle}`,
          communityId: 'demo',
          handle: identity.handle,
          displayName: identity.displayName,
          platformUserId: identity.platformUserId,
          locale: null,
          role: 'member',
          isBot: false,
          joinedAt: new Date(0),
        } as Member;
        members.set(m.id, m);
        return m;
      },
      setRole: async (id: string) => members.get(id) as Member,
    },
    courses: {
      create: async (c: Omit<Course, 'id' | 'createdAt' | 'url'> & { createdAt?: Date; url?: string | null }) => {
        const course = { ...c, id: `c-${seq++}`, url: c.url ?? null, createdAt: c.createdAt ?? new Date(0) } as Course;
        courses.push(course);
        return course;
      },
    },
    events: {
      appendMany: async (list: readonly NewInteractionEvent[]) => {
        events.push(...list);
        return list.length;
      },
    },
  };
  await seedDemoCommunity(stores as unknown as Parameters<typeof seedDemoCommunity>[0], {
    clock: new ManualClock('2026-11-20T02:00:00Z'),
    seed,
  });
  const sorted = [...courses].sort((a, b) => +a.createdAt - +b.createdAt || a.id.localeCompare(b.id));
  const itemOf = new Map(sorted.map((c, i) => [c.id, i]));
  const memberIds = [...members.keys()];
  const memberOf = new Map(memberIds.map((id, i) => [id, i]));
  const { HashedContentModel } = await import('../text-vectors.ts');
  const model = new HashedContentModel(128);
  const vectors = new Float32Array(sorted.length * 128);
  (await model.embed(sorted.map((c) => `${c.title}. ${c.description} ${c.tags.join(' ')}`))).forEach((v, i) => {
    vectors.set(v, i * 128);
  });
  const catalog = buildCatalog(
    sorted.map((c) => ({
      createdAt: +c.createdAt,
      author: c.creatorId ? (memberOf.get(c.creatorId) ?? -1) : -1,
      topics: c.tags,
    })),
    { dims: 128, vectors },
  );
  const strength: Record<string, number> = { 'course.viewed': 1, 'course.enrolled': 3, 'course.purchased': 5 };
  const interactions: Interaction[] = events
    .filter((e) => e.objectType === 'course' && strength[e.verb] !== undefined && itemOf.has(e.objectId))
    .map((e) => ({
      member: memberOf.get(e.actorId) as number,
      item: itemOf.get(e.objectId) as number,
      at: +e.occurredAt,
      strength: strength[e.verb] as number,
    }))
    .sort((a, b) => a.at - b.at || a.member - b.member || a.item - b.item);
  return withTests(sorted.length, catalog, interactions, [], validationShare);
}

/** `all`, a named set (features.ts FEATURE_SETS, e.g. `time`), or signal names separated by commas. */
function parseFeatureList(text: string): readonly FeatureName[] | null {
  if (text === 'all') return null;
  if (text in FEATURE_SETS) return FEATURE_SETS[text as keyof typeof FEATURE_SETS];
  const names = text.split(',').map((t) => t.trim());
  const unknown = names.filter((n) => !(FEATURES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`--blend-features: unknown signal(s) ${unknown.join(', ')}`);
  return names as FeatureName[];
}

export async function run(args: EvalArgs): Promise<void> {
  const retrainHours = Number(option(args, 'retrain-hours') ?? 24);
  // Development switches for comparing variants on the validation slice (defaults: the product's engine).
  const engine: Partial<EngineOptions> = {};
  const hard = option(args, 'hard-negatives');
  if (hard !== undefined) engine.hardNegatives = Number(hard);
  if (args.argv.includes('--uniform-weights')) engine.perMemberWeighting = false;
  if (args.argv.includes('--rerank')) engine.rerank = {};
  if (args.argv.includes('--full-softmax')) engine.fullSoftmax = true;
  const blendFeatures = option(args, 'blend-features');
  if (blendFeatures !== undefined) engine.blendFeatures = parseFeatureList(blendFeatures);
  const blendChoice = option(args, 'blend-choice');
  if (blendChoice !== undefined) engine.blendFeatureChoice = blendChoice.split(':').map(parseFeatureList);
  const prior = option(args, 'prior-examples');
  if (prior !== undefined) engine.priorExamples = Number(prior);
  const fitExamples = option(args, 'fit-examples');
  if (fitExamples !== undefined) {
    engine.ranker = { maxFitExamples: Number(fitExamples) };
    engine.refitWindow = Number(fitExamples);
  }
  const l2 = option(args, 'l2');
  if (l2 !== undefined) engine.ranker = { ...engine.ranker, l2: Number(l2) };
  const seeds = seedList(args);
  const started = performance.now();
  const sites: { site: string; dir?: string; data: Dataset }[] = [];
  const validationShare = shareOption(args, 'validation-share', DEFAULT_VALIDATION_SHARE);
  if (args.argv.includes('--demo')) sites.push({ site: 'demo', data: await demoDataset(args.seed, validationShare) });
  const maxItems = Number(option(args, 'max-items') ?? 1500);
  for (const dir of args.datasets) {
    const data = isCofacts(dir)
      ? cofactsDataset(loadCofactsLog(dir, { maxItems }), validationShare)
      : stackExchangeDataset(loadStackExchange(dir), 128, validationShare);
    sites.push({ site: siteName(dir), dir, data });
  }
  if (sites.length === 0) {
    console.error('usage: npm run eval -- recommend --data <stack exchange dump> [--data <another> …] [--json]');
    process.exitCode = 2;
    return;
  }
  const inputs = sites.map(({ site, dir, data }) => {
    const runs = seeds.map((seed) => {
      const t = performance.now();
      const r = seedRun(data, seed, retrainHours, engine);
      if (!args.json) {
        const val = r.validation.map((v) => `λ=${v.lambda} ${v.ndcg.toFixed(4)}`).join(', ');
        // The baselines on the same slice, for reading a variant's figure (no choice is made on them).
        const valRows = r.rows.filter((row) => row.test.validation);
        const valOf = (m: string) =>
          valRows.length > 0 ? (valRows.reduce((s, row) => s + ndcg(row, m), 0) / valRows.length).toFixed(4) : '–';
        console.error(
          `${site} seed ${seed}: ${((performance.now() - t) / 1000).toFixed(0)} s, validation (${r.validationEvents} events) NDCG@10 ${val} → λ=${r.lambda}` +
            ` (newest-first ${valOf('newest-first')}, recently active ${valOf('recently active')}; gain over newest-first ${validationGain(r).toFixed(4)}); blend fits by signal set ${JSON.stringify(r.choices)}`,
        );
      }
      return r;
    });
    return siteInputs(site, dir, data, runs);
  });
  const options = { seed: args.seed, resamples: args.resamples };
  const report: TaskReport = {
    task: 'recommend',
    seeds,
    resamples: args.resamples,
    confidence: 0.95,
    protocols: [
      protocolReport(
        {
          name: 'last fifth',
          description:
            "every member's first interaction with a question in the last fifth of the timeline, ranked among what existed then",
          primary: 'NDCG@10',
          comparisons: COMPARISONS,
        },
        inputs.map((i) => i.lastFifth),
        options,
      ),
      protocolReport(
        {
          name: 'leave-last-out',
          description: "each member's last new question (members with ≥ 3), ranked among what existed then",
          primary: 'NDCG@10',
          comparisons: COMPARISONS,
        },
        inputs.map((i) => i.leaveLastOut),
        options,
      ),
      protocolReport(
        {
          name: 'leave-last-out, cold members',
          description: 'the same, members with ≤ 3 earlier questions',
          primary: 'NDCG@10',
          comparisons: COMPARISONS,
        },
        inputs.map((i) => i.cold),
        options,
      ),
    ],
    notes: {
      retrainHours,
      validationShare,
      engine,
      mmrCandidates: MMR_CANDIDATES,
      seconds: Math.round((performance.now() - started) / 1000),
    },
  };
  // `--json-out <file>` keeps the JSON of a printed run too (a run of this eval takes many minutes).
  const jsonOut = option(args, 'json-out');
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(report, null, 2));
  if (args.json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  printReport(report);
  for (const i of inputs) {
    const n = i.leaveLastOut.notes;
    console.log(
      `\n${i.leaveLastOut.site}: ${n.questions} questions, ${n.interactions} interactions, test from ${n.testStart.slice(0, 10)}, ` +
        `validation from ${n.validationStart.slice(0, 10)} (${n.validationEvents} events); λ chosen per seed ${n.chosenLambdaPerSeed.join(', ')}`,
    );
    console.log(`  second stage per seed: ${JSON.stringify(n.secondStagePerSeed)}`);
    console.log(
      `  learned blend (seed ${seeds[0]}): ${Object.entries(n.learnedWeights)
        .map(([f, w]) => `${f} ${w}`)
        .join(', ')}`,
    );
  }
  console.log(`\n${Math.round((performance.now() - started) / 1000)} s (measured under load)`);
}
