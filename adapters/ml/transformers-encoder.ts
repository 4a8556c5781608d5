import type { Tensor } from '@huggingface/transformers';
import type { EncoderOutputs, OnnxEncoder } from './onnx-encoder.ts';
import { type LoadedModel, type LoadOptions, loadModel } from './runtime.ts';

/**
 * The forward pass through transformers.js, for any model the fast path does not take (a hub model, a tokenizer
 * other than BERT WordPiece). A whole call is sorted by length and cut into batches of `batchSize`.
 */
export async function createTransformersEncoder(
  options: LoadOptions & { maxLength: (config: Record<string, unknown>) => number; batchSize: number },
): Promise<OnnxEncoder & { loaded: LoadedModel }> {
  const loaded = await loadModel(options);
  const maxLength = options.maxLength(loaded.config);
  return {
    loaded,
    inputNames: [],
    outputNames: loaded.outputNames,
    async run(texts, each) {
      const order = texts.map((t, i) => [t.length, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      for (let start = 0; start < order.length; start += options.batchSize) {
        const indices = order.slice(start, start + options.batchSize).map(([, i]) => i);
        const inputs = loaded.tokenizer(
          indices.map((i) => texts[i] as string),
          { padding: true, truncation: true, max_length: maxLength },
        );
        const results = (await loaded.model(inputs)) as Record<string, Tensor>;
        const outputs: EncoderOutputs = {};
        for (const [name, tensor] of Object.entries(results))
          outputs[name] = { data: tensor.data as Float32Array, dims: tensor.dims };
        const mask = inputs.attention_mask as Tensor;
        outputs.attention_mask = { data: Float32Array.from(mask.data as BigInt64Array, Number), dims: mask.dims };
        each(indices, outputs);
      }
    },
    async dispose() {
      await loaded.model.dispose();
    },
  };
}
