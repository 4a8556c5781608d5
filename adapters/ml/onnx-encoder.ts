import { endianness } from 'node:os';
import type { InferenceSession } from 'onnxruntime-node';
import type { WordPieceTokenizer } from './wordpiece-tokenizer.ts';

/**
 * The shipped model's forward pass on onnxruntime directly: the fast WordPiece tokenizer's ids go into int64
 * tensors built in place, the InferenceSession runs them, and nothing else sits between (transformers.js adds
 * tensor wrappers, an input check and BigInt conversions per token, which cost more than this small graph's run).
 * A whole call is tokenized first, sorted by token count and cut into buckets, so each batch pads only to the
 * longest of texts of nearly the same length; results go back in input order.
 */
export interface EncoderOutput {
  data: Float32Array;
  dims: readonly number[];
}
export type EncoderOutputs = Record<string, EncoderOutput>;

/** One batch: which inputs it holds (positions in the call) and its tensors' contents. */
export interface PlannedBatch {
  indices: number[];
  /** Padded length of every row. */
  length: number;
  /** Each row's real token count. */
  rowLengths: number[];
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
}

export interface BatchPlan {
  /** Rows per batch at most. */
  batchSize: number;
  /** Padded tokens per batch at most (long texts get smaller batches, so one batch's memory stays bounded). */
  tokenBudget: number;
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** Writes small non-negative ints into a BigInt64Array without a BigInt per element (on little-endian machines). */
function writeInt64(target: BigInt64Array, offset: number, values: ArrayLike<number>): void {
  if (LITTLE_ENDIAN) {
    const words = new Int32Array(target.buffer, target.byteOffset, target.length * 2);
    for (let i = 0; i < values.length; i++) words[(offset + i) * 2] = values[i] as number;
  } else for (let i = 0; i < values.length; i++) target[offset + i] = BigInt(values[i] as number);
}

/** Tokenizes a whole call and cuts it into length-sorted buckets (see BatchPlan). */
export function planBatches(
  tokenizer: WordPieceTokenizer,
  texts: readonly string[],
  maxLength: number,
  plan: BatchPlan,
): PlannedBatch[] {
  const encoded = texts.map((text) => tokenizer.encode(text, maxLength));
  const order = encoded.map((_, i) => i).sort((a, b) => (encoded[a]?.length ?? 0) - (encoded[b]?.length ?? 0) || a - b);
  const groups: number[][] = [];
  let current: number[] = [];
  for (const i of order) {
    // Sorted ascending, so this text is the longest in the batch it would join.
    const length = (encoded[i] as Int32Array).length;
    if (current.length > 0 && (current.length >= plan.batchSize || (current.length + 1) * length > plan.tokenBudget)) {
      groups.push(current);
      current = [];
    }
    current.push(i);
  }
  if (current.length > 0) groups.push(current);
  return groups.map((indices) => {
    const length = Math.max(...indices.map((i) => (encoded[i] as Int32Array).length));
    const inputIds = new BigInt64Array(indices.length * length);
    const attentionMask = new BigInt64Array(indices.length * length);
    const ones = new Int32Array(length).fill(1);
    indices.forEach((i, row) => {
      const ids = encoded[i] as Int32Array;
      writeInt64(inputIds, row * length, ids);
      writeInt64(attentionMask, row * length, ones.subarray(0, ids.length));
      if (tokenizer.padId !== 0)
        writeInt64(inputIds, row * length + ids.length, new Int32Array(length - ids.length).fill(tokenizer.padId));
    });
    const rowLengths = indices.map((i) => (encoded[i] as Int32Array).length);
    return { indices, length, rowLengths, inputIds, attentionMask };
  });
}

export interface OnnxEncoder {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /**
   * Runs a call's texts and hands each batch's outputs over with the inputs' positions. Every output is fetched:
   * onnxruntime-node 1.21 labels a subset asked for by name with the names of the graph's first outputs.
   */
  run(texts: readonly string[], each: (indices: readonly number[], outputs: EncoderOutputs) => void): Promise<void>;
  dispose(): Promise<void>;
}

export async function createOnnxEncoder(options: {
  modelFile: string;
  tokenizer: WordPieceTokenizer;
  maxLength: number;
  plan: BatchPlan;
  threads?: number;
}): Promise<OnnxEncoder> {
  // onnxruntime (a native addon, tens of MiB) loads only when a model is first needed.
  const ort = await import('onnxruntime-node');
  const session: InferenceSession = await ort.InferenceSession.create(options.modelFile, {
    executionProviders: ['cpu'],
    ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
  });
  const needsTypes = session.inputNames.includes('token_type_ids');
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(texts, each) {
      for (const batch of planBatches(options.tokenizer, texts, options.maxLength, options.plan)) {
        const dims = [batch.indices.length, batch.length];
        const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
          input_ids: new ort.Tensor('int64', batch.inputIds, dims),
          attention_mask: new ort.Tensor('int64', batch.attentionMask, dims),
        };
        if (needsTypes) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(batch.inputIds.length), dims);
        const results = await session.run(feeds);
        const outputs: EncoderOutputs = {};
        for (const [name, tensor] of Object.entries(results))
          outputs[name] = { data: tensor.data as Float32Array, dims: tensor.dims };
        const mask = new Float32Array(batch.inputIds.length);
        batch.rowLengths.forEach((n, row) => {
          mask.fill(1, row * batch.length, row * batch.length + n);
        });
        outputs.attention_mask = { data: mask, dims };
        each(batch.indices, outputs);
      }
    },
    async dispose() {
      await session.release();
    },
  };
}
