import { type CohortContentModel, createContentModel } from '../../../adapters/ml/index.ts';
import { type ContentScorer, createContentScorer } from '../../../core/content/scoring/scorer.ts';
import { silentLogger } from '../../../core/ports/logger.ts';

/**
 * The model the project ships (models/cohort-mini), loaded through the same code path as production, once per
 * test process. Content tests score with it wherever the signals matter.
 */
let loading: Promise<CohortContentModel> | null = null;

export function shippedModel(): Promise<CohortContentModel> {
  loading ??= createContentModel({ name: 'cohort-mini', allowRemote: false, log: silentLogger });
  return loading;
}

export async function shippedScorer(): Promise<ContentScorer> {
  const model = await shippedModel();
  return createContentScorer({ model, combiner: model.qualityCombiner });
}
