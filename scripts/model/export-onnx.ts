import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * Writes cohort-mini as one ONNX graph that transformers.js runs like any BERT-shaped encoder:
 * inputs `input_ids`, `attention_mask`; outputs
 * - `last_hidden_state` [b, s, D]: per-token vectors (so generic feature-extraction mean pooling works too),
 * - `sentence_embedding` [b, D]: masked sum of token vectors, L2-normalised,
 * - `quality_logits` [b, 1]: token quality weights averaged + length + a linear read of the embedding,
 * - `sentiment_logits` [b, 2]: [negative, positive], from summed token sentiment weights, divided by
 *   √(n / SENTIMENT_FREE_LENGTH) once a text is longer than that (a review sentence counts every cue; a long
 *   article does not saturate), times a subjectivity gate σ(summed token subjectivity weights, same scaling):
 *   plain questions and statements read neutral even when their words lean one way in review data,
 * - `topic_scores` [b, T]: token topic weights over √n.
 * The token table is float16 (half the bytes); it is gathered first and cast after, which is cheap.
 */
/** Tokens up to which sentiment cues simply add up; see sentimentScale. */
export const SENTIMENT_FREE_LENGTH = 24;
/** The divisor the graph applies to summed sentiment weights; the trainer uses the same. */
export const sentimentScale = (tokens: number): number => Math.sqrt(Math.max(1, tokens / SENTIMENT_FREE_LENGTH));

export interface MiniWeights {
  vocabSize: number;
  dimensions: number;
  topics: number;
  /**
   * Row-major [vocabSize, dimensions + 3 + topics]: embedding, quality weight, sentiment weight, subjectivity
   * weight, topic weights.
   */
  table: Float32Array;
  qualityEmbedding: Float32Array;
  qualityLength: number;
  qualityBias: number;
  sentimentBias: number;
  subjectivityBias: number;
}

function toHalf(value: number): number {
  const f = new Float32Array([value]);
  const x = new Uint32Array(f.buffer)[0] as number;
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (exp <= 0) {
    if (exp < -10) return sign;
    const sub = (mant | 0x800000) >> (1 - exp);
    return sign | ((sub + 0x1000) >> 13);
  }
  if (exp >= 31) return sign | 0x7c00;
  // Rounding may carry into the exponent, which still encodes the right value.
  return sign | ((exp << 10) + ((mant + 0x1000) >> 13));
}

/** What the graph will compute from a float16 table: used by the trainer so training sees the shipped weights. */
export function roundToHalf(values: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = fromHalf(toHalf(values[i] as number));
  return out;
}
function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (mant / 1024);
  if (exp === 31) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + mant / 1024);
}

export function exportMiniOnnx(w: MiniWeights): Uint8Array {
  const F = onnx.TensorProto.DataType.FLOAT;
  const F16 = onnx.TensorProto.DataType.FLOAT16;
  const I64 = onnx.TensorProto.DataType.INT64;
  const A = onnx.AttributeProto.AttributeType;
  const K = w.dimensions + 3 + w.topics;
  const D = w.dimensions;
  const bytes = (arr: ArrayBufferView) =>
    new Uint8Array(arr.buffer.slice(arr.byteOffset, arr.byteOffset + arr.byteLength));
  const tensor = (name: string, dims: number[], dataType: number, arr: ArrayBufferView) => ({
    name,
    dims,
    dataType,
    rawData: bytes(arr),
  });
  const i64 = (name: string, values: number[]) =>
    tensor(name, [values.length], I64, BigInt64Array.from(values.map((v) => BigInt(v))));
  const f32 = (name: string, dims: number[], values: ArrayLike<number>) =>
    tensor(name, dims, F, Float32Array.from(values));
  const vi = (name: string, elemType: number, dims: (number | string)[]) => ({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  });
  const half = new Uint16Array(w.table.length);
  for (let i = 0; i < w.table.length; i++) half[i] = toHalf(w.table[i] as number);
  const node = (opType: string, input: string[], output: string[], attribute: object[] = []) => ({
    opType,
    input,
    output,
    attribute,
  });
  const int = (name: string, i: number) => ({ name, type: A.INT, i });
  const ints = (name: string, values: number[]) => ({ name, type: A.INTS, ints: values });

  const nodes = [
    node('Gather', ['table', 'input_ids'], ['tok16'], [int('axis', 0)]),
    node('Cast', ['tok16'], ['tok_raw'], [int('to', F)]),
    node('Cast', ['attention_mask'], ['maskf'], [int('to', F)]),
    node('Unsqueeze', ['maskf', 'ax_last'], ['mask3']),
    node('Mul', ['tok_raw', 'mask3'], ['tok']),
    node('ReduceSum', ['tok', 'ax1'], ['pooled'], [int('keepdims', 0)]),
    node('ReduceSum', ['maskf', 'ax1'], ['n'], [int('keepdims', 1)]),
    node('Slice', ['tok', 'zero', 'dim_end', 'ax2'], ['last_hidden_state']),
    node('Slice', ['pooled', 'zero', 'dim_end', 'ax1'], ['emb_sum']),
    node('ReduceL2', ['emb_sum'], ['emb_norm'], [ints('axes', [1]), int('keepdims', 1)]),
    node('Max', ['emb_norm', 'eps'], ['emb_norm_safe']),
    node('Div', ['emb_sum', 'emb_norm_safe'], ['sentence_embedding']),
    node('Sqrt', ['n'], ['sqrt_n']),
    node('Log', ['n'], ['log_n']),
    // quality
    node('Slice', ['pooled', 'q_start', 'q_end', 'ax1'], ['q_sum']),
    node('Div', ['q_sum', 'n'], ['q_tokens']),
    node('Mul', ['log_n', 'q_len_w'], ['q_len']),
    node('MatMul', ['sentence_embedding', 'q_emb_w'], ['q_emb']),
    node('Add', ['q_tokens', 'q_len'], ['q_a']),
    node('Add', ['q_a', 'q_emb'], ['q_b']),
    node('Add', ['q_b', 'q_bias'], ['quality_logits']),
    // sentiment: logits [-s/2, s/2] so softmax gives sigmoid(s) for positive
    node('Slice', ['pooled', 's_start', 's_end', 'ax1'], ['s_sum']),
    node('Div', ['n', 's_len0'], ['s_len_ratio']),
    node('Max', ['s_len_ratio', 'one'], ['s_len_floor']),
    node('Sqrt', ['s_len_floor'], ['s_len_div']),
    node('Div', ['s_sum', 's_len_div'], ['s_tokens']),
    node('Add', ['s_tokens', 's_bias'], ['s_raw']),
    // subjectivity gate: polarity counts only as far as the text reads as an opinion at all
    node('Slice', ['pooled', 'g_start', 'g_end', 'ax1'], ['g_sum']),
    node('Div', ['g_sum', 's_len_div'], ['g_tokens']),
    node('Add', ['g_tokens', 'g_bias'], ['g_logit']),
    node('Sigmoid', ['g_logit'], ['g_prob']),
    node('Mul', ['s_raw', 'g_prob'], ['s_logit']),
    node('Mul', ['s_logit', 'half_pos'], ['s_pos']),
    node('Mul', ['s_logit', 'half_neg'], ['s_neg']),
    node('Concat', ['s_neg', 's_pos'], ['sentiment_logits'], [int('axis', 1)]),
    // topics
    node('Slice', ['pooled', 't_start', 't_end', 'ax1'], ['t_sum']),
    node('Div', ['t_sum', 'sqrt_n'], ['topic_scores']),
  ];
  const initializer = [
    tensor('table', [w.vocabSize, K], F16, half),
    i64('ax_last', [-1]),
    i64('ax1', [1]),
    i64('ax2', [2]),
    i64('zero', [0]),
    i64('dim_end', [D]),
    i64('q_start', [D]),
    i64('q_end', [D + 1]),
    i64('s_start', [D + 1]),
    i64('s_end', [D + 2]),
    i64('g_start', [D + 2]),
    i64('g_end', [D + 3]),
    i64('t_start', [D + 3]),
    i64('t_end', [K]),
    f32('eps', [1], [1e-12]),
    f32('q_len_w', [1], [w.qualityLength]),
    f32('q_emb_w', [D, 1], w.qualityEmbedding),
    f32('q_bias', [1], [w.qualityBias]),
    f32('s_bias', [1], [w.sentimentBias]),
    f32('g_bias', [1], [w.subjectivityBias]),
    f32('s_len0', [1], [SENTIMENT_FREE_LENGTH]),
    f32('one', [1], [1]),
    f32('half_pos', [1], [0.5]),
    f32('half_neg', [1], [-0.5]),
  ];
  return onnx.ModelProto.encode({
    irVersion: 7,
    producerName: 'cohort scripts/model',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'cohort-mini',
      node: nodes,
      initializer,
      input: [vi('input_ids', I64, ['batch', 'seq']), vi('attention_mask', I64, ['batch', 'seq'])],
      output: [
        vi('last_hidden_state', F, ['batch', 'seq', D]),
        vi('sentence_embedding', F, ['batch', D]),
        vi('quality_logits', F, ['batch', 1]),
        vi('sentiment_logits', F, ['batch', 2]),
        vi('topic_scores', F, ['batch', w.topics]),
      ],
    },
  } as never).finish();
}
