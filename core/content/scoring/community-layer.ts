import { z } from 'zod';
import { logit } from './quality-combiner.ts';

/**
 * The per-community layer on top of the shipped quality model: what one community's own signals (votes on digest
 * items, clicks, reactions, replies, tips) teach about what *it* finds worth reading, learned online by the
 * content feature's `content:learn` job, and the calibration that makes the score mean the same thing in every
 * community (0.5 = the community's median post).
 *
 * adapted logit = base + bias + baseScale·base + Σ wⱼ·(xⱼ − meanⱼ)/stdⱼ
 *
 * where `base` is the shipped model's quality logit (text + structure combiner) and x the item's structure
 * features (structure-features.ts) followed by the model's sentence embedding (what the item is *about*: without
 * it a community's own topics are invisible to the layer). The layer is a residual: with no data it is exactly the
 * shipped model, and an L2 pull toward it of `priorStrength / n` (n = the labelled items seen) keeps it there
 * while a community has said little, and fades as its own labels accumulate. Calibration is the item's
 * position among the community's recent items of its kind (members' posts, feed articles, course announcements)
 * under the same layer (see `calibrated`), so 0.5 is the median post whatever the model's raw scale, and 0.75 its
 * upper quartile.
 */
export interface LayerOptions {
  /**
   * How many labelled items' worth of belief the shipped model carries: the L2 pull of the residual toward it is
   * priorStrength / n, so it fades as the community's own labels (n) accumulate.
   */
  priorStrength: number;
  /** Read the item's sentence embedding as input (false: structure and the shipped score only). */
  useEmbedding: boolean;
  /**
   * The embedding's pull relative to the structure features' (its 96 dimensions are many more parameters than a
   * few dozen labels can pin down, so it needs more of a community's labels before it moves).
   */
  embeddingPriorScale: number;
  /** Full-batch gradient steps per training call (warm-started from the previous state). */
  steps: number;
  learningRate: number;
  /** Fewer labelled items than this: the layer stays the shipped model (calibration still applies). */
  minExamples: number;
}

/**
 * Chosen on the validation fifth of the training period of the evaluation sites, one setting for all communities
 * by the mean over the sites' validation slices (`npm run eval -- scoring … --choose`, ADR 0010).
 */
export const DEFAULT_LAYER_OPTIONS: LayerOptions = {
  priorStrength: 10,
  useEmbedding: false,
  embeddingPriorScale: 30,
  steps: 150,
  learningRate: 0.3,
  minExamples: 30,
};

const calibrationSchema = z.object({
  /** Median adapted logit of the community's recent items: it reads 0.5. */
  median: z.number(),
  /** Half the interquartile range of those logits, shrunk toward PRIOR_SPREAD when there are few items. */
  spread: z.number().positive(),
  items: z.number().int().nonnegative(),
});
export type Calibration = z.infer<typeof calibrationSchema>;

export const qualityLayerStateSchema = z.object({
  version: z.literal(1),
  bias: z.number(),
  baseScale: z.number(),
  /** Structure features first, then the embedding (`embeddingDims` of them; 0 for a structure-only layer). */
  weights: z.array(z.number()),
  embeddingDims: z.number().int().nonnegative().default(0),
  mean: z.array(z.number()),
  std: z.array(z.number().positive()),
  /**
   * Calibration per kind of item, by where it came from (`post`: members' posts, `article`: feeds, `course`: course
   * announcements; a creator's promotion is not measured against members' questions), and over all items (`*`,
   * for a kind the community has too few of).
   */
  calibration: z.record(z.string(), calibrationSchema),
  /** Labelled items the layer learned from. */
  examples: z.number().int().nonnegative(),
  trainedAt: z.string(),
});
export type QualityLayerState = z.infer<typeof qualityLayerStateSchema>;

/** What the layer needs of one item: the shipped model's quality and the item's structure features. */
export interface LayerInput {
  /** Where the item came from (`post`, `article`, `course`): it is calibrated among items of its kind. */
  kind?: string;
  /** The shipped model's quality in (0, 1) (a probability; its logit is the base). */
  baseQuality: number;
  features: Float64Array;
  /** The model's sentence embedding of the item (null or absent: not known, read as the average item). */
  embedding?: Float32Array | null;
}

export interface LayerExample extends LayerInput {
  /** Soft label in [0, 1]: the item's engagement percentile among comparable items of its community. */
  label: number;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const LN3 = Math.log(3);

/** The shipped model unchanged: no residual, no calibration yet. */
export function identityLayer(dimensions: number, embeddingDims = 0): QualityLayerState {
  return {
    version: 1,
    bias: 0,
    baseScale: 0,
    weights: new Array(dimensions).fill(0),
    embeddingDims,
    mean: new Array(dimensions).fill(0),
    std: new Array(dimensions).fill(1),
    calibration: {},
    examples: 0,
    trainedAt: new Date(0).toISOString(),
  };
}

/**
 * The layer's raw input: structure features, then `embeddingDims` embedding values (NaN where the item has no
 * embedding, which standardises to 0: the average item).
 */
export function layerInputVector(input: LayerInput, embeddingDims: number): Float64Array {
  const f = input.features.length;
  const out = new Float64Array(f + embeddingDims);
  out.set(input.features);
  const e = input.embedding;
  for (let j = 0; j < embeddingDims; j++) out[f + j] = e && e.length === embeddingDims ? (e[j] as number) : Number.NaN;
  return out;
}

export function adaptedLogit(state: QualityLayerState, input: LayerInput): number {
  const base = logit(input.baseQuality);
  let z = base + state.bias + state.baseScale * base;
  const embeddingDims = state.embeddingDims ?? 0;
  const x = embeddingDims > 0 ? layerInputVector(input, embeddingDims) : input.features;
  const n = Math.min(state.weights.length, x.length);
  for (let j = 0; j < n; j++) {
    const v = x[j] as number;
    if (Number.isNaN(v)) continue;
    z += (state.weights[j] as number) * ((v - (state.mean[j] as number)) / (state.std[j] as number));
  }
  return z;
}

/**
 * The score moderators see, in [0, 1]: σ((z − median) · ln 3 / spread), so the median item of its kind in the
 * community reads 0.5 and its quartiles 0.25 and 0.75, while score differences stay proportional to the model's (a rank table would turn
 * a hair's difference between two of a handful of posts into 0.3 against 0.7). Before the community has items
 * to compare with, the adapted probability itself.
 */
export function calibrated(state: QualityLayerState, adapted: number, kind?: string): number {
  const c = (kind === undefined ? undefined : state.calibration[kind]) ?? state.calibration['*'];
  if (!c) return sigmoid(adapted);
  return sigmoid(((adapted - c.median) * LN3) / c.spread);
}

export function score(state: QualityLayerState, input: LayerInput): number {
  return calibrated(state, adaptedLogit(state, input), input.kind);
}

/**
 * The spread a community's scores are assumed to have before it has many items (half an IQR, in logits, of the
 * shipped model on the evaluation sites' posts), and how many items' worth of weight that assumption carries.
 */
const PRIOR_SPREAD = 0.6;
const PRIOR_ITEMS = 20;

function quantile(sorted: readonly number[], p: number): number {
  const pos = p * (sorted.length - 1);
  const i = Math.floor(pos);
  const a = sorted[i] as number;
  const b = sorted[Math.min(sorted.length - 1, i + 1)] as number;
  return a + (pos - i) * (b - a);
}

export function calibrationFor(values: readonly number[]): Calibration {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const halfIqr = n >= 2 ? (quantile(sorted, 0.75) - quantile(sorted, 0.25)) / 2 : 0;
  const spread = Math.max(0.05, (n * halfIqr + PRIOR_ITEMS * PRIOR_SPREAD) / (n + PRIOR_ITEMS));
  return { median: quantile(sorted, 0.5), spread, items: n };
}

/** A kind with fewer items than this is calibrated on all of the community's items. */
const MIN_PER_KIND = 5;

/** The calibration of a population under the layer (see `calibration` in the state). */
export function calibrationOf(
  state: QualityLayerState,
  population: readonly LayerInput[],
): Record<string, Calibration> {
  const byKind = new Map<string, number[]>();
  const all: number[] = [];
  for (const p of population) {
    const z = adaptedLogit(state, p);
    all.push(z);
    if (p.kind === undefined) continue;
    const list = byKind.get(p.kind) ?? [];
    list.push(z);
    byKind.set(p.kind, list);
  }
  const out: Record<string, Calibration> = {};
  if (all.length > 0) out['*'] = calibrationFor(all);
  for (const [kind, list] of byKind) if (list.length >= MIN_PER_KIND) out[kind] = calibrationFor(list);
  return out;
}

/**
 * One online update: warm-starts from `previous` and takes `steps` full-batch gradient steps of the soft-label
 * cross-entropy plus the L2 pull toward the shipped model, then recomputes the calibration over
 * `population` (the community's recent items, labelled or not). Deterministic: no sampling.
 */
export function trainLayer(
  previous: QualityLayerState | null,
  examples: readonly LayerExample[],
  population: readonly LayerInput[],
  now: Date,
  options: LayerOptions = DEFAULT_LAYER_OPTIONS,
): QualityLayerState {
  const features = examples[0]?.features.length ?? population[0]?.features.length ?? 0;
  const withEmbedding = [...examples, ...population].find((e) => e.embedding && e.embedding.length > 0);
  const embeddingDims = options.useEmbedding ? (withEmbedding?.embedding?.length ?? 0) : 0;
  const dims = features + embeddingDims;
  let state =
    previous && previous.weights.length === dims && (previous.embeddingDims ?? 0) === embeddingDims
      ? { ...previous }
      : identityLayer(dims, embeddingDims);
  if (examples.length >= options.minExamples) {
    const raw = examples.map((e) => layerInputVector(e, embeddingDims));
    // Standardise on the examples themselves (a missing value is the mean); a previous state's weights are
    // carried over in the new scale.
    const mean = new Float64Array(dims);
    const std = new Float64Array(dims);
    const count = new Float64Array(dims);
    for (const x of raw)
      for (let j = 0; j < dims; j++) {
        const v = x[j] as number;
        if (Number.isNaN(v)) continue;
        mean[j] = (mean[j] as number) + v;
        count[j] = (count[j] as number) + 1;
      }
    for (let j = 0; j < dims; j++) mean[j] = (count[j] as number) > 0 ? (mean[j] as number) / (count[j] as number) : 0;
    for (const x of raw)
      for (let j = 0; j < dims; j++) {
        const v = x[j] as number;
        if (!Number.isNaN(v)) std[j] = (std[j] as number) + (v - (mean[j] as number)) ** 2;
      }
    for (let j = 0; j < dims; j++) {
      const variance = (count[j] as number) > 0 ? (std[j] as number) / (count[j] as number) : 0;
      std[j] = variance > 1e-12 ? Math.sqrt(variance) : 1;
    }
    // The embedding is one direction in space, not 96 separate facts: its dimensions share one scale (their RMS
    // spread), so a dimension that barely varies is not blown up to the weight of one that carries the topic.
    if (embeddingDims > 0) {
      let sum = 0;
      for (let j = features; j < dims; j++) sum += (std[j] as number) ** 2;
      const shared = Math.sqrt(sum / embeddingDims);
      for (let j = features; j < dims; j++) std[j] = shared > 1e-12 ? shared : 1;
    }
    const weights = Float64Array.from(state.weights, (w, j) => (w / (state.std[j] as number)) * (std[j] as number));
    let bias =
      state.bias +
      state.weights.reduce(
        (s, w, j) => s + (w / (state.std[j] as number)) * ((mean[j] as number) - (state.mean[j] as number)),
        0,
      );
    let baseScale = state.baseScale;
    const z = raw.map((x) =>
      Float64Array.from(x, (v, j) => (Number.isNaN(v) ? 0 : (v - (mean[j] as number)) / (std[j] as number))),
    );
    const base = examples.map((e) => logit(e.baseQuality));
    const labels = examples.map((e) => e.label);
    const n = examples.length;
    const lr = options.learningRate;
    // The pull toward the shipped model fades as the community's own labels accumulate.
    const l2 = options.priorStrength / n;
    const gw = new Float64Array(dims);
    for (let step = 0; step < options.steps; step++) {
      gw.fill(0);
      let gb = 0;
      let gs = 0;
      for (let i = 0; i < n; i++) {
        const zi = z[i] as Float64Array;
        const b = base[i] as number;
        let s = b + bias + baseScale * b;
        for (let j = 0; j < dims; j++) s += (weights[j] as number) * (zi[j] as number);
        const err = (sigmoid(s) - (labels[i] as number)) / n;
        gb += err;
        gs += err * b;
        for (let j = 0; j < dims; j++) gw[j] = (gw[j] as number) + err * (zi[j] as number);
      }
      // The pull is applied as a proximal step (w ← (w − lr·g) / (1 + lr·pull)): stable however strong the
      // prior is against few labels, where a plain gradient step on it would overshoot and diverge.
      bias -= lr * gb;
      baseScale = (baseScale - lr * gs) / (1 + lr * l2);
      for (let j = 0; j < dims; j++) {
        const pull = j < features ? l2 : l2 * options.embeddingPriorScale;
        weights[j] = ((weights[j] as number) - lr * (gw[j] as number)) / (1 + lr * pull);
      }
    }
    state = {
      ...state,
      bias,
      baseScale,
      weights: Array.from(weights),
      embeddingDims,
      mean: Array.from(mean),
      std: Array.from(std),
      examples: n,
    };
  }
  return {
    ...state,
    calibration: calibrationOf(state, population),
    trainedAt: now.toISOString(),
  };
}
