import {
  AutoConfig,
  AutoModel,
  AutoTokenizer,
  env,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import { ModelUnavailableError } from './errors.ts';
import { type ModelSource, resolveModelSource } from './model-source.ts';

/**
 * Where a model comes from and the one transformers.js code path that loads it: a folder on disk (the shipped
 * `models/cohort-mini`, or any exported model) or a hub id when the operator allows remote loading.
 * transformers.js keeps its settings in a process-wide `env`; loads are serialised so two models with different
 * settings never race on it.
 */
export { type ModelSource, resolveModelSource, SHIPPED_MODEL, SHIPPED_MODELS_DIR } from './model-source.ts';

export interface LoadOptions {
  /** A hub id (`Xenova/multilingual-e5-small`), a model folder name under `localDir`, or a path to a folder. */
  name: string;
  /** Folder holding local models by name. Default: the repository's `models/`. */
  localDir?: string;
  /** May the hub (or `remoteHost`) be contacted. When false, nothing touches the network. */
  allowRemote: boolean;
  /** A hub mirror, e.g. `https://hf-mirror.com/`; default Hugging Face. */
  remoteHost?: string;
  /** Where downloaded models are cached; default transformers.js's cache. */
  cacheDir?: string;
  /** onnxruntime intra-op threads; default: onnxruntime's choice (all cores). */
  threads?: number;
}

export interface LoadedModel {
  source: ModelSource;
  tokenizer: PreTrainedTokenizer;
  model: PreTrainedModel;
  /** The model's config.json as parsed by transformers.js (custom fields kept). */
  config: Record<string, unknown>;
  outputNames: readonly string[];
}

let queue: Promise<unknown> = Promise.resolve();
function serialised<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}

function configureEnv(source: ModelSource, options: LoadOptions): void {
  env.allowLocalModels = true;
  env.allowRemoteModels = !source.local && options.allowRemote;
  if (options.remoteHost)
    env.remoteHost = options.remoteHost.endsWith('/') ? options.remoteHost : `${options.remoteHost}/`;
  if (options.cacheDir) env.cacheDir = options.cacheDir;
}

/** Only the tokenizer: the trainer uses it so training sees exactly the tokens inference sees. */
export function loadTokenizer(options: LoadOptions): Promise<PreTrainedTokenizer> {
  const source = resolveModelSource(options);
  return serialised(async () => {
    configureEnv(source, options);
    try {
      return await AutoTokenizer.from_pretrained(source.ref, {
        local_files_only: source.local || !options.allowRemote,
      });
    } catch (error) {
      throw wrapLoadError(error, source);
    }
  });
}

export function loadModel(options: LoadOptions): Promise<LoadedModel> {
  const source = resolveModelSource(options);
  return serialised(async () => {
    configureEnv(source, options);
    const local_files_only = source.local || !options.allowRemote;
    try {
      const config = await AutoConfig.from_pretrained(source.ref, { local_files_only });
      const tokenizer = await AutoTokenizer.from_pretrained(source.ref, { local_files_only });
      const model = await AutoModel.from_pretrained(source.ref, {
        local_files_only,
        dtype: 'fp32',
        device: 'cpu',
        ...(options.threads ? { session_options: { intraOpNumThreads: options.threads, interOpNumThreads: 1 } } : {}),
      });
      const sessions = (model as unknown as { sessions: Record<string, { outputNames: string[] }> }).sessions;
      const outputNames = sessions.model?.outputNames ?? [];
      return { source, tokenizer, model, config: config as unknown as Record<string, unknown>, outputNames };
    } catch (error) {
      throw wrapLoadError(error, source);
    }
  });
}

function wrapLoadError(error: unknown, source: ModelSource): ModelUnavailableError {
  if (error instanceof ModelUnavailableError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const missing =
    /not found|could not locate|404|fetch failed|ENOTFOUND|ECONNREFUSED|attempted to load a remote file/i.test(message);
  return new ModelUnavailableError(
    missing ? 'MODEL_NOT_FOUND' : 'MODEL_INVALID',
    `could not load model "${source.name}" from ${source.local ? source.ref : 'the hub'}: ${message.split('\n')[0]}`,
    source.name,
    { cause: error },
  );
}
