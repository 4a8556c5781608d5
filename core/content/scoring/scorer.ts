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
  /** Texts per model call; larger batches are faster up to memory. Default 32. */
  batchSize?: number;
}): ContentScorer {
  const { model, combiner } = deps;
  const batchSize = deps.batchSize ?? 32;
  return {
    modelId: model.id,
    async score(inputs) {
      const out: ScoredContent[] = [];
      for (let start = 0; start < inputs.length; start += batchSize) {
        const batch = inputs.slice(start, start + batchSize);
        const bodies = batch.map((input) => bodyText(input.html));
        const texts = batch.map((input, i) => qualityText(input, bodies[i]));
        const analysed = canAnalyze(model)
          ? await model.analyze(texts)
          : await Promise.all([model.embed(texts), model.signals(texts)]).then(([embeddings, signals]) =>
              embeddings.map((embedding, i) => ({ embedding, signals: signals[i] as ContentSignals })),
            );
        batch.forEach((input, i) => {
          const { embedding, signals } = analysed[i] as (typeof analysed)[number];
          const features = combiner ? structureFeatures(input, bodies[i]) : null;
          const quality = combiner && features ? combiner.combine(signals.quality, features) : signals.quality;
          out.push({
            quality,
            textQuality: signals.quality,
            qualityFactors:
              combiner?.factors && features ? combiner.factors(signals.quality, features).slice(0, 3) : [],
            features,
            sentiment: signals.sentiment,
            topics: signals.topics,
            embedding,
          });
        });
      }
      return out;
    },
  };
}
