import type { ContentModel, ContentSignals } from '../../ports/content-model.ts';
import type { QualityCombiner, QualityFactor } from './quality-combiner.ts';
import { bodyText, type QualityInput, qualityText } from './quality-input.ts';
import { structureFeatures } from './structure-features.ts';

/**
 * Content scoring, s_i = M_θ(c_i): one call gives every signal the digest ranks on.
 * The model reads the item's text; the combiner adds what the text cannot show (structure, author history).
 * The evaluation (bench/eval/scoring.eval.ts) measures exactly this code.
 */
export interface ScoredContent {
  /** Final quality in [0, 1]: the model's text quality combined with structure features. */
  quality: number;
  /** The model's quality from the text alone, for explanations. */
  textQuality: number;
  /** The three inputs that moved quality most (see QualityCombiner.factors); empty without a combiner. */
  qualityFactors: QualityFactor[];
  /** The structure features quality was combined from (null without a combiner): the community layer's input. */
  features: Float64Array | null;
  sentiment: number;
  topics: ContentSignals['topics'];
  /** L2-normalised; for near-duplicate detection, topic matching and profiles. */
  embedding: Float32Array;
}

/** A model that returns embeddings and signals from one pass (adapters/ml does); plain ports cost two. */
export interface ContentAnalyzer extends ContentModel {
  analyze(texts: readonly string[]): Promise<{ embedding: Float32Array; signals: ContentSignals }[]>;
}

const canAnalyze = (model: ContentModel): model is ContentAnalyzer =>
  typeof (model as Partial<ContentAnalyzer>).analyze === 'function';

export interface ContentScorer {
  readonly modelId: string;
  score(inputs: readonly QualityInput[]): Promise<ScoredContent[]>;
}

export function createContentScorer(deps: {
  model: ContentModel;
  /** Null: use the model's text quality as is. */
  combiner: QualityCombiner | null;
  /** Texts per model call for a model without `analyze`; larger batches are faster up to memory. Default 32. */
  batchSize?: number;
}): ContentScorer {
  const { model, combiner } = deps;
  const batchSize = deps.batchSize ?? 32;
  return {
    modelId: model.id,
    async score(inputs) {
      const bodies = inputs.map((input) => bodyText(input.html));
      const texts = inputs.map((input, i) => qualityText(input, bodies[i]));
      // A model that analyses in one pass gets the whole call: it sorts by token count and buckets its own batches
      // (adapters/ml). Otherwise the call is sorted by length here and cut into batches, each padding to its
      // longest text, so texts of similar length share one.
      const order = texts.map((t, i) => [t.length, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const out: ScoredContent[] = new Array(inputs.length);
      const step = canAnalyze(model) ? Math.max(1, order.length) : batchSize;
      for (let start = 0; start < order.length; start += step) {
        const idx = order.slice(start, start + step).map(([, i]) => i);
        const batch = idx.map((i) => texts[i] as string);
        const analysed = canAnalyze(model)
          ? await model.analyze(batch)
          : await Promise.all([model.embed(batch), model.signals(batch)]).then(([embeddings, signals]) =>
              embeddings.map((embedding, i) => ({ embedding, signals: signals[i] as ContentSignals })),
            );
        idx.forEach((i, k) => {
          const input = inputs[i] as QualityInput;
          const { embedding, signals } = analysed[k] as (typeof analysed)[number];
          const features = combiner ? structureFeatures(input, bodies[i]) : null;
          const quality = combiner && features ? combiner.combine(signals.quality, features) : signals.quality;
          out[i] = {
            quality,
            textQuality: signals.quality,
            qualityFactors:
              combiner?.factors && features ? combiner.factors(signals.quality, features).slice(0, 3) : [],
            features,
            sentiment: signals.sentiment,
            topics: signals.topics,
            embedding,
          };
        });
      }
      return out;
    },
  };
}
