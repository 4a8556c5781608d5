import type { QualityLayerState } from './community-layer.ts';

/**
 * The community layer's calibrated quality (community-layer.ts `score` and `calibrated`) written as data, so the
 * store can compute it, or an upper bound of it, in the database for every candidate without reading them out:
 * a digest then reads its candidates best bound first and stops early (digest/bounded-ranking.ts).
 *
 * For an item with stored quality inputs (its kind, base quality and structure features):
 *   z = baseScale · logit(baseQuality) + offset + Σⱼ coefficientⱼ · (xⱼ − meanⱼ)   (a missing xⱼ adds nothing)
 *       + at most `embedding` (the embedding's part, bounded: the layer may read the item's unit-length embedding)
 * For an item scored before inputs were kept: z = logit(its stored quality), its kind from its guid.
 * Then quality = σ((z − median) · ln 3 / spread) with the calibration of its kind (else `*`), or σ(z) with none.
 * logit clamps its argument to [1e-6, 1 − 1e-6] (quality-combiner.ts).
 */
export interface QualityBound {
  layer: {
    baseScale: number;
    offset: number;
    features: { coefficient: number; mean: number }[];
    /** Upper bound of the embedding's part of z (0 for a layer that does not read embeddings). */
    embedding: number;
    /** When the layer reads embeddings: inputs with another feature count are bounded by 1 (their vector shifts). */
    featureCount: number | null;
  };
  calibration: Record<string, { median: number; spread: number }>;
}

/** The bound of `state`: exact for structure-only layers (the default), an upper bound when embeddings count. */
export function qualityBoundOf(state: QualityLayerState): QualityBound {
  const embeddingDims = state.embeddingDims ?? 0;
  const featureCount = state.weights.length - embeddingDims;
  const coefficient = (j: number) => (state.weights[j] as number) / (state.std[j] as number);
  const features = Array.from({ length: featureCount }, (_, j) => ({
    coefficient: coefficient(j),
    mean: state.mean[j] as number,
  }));
  // Σ cⱼ(eⱼ − mⱼ) ≤ ‖c‖·‖e‖ − c·m for ‖e‖ = 1 (float32 rounding allowed for); an item without one adds 0.
  let norm = 0;
  let shift = 0;
  for (let j = featureCount; j < state.weights.length; j++) {
    norm += coefficient(j) ** 2;
    shift += coefficient(j) * (state.mean[j] as number);
  }
  const embedding = embeddingDims > 0 ? Math.max(0, Math.sqrt(norm) * (1 + 1e-5) - shift + 1e-9) : 0;
  return {
    layer: {
      baseScale: 1 + state.baseScale,
      offset: state.bias,
      features,
      embedding,
      featureCount: embeddingDims > 0 ? featureCount : null,
    },
    calibration: Object.fromEntries(
      Object.entries(state.calibration).map(([kind, c]) => [kind, { median: c.median, spread: c.spread }]),
    ),
  };
}
