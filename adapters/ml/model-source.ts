import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../shared/project-root.ts';
import { ModelUnavailableError } from './errors.ts';

/**
 * Where a model comes from: a folder on disk (the shipped `models/cohort-mini`, or any exported model) or a hub id
 * when the operator allows remote loading. Kept apart from runtime.ts so it can be asked without loading
 * transformers.js.
 */
export const SHIPPED_MODEL = 'cohort-mini';
export const SHIPPED_MODELS_DIR = path.join(projectRoot, 'models');

export interface ModelSource {
  /** What to pass to from_pretrained: an absolute folder, or a hub id. */
  ref: string;
  local: boolean;
  /** A stable display name: the folder's base name or the hub id. */
  name: string;
}

export function resolveModelSource(options: { name: string; localDir?: string; allowRemote: boolean }): ModelSource {
  const { name } = options;
  const looksLikePath = path.isAbsolute(name) || name.startsWith('./') || name.startsWith('../');
  const folder = looksLikePath ? path.resolve(name) : path.resolve(options.localDir ?? SHIPPED_MODELS_DIR, name);
  if (existsSync(path.join(folder, 'config.json'))) {
    return { ref: folder, local: true, name: looksLikePath ? path.basename(folder) : name };
  }
  if (looksLikePath || !options.allowRemote) {
    throw new ModelUnavailableError(
      'MODEL_NOT_FOUND',
      `model "${name}" was not found at ${folder}${options.allowRemote ? '' : ' and remote models are disabled (allowRemote: false)'}`,
      name,
    );
  }
  return { ref: name, local: false, name };
}
