/** The model runtime: ContentModel on transformers.js (see content-model.ts), and what callers need with it. */
export { type CohortContentModel, type CreateContentModelOptions, createContentModel } from './content-model.ts';
export { createDeferredContentModel } from './deferred-model.ts';
export { ModelUnavailableError } from './errors.ts';
export { resolveModelSource, SHIPPED_MODEL, SHIPPED_MODELS_DIR } from './model-source.ts';
export { TOPIC_DESCRIPTIONS, TOPICS, type Topic } from './topics.ts';
