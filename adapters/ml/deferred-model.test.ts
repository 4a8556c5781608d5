import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/ports/logger.ts';
import { createContentModel } from './content-model.ts';
import { createDeferredContentModel } from './deferred-model.ts';
import { ModelUnavailableError } from './errors.ts';
import { SHIPPED_MODEL, SHIPPED_MODELS_DIR } from './model-source.ts';

const shipped = { name: SHIPPED_MODEL, allowRemote: false, log: silentLogger };
const root = mkdtempSync(path.join(os.tmpdir(), 'cohort-deferred-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the shipped model under `name`. */
function copyModel(name: string): void {
  cpSync(path.join(SHIPPED_MODELS_DIR, SHIPPED_MODEL), path.join(root, name), { recursive: true });
}

describe('the content model loaded on first use', () => {
  it('tells what callers read up front from config.json, and then gives what the loaded model gives', async () => {
    const eager = await createContentModel(shipped);
    const deferred = await createDeferredContentModel(shipped);
    try {
      expect({ id: deferred.id, dimensions: deferred.dimensions, hasHeads: deferred.hasHeads }).toEqual({
        id: eager.id,
        dimensions: eager.dimensions,
        hasHeads: true,
      });
      expect(deferred.qualityCombiner).not.toBeNull();
      const texts = ['How we price a cohort course', '如何为训练营课程定价', 'quarterly fund letter'];
      expect(await deferred.embed(texts)).toEqual(await eager.embed(texts));
      expect(await deferred.analyze(texts)).toEqual(await eager.analyze(texts));
    } finally {
      await eager.dispose();
      await deferred.dispose();
    }
  });

  it('still reports missing files at creation', async () => {
    copyModel('no-weights');
    rmSync(path.join(root, 'no-weights', 'onnx'), { recursive: true });
    const error = await createDeferredContentModel({ ...shipped, name: 'no-weights', localDir: root }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as ModelUnavailableError).code).toBe('MODEL_NOT_FOUND');
    const missing = await createDeferredContentModel({ ...shipped, name: 'absent', localDir: root }).catch(
      (e: unknown) => e,
    );
    expect((missing as ModelUnavailableError).code).toBe('MODEL_NOT_FOUND');
  });
});
