/** Content scoring: what the digest and explanations call. See scorer.ts for the flow. */
export {
  createQualityCombiner,
  parseQualityCombinerSpec,
  type QualityCombiner,
  type QualityCombinerSpec,
  type QualityFactor,
} from './quality-combiner.ts';
export { type AuthorHistory, bodyText, type QualityInput, qualityText } from './quality-input.ts';
export { type ContentAnalyzer, type ContentScorer, createContentScorer, type ScoredContent } from './scorer.ts';
export { STRUCTURE_FEATURES, type StructureFeature, structureFeatures } from './structure-features.ts';
