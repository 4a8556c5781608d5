import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { QualityCombiner } from '../../core/content/scoring/quality-combiner.ts';
import type { ContentAnalyzer } from '../../core/content/scoring/scorer.ts';
import type { ContentSignals } from '../../core/ports/content-model.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { ModelUnavailableError } from './errors.ts';
import { readCombiner } from './model-files.ts';
import { type ModelSource, resolveModelSource, SHIPPED_MODEL, SHIPPED_MODELS_DIR } from './model-source.ts';
import { createOnnxEncoder, type EncoderOutput, type EncoderOutputs, type OnnxEncoder } from './onnx-encoder.ts';
import { createPrototypeHeads } from './prototype-heads.ts';
import type { LoadOptions } from './runtime.ts';
import { TOPICS } from './topics.ts';
import { readWordPieceTokenizer } from './wordpiece-tokenizer.ts';

/**
 * ContentModel on onnxruntime. Any BERT-shaped encoder loads through the same code: the shipped cohort-mini
 * (which also has quality, sentiment and topic heads in its graph) or a hub model such as
 * `Xenova/multilingual-e5-small` (embeddings only; its signals then come from prototype-heads.ts and its quality
 * from the structure-only combiner that ships with cohort-mini).
 * A local model with a BERT WordPiece tokenizer (the shipped one) runs on the fast path: our own tokenizer, which
 * gives transformers.js's ids (wordpiece-tokenizer.test.ts), and an InferenceSession called directly, so
 * transformers.js is never imported. Anything else (a hub id, another tokenizer) goes through transformers.js.
 */
export interface CreateContentModelOptions extends Partial<Omit<LoadOptions, 'allowRemote'>> {
  /** Hub id, folder name under localDir, or a path. Default `cohort-mini`. */
  name: string;
  allowRemote: boolean;
  log: Logger;
  /** Texts per forward pass at most; default 32. */
  batchSize?: number;
  /** `transformers`: always the transformers.js path (tests compare the two paths); default: fast when it can. */
  runtime?: 'auto' | 'transformers';
}

export interface CohortContentModel extends ContentAnalyzer {
  /** The quality combiner that belongs with this model (see core/content/scoring/quality-combiner.ts). */
  readonly qualityCombiner: QualityCombiner | null;
  /** Whether quality/sentiment/topics come from trained heads (true) or from the documented fallback. */
  readonly hasHeads: boolean;
  dispose(): Promise<void>;
}

/** The `cohort` block of a model's config.json (written by scripts/model/build.ts); absent in hub models. */
const cohortConfigSchema = z
  .object({
    name: z.string(),
    version: z.number().int(),
    topics: z.array(z.string()).min(1),
    topicScale: z.number().positive(),
    topicThreshold: z.number().min(0).max(1),
    maxLength: z.number().int().positive(),
  })
  .partial();

const HEAD_OUTPUTS = ['sentence_embedding', 'quality_logits', 'sentiment_logits', 'topic_scores'];
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
/** Padded tokens per batch at most: 32 texts of 256 tokens; longer texts go in smaller batches. */
const TOKENS_PER_BATCH = 32 * 256;

const configMaxLength = (config: Record<string, unknown>): number => {
  const parsed = cohortConfigSchema.safeParse(config.cohort ?? {});
  return (parsed.success ? parsed.data.maxLength : undefined) ?? 512;
};

interface OpenedEncoder {
  encoder: OnnxEncoder;
  config: Record<string, unknown>;
  /** `fast` (own tokenizer + InferenceSession) or `transformers.js`, for the load log line. */
  runtime: string;
}

async function openEncoder(source: ModelSource, options: CreateContentModelOptions): Promise<OpenedEncoder> {
  const batchSize = options.batchSize ?? 32;
  const modelFile = path.join(source.ref, 'onnx', 'model.onnx');
  const tokenizer =
    source.local && options.runtime !== 'transformers' && existsSync(modelFile)
      ? readWordPieceTokenizer(source.ref)
      : null;
  if (tokenizer) {
    let config: Record<string, unknown>;
    try {
      config = z
        .record(z.string(), z.unknown())
        .parse(JSON.parse(readFileSync(path.join(source.ref, 'config.json'), 'utf8')));
    } catch (error) {
      throw new ModelUnavailableError(
        'MODEL_INVALID',
        `model "${source.name}" has an unreadable config.json: ${String(error)}`,
        source.name,
        { cause: error },
      );
    }
    try {
      const encoder = await createOnnxEncoder({
        modelFile,
        tokenizer,
        maxLength: configMaxLength(config),
        plan: { batchSize, tokenBudget: Math.max(TOKENS_PER_BATCH, batchSize) },
        ...(options.threads ? { threads: options.threads } : {}),
      });
      return { encoder, config, runtime: 'fast' };
    } catch (error) {
      throw new ModelUnavailableError(
        'MODEL_INVALID',
        `could not load model "${source.name}" from ${source.ref}: ${String(error).split('\n')[0]}`,
        source.name,
        { cause: error },
      );
    }
  }
  const { createTransformersEncoder } = await import('./transformers-encoder.ts');
  const encoder = await createTransformersEncoder({ ...options, maxLength: configMaxLength, batchSize });
  return { encoder, config: encoder.loaded.config, runtime: 'transformers.js' };
}

export async function createContentModel(options: CreateContentModelOptions): Promise<CohortContentModel> {
  const log = options.log.child({ module: 'adapter:ml' });
  const started = Date.now();
  const source = resolveModelSource({ ...options, name: options.name || SHIPPED_MODEL });
  const { encoder, config, runtime } = await openEncoder(source, options);
  const loaded = { source, config, outputNames: encoder.outputNames };
  const parsedCohort = cohortConfigSchema.safeParse(loaded.config.cohort ?? {});
  if (!parsedCohort.success) {
    throw new ModelUnavailableError(
      'MODEL_INVALID',
      `model "${loaded.source.name}" has an invalid cohort block in config.json: ${parsedCohort.error.message}`,
      loaded.source.name,
    );
  }
  const cohort = parsedCohort.data;
  const hasHeads = HEAD_OUTPUTS.every((o) => loaded.outputNames.includes(o));
  if (!hasHeads && !loaded.outputNames.includes('last_hidden_state')) {
    throw new ModelUnavailableError(
      'MODEL_INVALID',
      `model "${loaded.source.name}" has neither cohort heads nor last_hidden_state (outputs: ${loaded.outputNames.join(', ')})`,
      loaded.source.name,
    );
  }
  const dimensions = Number(loaded.config.hidden_size);
  const topics = hasHeads ? (cohort?.topics ?? [...TOPICS]) : [...TOPICS];
  const topicScale = cohort?.topicScale ?? 1.5;
  const topicThreshold = cohort?.topicThreshold ?? 0.2;
  const id = cohort?.name && cohort.version ? `${cohort.name}@${cohort.version}` : loaded.source.name;
  // A hub model gets the structure-only combiner shipped with cohort-mini: its text has no trained quality head.
  const combinerFolder =
    hasHeads && loaded.source.local ? loaded.source.ref : path.join(SHIPPED_MODELS_DIR, SHIPPED_MODEL);
  const qualityCombiner = readCombiner(combinerFolder, hasHeads, log);

  type Row = { embedding: Float32Array; signals: ContentSignals | null };
  const forward = async (texts: readonly string[]): Promise<Row[]> => {
    const rows: Row[] = new Array(texts.length);
    if (texts.length === 0) return rows;
    try {
      await encoder.run(texts, (indices, outputs) => {
        const embeddings = hasHeads
          ? (outputs.sentence_embedding as EncoderOutput)
          : meanPool(outputs.last_hidden_state as EncoderOutput, outputs.attention_mask as EncoderOutput);
        const D = embeddings.dims[1] as number;
        const data = embeddings.data;
        indices.forEach((original, b) => {
          rows[original] = {
            embedding: data.slice(b * D, (b + 1) * D),
            signals: hasHeads ? headSignals(outputs, b) : null,
          };
        });
      });
    } catch (error) {
      throw new ModelUnavailableError('MODEL_RUN_FAILED', `model "${id}" failed on a batch: ${String(error)}`, id, {
        cause: error,
      });
    }
    return rows;
  };

  const headSignals = (outputs: EncoderOutputs, b: number): ContentSignals => {
    const q = (outputs.quality_logits as EncoderOutput).data;
    const s = (outputs.sentiment_logits as EncoderOutput).data;
    const t = outputs.topic_scores as EncoderOutput;
    const T = t.dims[1] as number;
    const td = t.data;
    const found: ContentSignals['topics'] = [];
    for (let k = 0; k < T; k++) {
      const weight = Math.min(1, (td[b * T + k] as number) * topicScale);
      if (weight >= topicThreshold) found.push({ topic: topics[k] ?? `topic-${k}`, weight });
    }
    found.sort((x, y) => y.weight - x.weight);
    return {
      quality: sigmoid(q[b] as number),
      // softmax over [negative, positive] → P(positive), mapped to [-1, 1]
      sentiment: 2 * sigmoid((s[b * 2 + 1] as number) - (s[b * 2] as number)) - 1,
      topics: found.slice(0, 3),
    };
  };

  const prototypes = hasHeads
    ? null
    : await createPrototypeHeads(async (texts) => (await forward(texts)).map((r) => r.embedding));
  const analyze = async (texts: readonly string[]) => {
    const rows = await forward(texts);
    return rows.map((r) => ({
      embedding: r.embedding,
      signals: r.signals ?? (prototypes as NonNullable<typeof prototypes>).signals(r.embedding),
    }));
  };
  const model: CohortContentModel = {
    id,
    dimensions: Number.isFinite(dimensions) ? dimensions : 0,
    hasHeads,
    qualityCombiner,
    async embed(texts) {
      return (await forward(texts)).map((r) => r.embedding);
    },
    async signals(texts) {
      return (await analyze(texts)).map((r) => r.signals);
    },
    analyze,
    async dispose() {
      await encoder.dispose();
    },
  };
  if (!Number.isFinite(dimensions) || dimensions <= 0) {
    const [probe] = await model.embed(['dimension probe']);
    (model as { dimensions: number }).dimensions = probe?.length ?? 0;
  }
  log.info(
    { model: id, source: loaded.source.local ? loaded.source.ref : 'hub', runtime, hasHeads, ms: Date.now() - started },
    'content model loaded',
  );
  return model;
}

/** Mean of token vectors over the attention mask, L2-normalised: the usual sentence-transformers pooling. */
function meanPool(hidden: EncoderOutput, mask: EncoderOutput): EncoderOutput {
  const [B, S, D] = hidden.dims as [number, number, number];
  const h = hidden.data;
  const m = mask.data;
  const out = new Float32Array(B * D);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < S; s++) {
      if (m[b * S + s] === 0) continue;
      for (let d = 0; d < D; d++) out[b * D + d] = (out[b * D + d] as number) + (h[(b * S + s) * D + d] as number);
    }
    let norm = 0;
    for (let d = 0; d < D; d++) norm += (out[b * D + d] as number) ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < D; d++) out[b * D + d] = (out[b * D + d] as number) / norm;
  }
  return { data: out, dims: [B, D] };
}
