import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  createQualityCombiner,
  parseQualityCombinerSpec,
  type QualityCombiner,
} from '../../core/content/scoring/quality-combiner.ts';
import type { Logger } from '../../core/ports/logger.ts';

/** Files beside a model's weights, read without loading the runtime (transformers.js, onnxruntime). */

export function readCombiner(folder: string, usesText: boolean, log: Logger): QualityCombiner | null {
  const file = path.join(folder, 'quality_combiner.json');
  try {
    return createQualityCombiner(parseQualityCombinerSpec(JSON.parse(readFileSync(file, 'utf8'))), usesText);
  } catch (error) {
    log.warn({ file, err: String(error) }, 'no usable quality combiner; quality is the model signal alone');
    return null;
  }
}
