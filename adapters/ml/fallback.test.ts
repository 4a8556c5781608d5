import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContentScorer } from '../../core/content/scoring/scorer.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { seededRandom } from '../../core/ports/random.ts';
import { type CohortContentModel, createContentModel, SHIPPED_MODEL, SHIPPED_MODELS_DIR } from './index.ts';

const { onnx } = onnxProto;

/**
 * A model shaped like a hub encoder: `last_hidden_state` only, no cohort heads, no cohort config block.
 * It goes through the same loader; signals fall back to prototypes and quality to the structure-only combiner.
 */
function writePlainEncoder(dir: string, vocabSize: number, dims: number): void {
  const random = seededRandom(11);
  const table = Float32Array.from({ length: vocabSize * dims }, () => random() - 0.5);
  const F = onnx.TensorProto.DataType.FLOAT;
  const I64 = onnx.TensorProto.DataType.INT64;
  const A = onnx.AttributeProto.AttributeType;
  const vi = (name: string, elemType: number, dims: (number | string)[]) => ({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  });
  const bytes = onnx.ModelProto.encode({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'plain',
      node: [
        {
          opType: 'Gather',
          input: ['table', 'input_ids'],
          output: ['tok'],
          attribute: [{ name: 'axis', type: A.INT, i: 0 }],
        },
        {
          opType: 'Cast',
          input: ['attention_mask'],
          output: ['maskf'],
          attribute: [{ name: 'to', type: A.INT, i: F }],
        },
        { opType: 'Unsqueeze', input: ['maskf', 'ax'], output: ['mask3'] },
        { opType: 'Mul', input: ['tok', 'mask3'], output: ['last_hidden_state'] },
      ],
      initializer: [
        { name: 'table', dims: [vocabSize, dims], dataType: F, rawData: new Uint8Array(table.buffer) },
        { name: 'ax', dims: [1], dataType: I64, rawData: new Uint8Array(BigInt64Array.from([-1n]).buffer) },
      ],
      input: [vi('input_ids', I64, ['batch', 'seq']), vi('attention_mask', I64, ['batch', 'seq'])],
      output: [vi('last_hidden_state', F, ['batch', 'seq', dims])],
    },
  } as never).finish();
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  writeFileSync(path.join(dir, 'onnx', 'model.onnx'), bytes);
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: dims }));
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) {
    copyFileSync(path.join(SHIPPED_MODELS_DIR, SHIPPED_MODEL, file), path.join(dir, file));
  }
}

describe('a model with embeddings but no heads (the hub-model path)', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cohort-plain-encoder-'));
  const dir = path.join(root, 'plain-encoder');
  let model: CohortContentModel;
  beforeAll(async () => {
    const config = JSON.parse(readFileSync(path.join(SHIPPED_MODELS_DIR, SHIPPED_MODEL, 'config.json'), 'utf8')) as {
      vocab_size: number;
    };
    writePlainEncoder(dir, config.vocab_size, 16);
    model = await createContentModel({ name: 'plain-encoder', localDir: root, allowRemote: false, log: silentLogger });
  });
  afterAll(async () => {
    await model.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('loads through the same loader and mean-pools normalised embeddings', async () => {
    expect(model.id).toBe('plain-encoder');
    expect(model.hasHeads).toBe(false);
    expect(model.dimensions).toBe(16);
    const [a, b] = await model.embed(['quantum circuits', 'quantum circuits']);
    const norm = Math.hypot(...(a as Float32Array));
    expect(norm).toBeCloseTo(1, 5);
    expect(Array.from(a as Float32Array)).toEqual(Array.from(b as Float32Array));
  });

  it('gives bounded fallback signals and scores quality with the structure-only combiner', async () => {
    const [signals] = await model.signals(['A course review']);
    expect(signals?.quality).toBe(0.5);
    expect(Math.abs(signals?.sentiment as number)).toBeLessThanOrEqual(1);
    expect(model.qualityCombiner?.usesText).toBe(false);
    const scorer = createContentScorer({ model, combiner: model.qualityCombiner });
    const [rich, bare] = await scorer.score([
      {
        kind: 'answer',
        replyDelayHours: 1,
        html: `<p>${'A careful explanation with an example. '.repeat(20)}</p><pre><code>qc.h(0)\nqc.cx(0, 1)</code></pre><p>See <a href="https://example.org">the notes</a>.</p>`,
      },
      { kind: 'answer', replyDelayHours: 300, html: 'no' },
    ]);
    expect(rich?.quality).toBeGreaterThan(bare?.quality as number);
  });
});
