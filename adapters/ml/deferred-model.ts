import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../core/ports/logger.ts';
import type { CohortContentModel, CreateContentModelOptions } from './content-model.ts';
import { ModelUnavailableError } from './errors.ts';
import { readCombiner } from './model-files.ts';
import { resolveModelSource, SHIPPED_MODEL } from './model-source.ts';

/**
 * The content model, loaded on first use instead of at start-up. transformers.js, onnxruntime and the weights cost
 * a third of a second and tens of MiB, and most starts answer someone before anything needs an embedding: `/help`,
 * a tip, a leaderboard. What callers read synchronously (id, dimensions, heads, quality combiner) comes from the
 * model's config.json and quality_combiner.json, which exist for Cohort's own models (the `cohort` block that
 * scripts/model/build.ts writes); any other model (a hub id, an exported encoder without heads) loads at once as
 * before. Missing files are still reported at start; a model that cannot run is reported by the first call.
 */
const cohortBlock = z.object({
  cohort: z.object({ name: z.string(), version: z.number().int() }),
  hidden_size: z.number().int().positive(),
});

export async function createDeferredContentModel(options: CreateContentModelOptions): Promise<CohortContentModel> {
  const log: Logger = options.log.child({ module: 'adapter:ml' });
  const name = options.name || SHIPPED_MODEL;
  const source = resolveModelSource({ ...options, name });
  const meta = source.local ? readCohortConfig(source.ref) : null;
  const eager = async () => (await import('./content-model.ts')).createContentModel({ ...options, name });
  if (!meta) return eager();
  if (!existsSync(path.join(source.ref, 'onnx', 'model.onnx')))
    throw new ModelUnavailableError('MODEL_NOT_FOUND', `model "${name}" has no onnx/model.onnx in ${source.ref}`, name);

  const id = `${meta.cohort.name}@${meta.cohort.version}`;
  let loading: Promise<CohortContentModel> | null = null;
  const loaded = (): Promise<CohortContentModel> => {
    loading ??= eager().then(
      (model) => {
        // Callers were told this model has heads and this id: one that does not must not run under that name.
        if (!model.hasHeads || model.id !== id)
          throw new ModelUnavailableError(
            'MODEL_INVALID',
            `model "${name}" is not what its config.json says (${model.id}, heads: ${model.hasHeads})`,
            name,
          );
        return model;
      },
      (error: unknown) => {
        // The next call tries again (a file fixed in place, a transient failure); this one reports it.
        loading = null;
        log.error({ err: error, model: name }, 'content model could not be loaded');
        throw error;
      },
    );
    return loading;
  };
  return {
    id,
    dimensions: meta.hidden_size,
    hasHeads: true,
    qualityCombiner: readCombiner(source.ref, true, log),
    embed: async (texts) => (await loaded()).embed(texts),
    signals: async (texts) => (await loaded()).signals(texts),
    analyze: async (texts) => (await loaded()).analyze(texts),
    async dispose() {
      const model = await loading?.catch(() => null);
      await model?.dispose();
    },
  };
}

function readCohortConfig(folder: string): z.infer<typeof cohortBlock> | null {
  try {
    const parsed = cohortBlock.safeParse(JSON.parse(readFileSync(path.join(folder, 'config.json'), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
