import type { FeatureSources, QueryContext } from '../features.ts';
import type { RankerWeights } from '../ranker.ts';
import { BLEND_RANK, candidatePool, type Pool, poolFeatures, RERANK_DIMS } from './pool.ts';

/**
 * The second stage: a listwise (softmax) linear model over the candidate pool (ranker/pool.ts), learned from the
 * community's own recent choices — each interaction against the rest of the pool it was made from. Where the blend
 * learns which signals matter across the whole catalogue, this stage learns the decision that counts on a Q&A site:
 * among the few fresh items a member could open now, which one, and how much to trust their profile over recency.
 *
 * Whether it is used at all is decided on the latest quarter of its own examples (a validation slice of the
 * training period, in the product as in the eval): it must beat the blend's own order there, else the blend's order
 * is served unchanged.
 */
export interface RerankOptions {
  maxExamples: number;
  iterations: number;
  warmIterations: number;
  learningRate: number;
  l2: number;
  /** Examples needed before a fit. */
  minExamples: number;
  /** Share of the most recent examples held out to decide whether the stage is used. */
  holdout: number;
}

export const DEFAULT_RERANK: RerankOptions = {
  maxExamples: 800,
  iterations: 40,
  warmIterations: 10,
  learningRate: 0.05,
  l2: 1e-2,
  minExamples: 100,
  holdout: 0.25,
};

interface Example {
  x: Float32Array;
  rows: number;
  positive: number;
  weight: number;
}

export interface RerankModel {
  w: Float32Array;
  mean: Float32Array;
  std: Float32Array;
}

export interface RerankState {
  model: RerankModel | null;
  /** The held-out NDCG@10 of the stage and of the blend's own order at the last decision. */
  validation: { stage: number; blend: number; examples: number } | null;
  used: boolean;
}

export class Reranker {
  readonly options: RerankOptions;
  #examples: Example[] = [];
  #collected = 0;
  #fittedAt = 0;
  #model: RerankModel | null = null;
  /** The fit on the older part only (warm start of the next decision fit: it never saw a later holdout). */
  #older: RerankModel | null = null;
  #validation: RerankState['validation'] = null;
  #used = false;

  constructor(options: Partial<RerankOptions> = {}) {
    this.options = { ...DEFAULT_RERANK, ...options };
  }

  get state(): RerankState {
    return { model: this.#model, validation: this.#validation, used: this.#used };
  }

  /** Records a choice: the member picked `item` at `q.at` from the pool the blend and recency offered then. */
  collect(src: FeatureSources, blend: RankerWeights, q: QueryContext, item: number, weight: number): void {
    if (q.excluded[item]) return;
    const pool = candidatePool(src, blend, q);
    const positive = pool.items.indexOf(item);
    // Outside the pool this stage could not have served it: nothing to learn about reordering the pool.
    if (positive < 0 || pool.items.length < 2) return;
    this.#examples.push({ x: poolFeatures(src, q, pool), rows: pool.items.length, positive, weight });
    this.#collected++;
    if (this.#examples.length > this.options.maxExamples) {
      this.#examples.splice(0, this.#examples.length - this.options.maxExamples);
    }
  }

  /** Refits when 20% of the examples are new (each fit is two passes over up to 800 pools): first on the older part to decide use, then on all of them. */
  fit(force = false): void {
    const all = this.#examples;
    if (all.length < this.options.minExamples) return;
    const fresh = this.#collected - this.#fittedAt;
    if (!force && this.#model && fresh < Math.max(40, 0.2 * all.length)) return;
    this.#fittedAt = this.#collected;
    const cut = Math.floor(all.length * (1 - this.options.holdout));
    const older = fitSoftmax(all.slice(0, cut), this.options, this.#older);
    this.#older = older;
    const held = all.slice(cut);
    const stage = meanNdcg(held, (ex, r) => scoreRow(older, ex.x, r * RERANK_DIMS));
    const blendOrder = meanNdcg(held, (ex, r) => ex.x[r * RERANK_DIMS + BLEND_RANK] as number);
    this.#validation = { stage, blend: blendOrder, examples: held.length };
    this.#used = stage > blendOrder;
    this.#model = fitSoftmax(all, this.options, this.#model ?? older);
  }

  /**
   * Final scores over the catalogue: the pool ordered by this stage (when it is used), everything else below the
   * pool in the blend's order, excluded items NaN.
   */
  scores(src: FeatureSources, blend: RankerWeights, q: QueryContext, topic?: number): Float32Array {
    const pool = candidatePool(src, blend, q, topic);
    const model = this.#model;
    if (!this.#used || !model) return pool.blend;
    return reorder(pool, poolFeatures(src, q, pool), model);
  }
}

function reorder(pool: Pool, x: Float32Array, model: RerankModel): Float32Array {
  const out = Float32Array.from(pool.blend);
  let lo = Number.POSITIVE_INFINITY;
  let blendMax = Number.NEGATIVE_INFINITY;
  const staged = Array.from(pool.items, (_, r) => scoreRow(model, x, r * RERANK_DIMS));
  for (const s of staged) lo = Math.min(lo, s);
  for (const i of pool.items) blendMax = Math.max(blendMax, pool.blend[i] as number);
  // Below the pool, in the blend's order.
  for (let i = 0; i < out.length; i++) {
    if (!Number.isNaN(out[i] as number)) out[i] = lo - 1 - (blendMax - (out[i] as number));
  }
  pool.items.forEach((i, r) => {
    out[i] = staged[r] as number;
  });
  return out;
}

function scoreRow(model: RerankModel, x: Float32Array, o: number): number {
  let s = 0;
  for (let a = 0; a < RERANK_DIMS; a++) {
    s += (model.w[a] as number) * (((x[o + a] as number) - (model.mean[a] as number)) / (model.std[a] as number));
  }
  return s;
}

/** Mean NDCG@10 of the picked row when each example's rows are ordered by `score` (ties: earlier rows first). */
function meanNdcg(examples: readonly Example[], score: (ex: Example, row: number) => number): number {
  if (examples.length === 0) return 0;
  let total = 0;
  let weights = 0;
  for (const ex of examples) {
    const p = score(ex, ex.positive);
    let rank = 0;
    for (let r = 0; r < ex.rows; r++) {
      if (r === ex.positive) continue;
      const s = score(ex, r);
      if (s > p || (s === p && r < ex.positive)) rank++;
    }
    total += ex.weight * (rank < 10 ? 1 / Math.log2(rank + 2) : 0);
    weights += ex.weight;
  }
  return weights > 0 ? total / weights : 0;
}

/** Weighted softmax over each example's rows, standardised features, L2, Adam (warm-started when given). */
function fitSoftmax(examples: readonly Example[], opts: RerankOptions, warm: RerankModel | null): RerankModel {
  const d = RERANK_DIMS;
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  let rows = 0;
  for (const ex of examples) {
    for (let k = 0; k < ex.rows * d; k++) {
      const v = ex.x[k] as number;
      mean[k % d]! += v;
      sq[k % d]! += v * v;
    }
    rows += ex.rows;
  }
  const std = new Float32Array(d).fill(1);
  for (let a = 0; a < d; a++) {
    mean[a]! /= Math.max(1, rows);
    const variance = (sq[a] as number) / Math.max(1, rows) - (mean[a] as number) ** 2;
    if (variance > 1e-12) std[a] = Math.sqrt(variance);
  }
  const xs = examples.map((ex) => {
    const x = new Float64Array(ex.rows * d);
    for (let k = 0; k < x.length; k++) x[k] = ((ex.x[k] as number) - (mean[k % d] as number)) / (std[k % d] as number);
    return x;
  });
  const w = new Float64Array(d);
  if (warm) for (let a = 0; a < d; a++) w[a] = warm.w[a] as number;
  const m = new Float64Array(d);
  const v = new Float64Array(d);
  const grad = new Float64Array(d);
  let scores = new Float64Array(64);
  let totalWeight = 0;
  for (const ex of examples) totalWeight += ex.weight;
  const iterations = warm ? opts.warmIterations : opts.iterations;
  for (let it = 1; it <= iterations; it++) {
    grad.fill(0);
    examples.forEach((ex, e) => {
      const x = xs[e] as Float64Array;
      if (scores.length < ex.rows) scores = new Float64Array(ex.rows);
      let max = Number.NEGATIVE_INFINITY;
      for (let r = 0; r < ex.rows; r++) {
        let s = 0;
        for (let a = 0; a < d; a++) s += (w[a] as number) * (x[r * d + a] as number);
        scores[r] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let r = 0; r < ex.rows; r++) {
        scores[r] = Math.exp((scores[r] as number) - max);
        sum += scores[r] as number;
      }
      for (let r = 0; r < ex.rows; r++) {
        const p = ex.weight * ((scores[r] as number) / sum - (r === ex.positive ? 1 : 0));
        for (let a = 0; a < d; a++) grad[a]! += p * (x[r * d + a] as number);
      }
    });
    for (let a = 0; a < d; a++) {
      const g = (grad[a] as number) / Math.max(1e-12, totalWeight) + opts.l2 * (w[a] as number);
      m[a] = 0.9 * (m[a] as number) + 0.1 * g;
      v[a] = 0.999 * (v[a] as number) + 0.001 * g * g;
      const mh = (m[a] as number) / (1 - 0.9 ** it);
      const vh = (v[a] as number) / (1 - 0.999 ** it);
      w[a]! -= (opts.learningRate * mh) / (Math.sqrt(vh) + 1e-8);
    }
  }
  return { w: Float32Array.from(w), mean: Float32Array.from(mean), std };
}
