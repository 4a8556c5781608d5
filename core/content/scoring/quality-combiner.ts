import { z } from 'zod';
import { InternalError } from '../../errors.ts';
import { STRUCTURE_FEATURES } from './structure-features.ts';

/**
 * The last step of quality scoring: the model's text quality (a logit) plus the item's structure features
 * (structure-features.ts), through a logistic layer trained jointly with the model's text head.
 * A second, structure-only layer ships beside it for models that have no trained quality head
 * (e.g. a hub embedding model), so every model gets a quality score from the same code.
 */
const layerSchema = z.object({ weights: z.array(z.number()), bias: z.number() });

export const qualityCombinerSpecSchema = z.object({
  version: z.literal(1),
  features: z.array(z.string()),
  mean: z.array(z.number()),
  std: z.array(z.number().positive()),
  /** logit = textWeight · textLogit + weights · z + bias, where z are standardised features. */
  withText: layerSchema.extend({ textWeight: z.number() }),
  structureOnly: layerSchema,
  /** How the layers were trained (label rule, data, dates): shown by explanations and the eval. */
  trainedOn: z.string(),
});
export type QualityCombinerSpec = z.infer<typeof qualityCombinerSpecSchema>;

export interface QualityCombiner {
  /** Whether the model's own text quality is part of the score (false for models with no quality head). */
  readonly usesText: boolean;
  /** Probability-like quality in [0, 1]. */
  combine(textQuality: number, features: Float64Array): number;
  /**
   * What moved this item's score, for explanations ("why was this picked"): each input's effect on the logit
   * relative to an average item, largest first. `text` is the model's text quality.
   */
  factors?(textQuality: number, features: Float64Array): QualityFactor[];
}

export interface QualityFactor {
  /** `text` or a structure feature name (structure-features.ts), e.g. `code_blocks`, `author_prior_posts`. */
  factor: string;
  /** Change in log-odds against an average item; positive raises quality. */
  effect: number;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const EPS = 1e-6;
export const logit = (p: number): number => {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return Math.log(q / (1 - q));
};

export function parseQualityCombinerSpec(raw: unknown): QualityCombinerSpec {
  const spec = qualityCombinerSpecSchema.parse(raw);
  const expected = STRUCTURE_FEATURES.join(',');
  if (spec.features.join(',') !== expected) {
    throw new InternalError(
      'QUALITY_COMBINER_MISMATCH',
      `quality combiner was trained on features [${spec.features.join(',')}], this code computes [${expected}]`,
    );
  }
  const n = spec.features.length;
  for (const [name, arr] of [
    ['mean', spec.mean],
    ['std', spec.std],
    ['withText.weights', spec.withText.weights],
    ['structureOnly.weights', spec.structureOnly.weights],
  ] as const) {
    if (arr.length !== n)
      throw new InternalError('QUALITY_COMBINER_MISMATCH', `${name} has ${arr.length} values, expected ${n}`);
  }
  return spec;
}

export function createQualityCombiner(spec: QualityCombinerSpec, usesText: boolean): QualityCombiner {
  const layer = usesText ? spec.withText : spec.structureOnly;
  const textWeight = usesText ? spec.withText.textWeight : 0;
  return {
    usesText,
    factors(textQuality, features) {
      const out: QualityFactor[] = [];
      if (textWeight !== 0) out.push({ factor: 'text', effect: textWeight * logit(textQuality) });
      for (let i = 0; i < features.length; i++) {
        const effect =
          (layer.weights[i] as number) *
          (((features[i] as number) - (spec.mean[i] as number)) / (spec.std[i] as number));
        if (effect !== 0) out.push({ factor: spec.features[i] as string, effect });
      }
      return out.sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect));
    },
    combine(textQuality, features) {
      let z = layer.bias + (textWeight === 0 ? 0 : textWeight * logit(textQuality));
      for (let i = 0; i < features.length; i++) {
        z +=
          (layer.weights[i] as number) *
          (((features[i] as number) - (spec.mean[i] as number)) / (spec.std[i] as number));
      }
      return sigmoid(z);
    },
  };
}
