import { FEATURE_COUNT, FEATURES, type FeatureName } from './features.ts';

/**
 * The blend of the hybrid's signals: a linear scorer learned with a sampled-softmax (listwise) loss from the
 * community's own history — each past interaction against items that were on offer at that moment and were not
 * picked. "Choose by evaluation" made automatic: when freshness predicts this community best, freshness gets the
 * weight; when the members follow topics, topics do. Features are standardised so weights are comparable and
 * explanations can compare contributions.
 */
export interface RankerWeights {
  weights: Float32Array;
  mean: Float32Array;
  std: Float32Array;
}

/** One training moment: the picked item's features first, then the sampled alternatives', row-major. */
export interface RankingExample {
  features: Float32Array;
  /** Rows in `features` (1 positive + negatives). */
  rows: number;
  /** How much this moment counts (default 1): the engine down-weights its most active members. */
  weight?: number;
  /** Per row, added to the score in the fit only: −log of the row's sampling probability (logQ correction). */
  offsets?: Float32Array;
}

export interface RankerOptions {
  iterations: number;
  /** Iterations when starting from the previous fit (a scheduled retrain moves the weights only a little). */
  warmIterations: number;
  /** Fit on at most this many examples (the most recent): the cost of a retrain stays flat as history grows. */
  maxFitExamples: number;
  learningRate: number;
  l2: number;
  /**
   * The signals the blend may use (every other weight stays 0); all by default. A small set learns less from a small
   * log and so has less to overfit.
   */
  features?: readonly FeatureName[];
}

export const DEFAULT_RANKER: RankerOptions = {
  iterations: 80,
  warmIterations: 25,
  maxFitExamples: 2000,
  learningRate: 0.08,
  l2: 1e-3,
};

/** Prior weights for a community with too little history to learn from: on-topic first, then fresh and trending. */
export function defaultWeights(): RankerWeights {
  // Raw-scale weights: topic and content live in [0, 1], freshness in −log hours, so the numbers differ in size.
  const w: Partial<Record<FeatureName, number>> = {
    fresh: 0.3,
    justPosted: 0.5,
    trendShort: 0.3,
    trendLong: 0.2,
    popularity: 0.3,
    topic: 3,
    itemKnn: 0.5,
    peers: 1,
    cf: 0.5,
    content: 2,
    group: 1,
    author: 0.3,
  };
  return {
    weights: Float32Array.from(FEATURES, (f) => w[f] ?? 0),
    mean: new Float32Array(FEATURE_COUNT),
    std: new Float32Array(FEATURE_COUNT).fill(1),
  };
}

/** The prior with every signal outside `features` set to 0 (all signals when `features` is undefined). */
export function maskedWeights(weights: RankerWeights, features?: readonly FeatureName[]): RankerWeights {
  if (!features) return weights;
  const keep = new Set<string>(features);
  return { ...weights, weights: weights.weights.map((w, f) => (keep.has(FEATURES[f] as string) ? w : 0)) };
}

export function fitRanker(
  allExamples: readonly RankingExample[],
  options: Partial<RankerOptions> = {},
  warm?: RankerWeights,
): RankerWeights {
  const opts = { ...DEFAULT_RANKER, ...options };
  const examples = allExamples.slice(-opts.maxFitExamples);
  const d = FEATURE_COUNT;
  const keep = opts.features ? new Set<string>(opts.features) : null;
  // The signals fitted; the loops below run over these k only (a full-softmax example has hundreds of rows).
  const active = Int32Array.from(FEATURES.flatMap((f, a) => (keep && !keep.has(f) ? [] : [a])));
  const k = active.length;
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  let rows = 0;
  for (const ex of examples) {
    for (let r = 0; r < ex.rows; r++) {
      for (let a = 0; a < d; a++) {
        const v = ex.features[r * d + a] as number;
        mean[a]! += v;
        sq[a]! += v * v;
      }
    }
    rows += ex.rows;
  }
  if (rows === 0) return warm ?? maskedWeights(defaultWeights(), opts.features);
  const std = new Float32Array(d);
  for (let a = 0; a < d; a++) {
    mean[a]! /= rows;
    const variance = (sq[a] as number) / rows - (mean[a] as number) ** 2;
    std[a] = variance > 1e-12 ? Math.sqrt(variance) : 1;
  }
  // Standardised once per fit, active signals only: the loops below then only multiply and add.
  const xs = examples.map((ex) => {
    const x = new Float64Array(ex.rows * k);
    for (let r = 0; r < ex.rows; r++) {
      for (let b = 0; b < k; b++) {
        const a = active[b] as number;
        x[r * k + b] = ((ex.features[r * d + a] as number) - (mean[a] as number)) / (std[a] as number);
      }
    }
    return x;
  });
  const w = new Float64Array(k);
  if (warm) for (let b = 0; b < k; b++) w[b] = warm.weights[active[b] as number] as number;
  // Adam: robust to the very different scales of gradients across signals.
  const m = new Float64Array(k);
  const v = new Float64Array(k);
  const grad = new Float64Array(k);
  let scores = new Float64Array(64);
  let totalWeight = 0;
  for (const ex of examples) totalWeight += ex.weight ?? 1;
  const iterations = warm ? opts.warmIterations : opts.iterations;
  for (let it = 1; it <= iterations; it++) {
    grad.fill(0);
    for (let e = 0; e < examples.length; e++) {
      const ex = examples[e] as RankingExample;
      const x = xs[e] as Float64Array;
      const rowsN = ex.rows;
      if (scores.length < rowsN) scores = new Float64Array(rowsN);
      let max = Number.NEGATIVE_INFINITY;
      const off = ex.offsets;
      for (let r = 0; r < rowsN; r++) {
        let s = off ? (off[r] as number) : 0;
        const o = r * k;
        for (let b = 0; b < k; b++) s += (w[b] as number) * (x[o + b] as number);
        scores[r] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let r = 0; r < rowsN; r++) {
        const z = Math.exp((scores[r] as number) - max);
        scores[r] = z;
        sum += z;
      }
      const exWeight = ex.weight ?? 1;
      for (let r = 0; r < rowsN; r++) {
        const p = exWeight * ((scores[r] as number) / sum - (r === 0 ? 1 : 0));
        if (p === 0) continue;
        const o = r * k;
        for (let b = 0; b < k; b++) grad[b]! += p * (x[o + b] as number);
      }
    }
    for (let b = 0; b < k; b++) {
      const g = (grad[b] as number) / totalWeight + opts.l2 * (w[b] as number);
      m[b] = 0.9 * (m[b] as number) + 0.1 * g;
      v[b] = 0.999 * (v[b] as number) + 0.001 * g * g;
      const mh = (m[b] as number) / (1 - 0.9 ** it);
      const vh = (v[b] as number) / (1 - 0.999 ** it);
      w[b]! -= (opts.learningRate * mh) / (Math.sqrt(vh) + 1e-8);
    }
  }
  const weights = new Float32Array(d);
  for (let b = 0; b < k; b++) weights[active[b] as number] = w[b] as number;
  return { weights, mean: Float32Array.from(mean), std };
}

/** Standardised feature value × weight: a signal's contribution to a score (explanations pick the largest). */
export function contribution(r: RankerWeights, feature: number, value: number): number {
  return (r.weights[feature] as number) * ((value - (r.mean[feature] as number)) / (r.std[feature] as number));
}

export function score(r: RankerWeights, features: Float32Array, offset: number): number {
  let s = 0;
  for (let a = 0; a < FEATURE_COUNT; a++) s += contribution(r, a, features[offset + a] as number);
  return s;
}

/**
 * Mean NDCG@10 of each example's pick among the example's own rows under `r` (offsets ignored: what is served).
 * With full-softmax examples that is the pick's rank among everything on offer at that moment.
 */
export function examplesNdcg(r: RankerWeights, examples: readonly RankingExample[]): number {
  if (examples.length === 0) return 0;
  let total = 0;
  for (const ex of examples) {
    const picked = score(r, ex.features, 0);
    let above = 0;
    for (let row = 1; row < ex.rows && above < 10; row++) {
      if (score(r, ex.features, row * FEATURE_COUNT) > picked) above++;
    }
    if (above < 10) total += 1 / Math.log2(above + 2);
  }
  return total / examples.length;
}
