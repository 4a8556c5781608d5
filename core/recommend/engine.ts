import type { Random } from '../ports/random.ts';
import { type ActivityOptions, ActivityState, HOUR_MS } from './activity.ts';
import { type AlsModel, type AlsOptions, itemGram, toSparseRows, trainAls } from './als.ts';
import type { ItemCatalog } from './catalog.ts';
import { itemLevelTop, scoreAllFast, scoreItems } from './fast-score.ts';
import {
  type DenseBuffers,
  denseBuffers,
  FEATURE_COUNT,
  FEATURES,
  type FeatureName,
  type FeatureSources,
  type GroupSignal,
  isCandidate,
  itemFeatures,
  memberContentVector,
  type QueryContext,
  type QueryScratch,
  queryContext,
  queryScratch,
} from './features.ts';
import { alignGroups, type Grouping, groupMembers, type InterestGroup, nearestGroup } from './groups.ts';
import { DEFAULT_RANK, type Pick, type RankOptions, rank } from './hybrid.ts';
import { Reranker, type RerankOptions } from './ranker/rerank.ts';
import {
  DEFAULT_RANKER,
  defaultWeights,
  examplesNdcg,
  fitRanker,
  maskedWeights,
  type RankerOptions,
  type RankerWeights,
  type RankingExample,
} from './ranker.ts';
import { topK } from './topk.ts';

/**
 * The hybrid recommender end to end. Interactions stream in (`observe`) in time order; `retrain` refits the heavy
 * parts — ALS factors (warm-started), interest groups, the signal blend — from what has been observed; `recommend`
 * serves from the current snapshot plus the live state, so a new interaction counts at once and nothing is retrained
 * per request. The evaluation drives the very same object through a replay of the log.
 */
export interface EngineOptions {
  activity: Partial<ActivityOptions>;
  als: Partial<AlsOptions>;
  ranker: Partial<RankerOptions>;
  /** Alternatives sampled per learning example. */
  negatives: number;
  /**
   * Every item on offer at the moment is an alternative (the exact softmax, as served) instead of `negatives`
   * sampled ones with their logQ correction. Costs one feature row per existing item per example: small catalogues.
   */
  fullSoftmax: boolean;
  /** The signals the blend may use (features.ts FEATURES, e.g. FEATURE_SETS.time); null = all of them. */
  blendFeatures: readonly FeatureName[] | null;
  /**
   * Signal sets (null = all) the engine chooses among itself at every refit of the blend: each is fitted on the
   * older part of the fit window and read (NDCG@10 of the pick among its example's rows) on the newest
   * `choiceHoldout` share; the best is then fitted on the whole window. Empty = `blendFeatures`, no choice.
   */
  blendFeatureChoice: readonly (readonly FeatureName[] | null)[];
  choiceHoldout: number;
  /** Share of the alternatives drawn from the current blend's top list (the rest uniformly). */
  hardNegatives: number;
  /** A member's n-th pick weighs 1/√n (every member counts alike) instead of every pick weighing the same. */
  perMemberWeighting: boolean;
  /** The examples a fit reads (the ranker's maxFitExamples): the blend is refitted once 5% of them are new. */
  refitWindow: number;
  /** Only the most recent examples are kept: the blend follows how the community behaves now. */
  maxExamples: number;
  /** Examples need this many interactions observed in total before the blend is learned instead of the prior. */
  minExamples: number;
  groups: boolean;
  /** Half-life of interactions in the per-group popularity. */
  groupHalfLifeHours: number;
  /** Interest groups are recomputed at most this often (K-means with silhouette is the costly part of a retrain). */
  regroupEveryHours: number;
  /**
   * How many examples the prior blend is worth: with n examples the learned weights count n / (n + priorExamples).
   * A young community's few interactions should nudge the defaults, not replace them.
   */
  priorExamples: number;
  rank: Partial<RankOptions>;
  /** The second stage over the blend's top list and the newest items (ranker/rerank.ts); false = the blend alone. */
  rerank: Partial<RerankOptions> | false;
}

/** Up to this many items, learning scores the whole catalogue for its hard-negative pool. */
const DENSE_POOL_ITEMS = 4000;
/** Item-level signals move slowly: learning reads them from an hourly cache (the examples' features are exact). */
const LEARN_BUCKET_MS = HOUR_MS;

export const DEFAULT_ENGINE: EngineOptions = {
  activity: {},
  als: {},
  ranker: {},
  negatives: 30,
  fullSoftmax: false,
  // Every signal but the per-member age preference: without it the validation slice read QC 0.5184 (0.5192 with
  // it: the same within noise) and Beer 0.5051 (0.4968), seed 42; models/recommender-card.md.
  blendFeatures: FEATURES.filter((f) => f !== 'ageFit'),
  blendFeatureChoice: [],
  choiceHoldout: 0.25,
  hardNegatives: 0.7,
  perMemberWeighting: true,
  refitWindow: 2000,
  maxExamples: 8000,
  minExamples: 50,
  groups: true,
  groupHalfLifeHours: 24 * 14,
  regroupEveryHours: 24 * 7,
  priorExamples: 300,
  rank: DEFAULT_RANK,
  // Off by default: on Beer it lost to the blend alone (−0.012 [−0.025, −0.000] NDCG@10, models/recommender-card.md).
  rerank: false,
};

/** Learned weights pulled towards the prior (defaultWeights, expressed on the learned standardised scale). */
function shrink(
  learned: RankerWeights,
  examples: number,
  priorExamples: number,
  features: readonly FeatureName[] | undefined,
): RankerWeights {
  const alpha = examples / (examples + priorExamples);
  const prior = maskedWeights(defaultWeights(), features);
  const weights = learned.weights.map(
    (w, f) => alpha * w + (1 - alpha) * (prior.weights[f] as number) * (learned.std[f] as number),
  );
  return { weights, mean: learned.mean, std: learned.std };
}

export class RecommenderEngine {
  readonly state: ActivityState;
  readonly options: EngineOptions;
  readonly #random: Random;
  als: AlsModel | null = null;
  #alsGram: Float64Array | null = null;
  grouping: Grouping | null = null;
  /** Member index → row of the grouping. */
  #groupRow = new Map<number, number>();
  #groupSignal: GroupSignal | null = null;
  /** The groups of the snapshot this engine replaces, by member index: what the first grouping is matched to. */
  #previousGroups: { groups: InterestGroup[]; members: Map<number, number> } | null = null;
  ranker: RankerWeights;
  readonly reranker: Reranker | null;
  #examples: RankingExample[] = [];
  /** Examples collected so far, and how many there were at the last fit of the blend. */
  #collected = 0;
  #fittedAt = 0;
  /** The blend as fitted, before shrinking towards the prior (the next fit warm-starts from it). */
  #learned: RankerWeights | null = null;
  /** The signal set of the last fit, and (with blendFeatureChoice) each candidate's held-out NDCG@10 then. */
  blendChoice: { features: readonly FeatureName[] | null; heldOut: number[] } | null = null;
  #groupedAt = Number.NEGATIVE_INFINITY;
  #memberContent: ((member: number) => Float32Array | null) | undefined;
  #memberTopics: ((member: number) => Map<string, number>) | undefined;
  /** Learning's reusable buffers: one example costs what the member's history touches, not the catalogue. */
  #scratch: QueryScratch | null = null;
  /** Serving's item-sized buffers (one query per request). */
  #dense: DenseBuffers | null = null;
  #candidates: Int32Array | null = null;
  #candidateScores: Float32Array | null = null;
  #marked: Uint8Array | null = null;
  #byTopic: number[][] | null = null;

  constructor(catalog: ItemCatalog, random: Random, options: Partial<EngineOptions> = {}) {
    this.options = { ...DEFAULT_ENGINE, ...options };
    this.state = new ActivityState(catalog, this.options.activity);
    this.ranker = maskedWeights(defaultWeights(), this.options.blendFeatures ?? undefined);
    this.#random = random;
    this.reranker = this.options.rerank === false ? null : new Reranker(this.options.rerank);
  }

  /** What is served: the second stage's order over its pool when it earned its place, else the blend's scores. */
  scoreAll(q: QueryContext, topic?: number): Float32Array {
    const src = this.sources;
    return this.reranker ? this.reranker.scores(src, this.ranker, q, topic) : scoreAllFast(src, this.ranker, q, topic);
  }

  /** Extra per-member content vectors (their messages, declared interests), blended into the interest vector. */
  setMemberContent(fn: (member: number) => Float32Array | null): void {
    this.#memberContent = fn;
  }

  /** Topic weights used to label interest groups (the profile's, which also know topics no item carries). */
  setMemberTopics(fn: (member: number) => Map<string, number>): void {
    this.#memberTopics = fn;
  }

  /** Members with any signal, including those known only from what they wrote. */
  #extraMembers = new Set<number>();
  touch(member: number): void {
    this.#extraMembers.add(member);
  }

  get sources(): FeatureSources {
    return {
      state: this.state,
      als: this.als,
      alsGram: this.#alsGram,
      groups: this.#groupSignal,
      memberContent: this.#memberContent,
    };
  }

  /**
   * How many of the newest examples a fit reads: the blend fits on its last maxFitExamples (the second stage, when on,
   * on its own last few hundred). Examples older than that are never read, so a retrain need not build them.
   */
  get learningWindow(): number {
    const fit = this.options.ranker.maxFitExamples ?? DEFAULT_RANKER.maxFitExamples;
    const stage = this.reranker?.options.maxExamples ?? 0;
    return Math.min(this.options.maxExamples, Math.max(fit, stage));
  }

  get exampleCount(): number {
    return this.#examples.length;
  }

  /**
   * Records an interaction. With `learn`, it also becomes a training example for the blend: the features of the
   * item chosen and of sampled items that were on offer, computed from the state just before it happened.
   */
  observe(member: number, item: number, at: number, strength = 1, learn = true, owns = true): void {
    if (learn) {
      this.#collect(member, item, at);
      const h = this.state.members.get(member);
      if (this.reranker && !h?.has(item)) {
        const src = this.sources;
        const weight = this.options.perMemberWeighting ? 1 / Math.sqrt(1 + (h?.items.length ?? 0)) : 1;
        this.reranker.collect(src, this.ranker, queryContext(src, member, at), item, weight);
      }
    }
    this.state.observe(member, item, at, strength, owns);
  }

  #collect(member: number, item: number, at: number): void {
    const h = this.state.members.get(member);
    if (h?.has(item)) return; // a repeat is not a choice among alternatives
    const src = this.sources;
    this.#scratch ??= queryScratch(this.state.catalog.size);
    const q = queryContext(src, member, at, this.#scratch);
    if (!isCandidate(src, q, item)) return;
    if (this.options.fullSoftmax) {
      this.#collectAll(src, q, member, item);
      return;
    }
    const m = this.options.negatives;
    const rows: number[] = [item];
    // Most alternatives come from the current blend's own top list (what the member would have been shown: the
    // choices the blend must get right), the rest uniformly from what existed. Drawn that way the sample is biased
    // towards strong items, so each row carries −log q (its sampling probability): the fit then estimates the full
    // softmax over every candidate, as served, rather than learning that whatever the pool favours is bad.
    const existing = Math.max(1, this.state.existingAt(at));
    const poolSize = Math.max(2 * m, Math.ceil(existing * 0.05));
    const pool = this.#pool(src, q, poolSize);
    const hard = Math.min(pool.length, Math.ceil(m * this.options.hardNegatives));
    const inPool = new Set<number>(pool);
    const taken = new Set<number>([item]);
    for (let tries = 0; rows.length <= hard && tries < hard * 4 && pool.length > 0; tries++) {
      const j = pool[Math.floor(this.#random() * pool.length)] as number;
      if (!taken.has(j)) {
        taken.add(j);
        rows.push(j);
      }
    }
    const n = this.state.catalog.size;
    for (let tries = 0; rows.length <= m && tries < m * 20; tries++) {
      const j = Math.floor(this.#random() * n);
      if (!taken.has(j) && isCandidate(src, q, j)) {
        taken.add(j);
        rows.push(j);
      }
    }
    if (rows.length < 2) return;
    const shareHard = (rows.length - 1 > 0 ? Math.min(hard, rows.length - 1) : 0) / Math.max(1, rows.length - 1);
    const probability = (j: number) =>
      (inPool.has(j) && pool.length > 0 ? shareHard / pool.length : 0) + (1 - shareHard) / existing;
    const offsets = Float32Array.from(rows, (j) => -Math.log(Math.max(1e-12, probability(j))));
    const features = new Float32Array(rows.length * FEATURE_COUNT);
    rows.forEach((i, r) => {
      itemFeatures(src, q, i, features, r * FEATURE_COUNT);
    });
    // Every member should count, not mostly the few most active ones: a member's n-th pick weighs 1/√n.
    this.#examples.push({
      features,
      rows: rows.length,
      offsets,
      weight: this.options.perMemberWeighting ? 1 / Math.sqrt(1 + (h?.items.length ?? 0)) : 1,
    });
    this.#collected++;
    this.#trimExamples();
  }

  /** The exact softmax: the pick against every other item on offer at that moment, no sampling, no correction. */
  #collectAll(src: FeatureSources, q: QueryContext, member: number, item: number): void {
    const rows: number[] = [item];
    const n = this.state.catalog.size;
    for (let j = 0; j < n; j++) if (j !== item && isCandidate(src, q, j)) rows.push(j);
    if (rows.length < 2) return;
    const features = new Float32Array(rows.length * FEATURE_COUNT);
    rows.forEach((i, r) => {
      itemFeatures(src, q, i, features, r * FEATURE_COUNT);
    });
    const h = this.state.members.get(member);
    this.#examples.push({
      features,
      rows: rows.length,
      weight: this.options.perMemberWeighting ? 1 / Math.sqrt(1 + (h?.items.length ?? 0)) : 1,
    });
    this.#collected++;
    this.#trimExamples();
  }

  #trimExamples(): void {
    // A full-softmax example holds a row per existing item: keep only what a fit reads.
    const keep = this.options.fullSoftmax ? this.learningWindow : this.options.maxExamples;
    if (this.#examples.length > keep) this.#examples.splice(0, this.#examples.length - keep);
  }

  /**
   * The blend's top `size` among the items a member could plausibly be shown, scored without touching the whole
   * catalogue: the items ranked best on their item-level signals (refreshed hourly), the member's item-kNN and peer
   * items, and the items of their three strongest topics. The pool is only where hard negatives are drawn from, and
   * each row's −log q says which pool it came from, so the fit stays an estimate of the full softmax. A small
   * catalogue is scored in full.
   */
  #pool(src: FeatureSources, q: QueryContext, size: number): Int32Array {
    const n = this.state.catalog.size;
    if (!this.#candidates || this.#candidates.length < n) {
      this.#candidates = new Int32Array(n);
      this.#candidateScores = new Float32Array(n);
      this.#marked = new Uint8Array(n);
    }
    const items = this.#candidates;
    const marked = this.#marked as Uint8Array;
    let count = 0;
    const add = (i: number) => {
      if (marked[i] || !isCandidate(src, q, i)) return;
      marked[i] = 1;
      items[count++] = i;
    };
    if (n <= DENSE_POOL_ITEMS) {
      for (let i = 0; i < n; i++) add(i);
    } else {
      for (const i of itemLevelTop(src, this.ranker, q.at, 2 * size, LEARN_BUCKET_MS)) add(i);
      for (const i of this.#scratch?.touched ?? []) add(i);
      const topics = [...q.topicWeights].sort((a, b) => b[1] - a[1]).slice(0, 3);
      if (topics.length > 0) {
        const byTopic = this.#itemsByTopic();
        for (const [t] of topics) for (const i of byTopic[t] ?? []) add(i);
      }
    }
    for (let j = 0; j < count; j++) marked[items[j] as number] = 0;
    const scores = (this.#candidateScores as Float32Array).subarray(0, count);
    // A small catalogue keeps serving's minute-fresh item-level scores; a large one reads the hourly ones.
    scoreItems(src, this.ranker, q, items, count, scores, n <= DENSE_POOL_ITEMS ? 60_000 : LEARN_BUCKET_MS);
    return topK(scores, size).map((j) => items[j] as number);
  }

  #itemsByTopic(): number[][] {
    if (this.#byTopic) return this.#byTopic;
    const cat = this.state.catalog;
    const byTopic: number[][] = Array.from({ length: cat.topicNames.length }, () => []);
    for (let i = 0; i < cat.size; i++) {
      for (let e = cat.topicPtr[i] as number; e < (cat.topicPtr[i + 1] as number); e++) {
        byTopic[cat.topicIdx[e] as number]?.push(i);
      }
    }
    this.#byTopic = byTopic;
    return byTopic;
  }

  /** Refits ALS (warm-started from the last fit), interest groups and the blend. */
  retrain(at: number, force = false): void {
    // A loop, not Math.max(...keys): spreading a member-sized array into arguments overflows the stack (~125k).
    let rowsCount = 0;
    let nnz = 0;
    for (const [m, h] of this.state.members) {
      if (m + 1 > rowsCount) rowsCount = m + 1;
      nnz += h.items.length;
    }
    const row = new Int32Array(nnz);
    const col = new Int32Array(nnz);
    const value = new Float32Array(nnz);
    let e = 0;
    for (const [mIdx, h] of this.state.members) {
      for (let k = 0; k < h.items.length; k++) {
        row[e] = mIdx;
        col[e] = h.items[k] as number;
        value[e] = h.strength[k] as number;
        e++;
      }
    }
    if (nnz > 0) {
      const matrix = toSparseRows(rowsCount, this.state.catalog.size, { row, col, value });
      // Warm-started from the previous factors, a couple of sweeps is enough to absorb a day of new interactions.
      const als = this.als ? { ...this.options.als, iterations: this.options.als.iterations ?? 2 } : this.options.als;
      this.als = trainAls(matrix, this.#random, als, this.als ?? undefined);
      this.#alsGram = itemGram(this.als);
    }
    if (this.options.groups && (force || at - this.#groupedAt >= this.options.regroupEveryHours * HOUR_MS)) {
      this.#regroup(at);
      this.#groupedAt = at;
    }
    // The blend is refitted when enough has changed since the last fit (a quiet day adds a handful of examples to
    // thousands: refitting then costs a full pass and moves nothing).
    const fresh = this.#collected - this.#fittedAt;
    const enough = fresh >= Math.max(20, 0.05 * Math.min(this.#examples.length, this.options.refitWindow));
    if (this.#examples.length >= this.options.minExamples && (force || enough || !this.#learned)) {
      this.#fittedAt = this.#collected;
      const previous = this.blendChoice?.features;
      this.blendChoice = this.#chooseFeatures();
      const features = this.blendChoice.features ?? undefined;
      // A fit over another signal set starts afresh (the previous weights of the new signals are zero).
      const warm = this.blendChoice.features === previous ? (this.#learned ?? undefined) : undefined;
      this.#learned = fitRanker(this.#examples, { ...this.options.ranker, features }, warm);
      this.ranker = shrink(this.#learned, this.#examples.length, this.options.priorExamples, features);
    }
    this.reranker?.fit(force);
  }

  /** The signal set this refit uses: `blendFeatures`, or the candidate best on the newest examples. */
  #chooseFeatures(): { features: readonly FeatureName[] | null; heldOut: number[] } {
    const candidates = this.options.blendFeatureChoice;
    const fit = this.options.ranker.maxFitExamples ?? DEFAULT_RANKER.maxFitExamples;
    const window = this.#examples.slice(-fit);
    const cut = Math.floor(window.length * (1 - this.options.choiceHoldout));
    if (candidates.length < 2 || window.length - cut < 20) {
      return { features: candidates[0] ?? this.options.blendFeatures, heldOut: [] };
    }
    const older = window.slice(0, cut);
    const newest = window.slice(cut);
    const heldOut = candidates.map((c) =>
      examplesNdcg(fitRanker(older, { ...this.options.ranker, features: c ?? undefined, maxFitExamples: cut }), newest),
    );
    let best = 0;
    for (let c = 1; c < heldOut.length; c++) if ((heldOut[c] as number) > (heldOut[best] as number)) best = c;
    return { features: candidates[best] ?? null, heldOut };
  }

  #regroup(at: number): void {
    const src = this.sources;
    const members: number[] = [];
    const candidates = new Set([...this.state.members.keys(), ...this.#extraMembers]);
    // One space for everyone: members known by content and by factors alone cannot be clustered together (the first
    // vector's length says which space, when there is no content).
    let dims = this.state.catalog.content?.dims ?? -1;
    // Rows of one matrix, handed over as views: a Float32Array of its own per member cost ~800 B of RSS (its own
    // backing store), a view into shared rows ~100 B — at a million members, the largest part of a retrain's peak.
    let packed = new Float32Array(0);
    for (const m of candidates) {
      const v = this.#memberVector(src, m);
      if (!v) continue;
      if (dims < 0) dims = v.length;
      if (v.length !== dims) continue;
      const at = members.length * dims;
      if (at + dims > packed.length) {
        const grown = new Float32Array(Math.max(at + dims, candidates.size * dims));
        grown.set(packed);
        packed = grown;
      }
      packed.set(v, at);
      members.push(m);
    }
    const vectors = members.map((_, r) => packed.subarray(r * dims, (r + 1) * dims));
    const topicsOf = (row: number): Map<string, number> => {
      const m = members[row] as number;
      const named = this.#memberTopics?.(m);
      if (named) return named;
      const out = new Map<string, number>();
      for (const [t, w] of this.state.topicWeights(m, at)) out.set(this.state.catalog.topicNames[t] as string, w);
      return out;
    };
    if (members.length < 4) return;
    // Matched to the previous groups (this engine's last grouping, else the previous snapshot's), so a group keeps
    // its number and label while its members stay.
    const before = this.grouping;
    const previous = before
      ? {
          groups: before.groups,
          members: new Map([...this.#groupRow].map(([m, r]) => [m, before.assignment[r] as number] as const)),
        }
      : this.#previousGroups;
    const grouping = alignGroups(previous, groupMembers({ vectors, topicsOf }, this.#random), members);
    this.grouping = grouping;
    this.#groupRow = new Map(members.map((m, r) => [m, r]));
    const n = this.state.catalog.size;
    const itemScore = new Float32Array(grouping.k * n);
    const lambda = Math.LN2 / (this.options.groupHalfLifeHours * HOUR_MS);
    members.forEach((m, r) => {
      const g = grouping.assignment[r] as number;
      const h = this.state.members.get(m);
      if (!h) return;
      for (let k = 0; k < h.items.length; k++) {
        const age = Math.max(0, at - (h.firstAt[k] as number));
        itemScore[g * n + (h.items[k] as number)]! += Math.exp(-lambda * age);
      }
    });
    for (let g = 0; g < grouping.k; g++) {
      let max = 0;
      for (let i = 0; i < n; i++) max = Math.max(max, itemScore[g * n + i] as number);
      if (max > 0) for (let i = 0; i < n; i++) itemScore[g * n + i]! /= max;
    }
    const groupRow = this.#groupRow;
    this.#groupSignal = {
      items: n,
      itemScore,
      assign: (member, vector) => {
        const r = groupRow.get(member);
        if (r !== undefined) return grouping.assignment[r] as number;
        return vector && vector.length === grouping.groups[0]?.centroid.length ? nearestGroup(grouping, vector) : -1;
      },
    };
  }

  /** The vector a member is grouped by: their content interest vector, else their CF factors. */
  #memberVector(src: FeatureSources, member: number): Float32Array | null {
    const v = memberContentVector(src, member);
    if (v) return v;
    // Only members with interactions have meaningful factors (an untouched row keeps its random start).
    if (!this.als || member >= this.als.users || !this.state.members.get(member)?.items.length) return null;
    const k = this.als.factors;
    const f = this.als.userFactors.slice(member * k, (member + 1) * k);
    let s = 0;
    for (const x of f) s += x * x;
    return s > 0 ? f.map((x) => x / Math.sqrt(s)) : null;
  }

  /** The group a member belongs to now (−1 when groups are not computed or the member is unknown). */
  /** The previous snapshot's groups (labels, and each member's group), so a retrain keeps their numbers and labels. */
  continueGroups(groups: readonly { index: number; label: string[] }[], members: Map<number, number>): void {
    this.#previousGroups = {
      groups: groups.map((g) => ({ index: g.index, label: [...g.label], size: 0, centroid: new Float32Array(0) })),
      members,
    };
  }

  groupOf(member: number): number {
    return this.#groupSignal?.assign(member, memberContentVector(this.sources, member)) ?? -1;
  }

  /**
   * Starts ALS from factors learned earlier (the snapshot this engine replaces, rows mapped to this engine's member
   * and item indexes; rows it never saw are zero): the retrain then runs the warm-start sweeps, not a cold fit.
   */
  warmStartAls(model: AlsModel): void {
    this.als = model;
  }

  /** Starts from a blend learned earlier (a stored snapshot): later fits warm-start from it. */
  warmStart(ranker: RankerWeights): void {
    this.ranker = ranker;
    this.#learned = ranker;
  }

  dismiss(member: number, item: number, at: number): void {
    this.state.dismiss(member, item, at);
  }

  recommend(member: number, at: number, options: Partial<RankOptions> = {}): Pick[] {
    const src = this.sources;
    const n = this.state.catalog.size;
    if (this.#dense?.scores.length !== n) this.#dense = denseBuffers(n);
    // The buffers live until the next call: rank reads them, and what it returns (the picks) holds none of them.
    const dense = this.#dense;
    const q = queryContext(src, member, at, undefined, dense);
    const served = this.reranker
      ? (topic?: number) => this.scoreAll(q, topic)
      : (topic?: number) => scoreAllFast(src, this.ranker, q, topic, dense.scores);
    return rank(src, this.ranker, q, { ...this.options.rank, ...options }, served);
  }
}
