/**
 * Content scoring throughput through the real shipped model (tokenizer + onnxruntime, batched), beside a bare
 * onnxruntime InferenceSession on the same model and batches in the same process, with the ratios; and memory with
 * the model loaded. Texts are generated from a seeded mix of English and Chinese words at feed-item lengths
 * (a title and 20–250 words), so the figure does not depend on data outside the repository.
 */
import path from 'node:path';
import { createContentModel, SHIPPED_MODEL, SHIPPED_MODELS_DIR } from '../adapters/ml/index.ts';
import { planBatches } from '../adapters/ml/onnx-encoder.ts';
import { readWordPieceTokenizer } from '../adapters/ml/wordpiece-tokenizer.ts';
import { bodyText, qualityText } from '../core/content/scoring/quality-input.ts';
import { createContentScorer } from '../core/content/scoring/scorer.ts';
import { silentLogger } from '../core/ports/logger.ts';
import { seededRandom } from '../core/ports/random.ts';
import type { BenchReport } from './run.ts';

const EN = `the a of to and in is for on with how why course price community members learn quantum qubit circuit
model data python code design market growth health career weekly update guide review excellent terrible question
answer lesson subscription creator video notes paper research team launch event workshop`.split(/\s+/);
const ZH =
  '课程 价格 社区 成员 学习 量子 模型 数据 代码 设计 市场 增长 健康 职业 更新 指南 很好 太差 问题 回答 直播 订阅 的 了 是 我们 今天'.split(
    ' ',
  );

function texts(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const pick = (list: string[]) => list[Math.floor(random() * list.length)] as string;
  return Array.from({ length: count }, (_, i) => {
    const zh = i % 3 === 0;
    const words = 20 + Math.floor(random() * 230);
    const body = Array.from({ length: words }, () => pick(zh ? ZH : EN)).join(zh ? '' : ' ');
    return `${zh ? '本周精选' : 'Weekly pick'} ${i}\n${body}`;
  });
}

const ROUNDS = 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Milliseconds of `task`, run `rounds` times interleaved with the others by the caller. */
async function timed(task: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await task();
  return performance.now() - t;
}

export async function run(report: BenchReport): Promise<void> {
  const before = process.memoryUsage();
  const loadStart = performance.now();
  const model = await createContentModel({ name: SHIPPED_MODEL, allowRemote: false, log: silentLogger });
  report({ name: 'model load (own tokenizer + InferenceSession)', value: performance.now() - loadStart, unit: 'ms' });
  const loaded = process.memoryUsage();
  report({
    name: 'rss with model loaded',
    value: loaded.rss / 2 ** 20,
    unit: 'MiB',
    note: `+${((loaded.rss - before.rss) / 2 ** 20).toFixed(0)} MiB for the model`,
  });
  report({ name: 'heap used with model loaded', value: loaded.heapUsed / 2 ** 20, unit: 'MiB' });

  // The inputs of one scoring call, and the very texts the scorer hands the model for them.
  const items = texts(1000, 7);
  const inputs = items.map((text, i) => ({
    kind: 'article' as const,
    title: `Item ${i}`,
    html: `<p>${text}</p><pre><code>x = 1</code></pre>`,
    tags: ['news'],
  }));
  const modelTexts = inputs.map((input) => qualityText(input, bodyText(input.html)));
  const scorer = createContentScorer({ model, combiner: model.qualityCombiner });

  // The reference: a bare InferenceSession (default options) on the same model, fed the same batches as ready-made
  // tensors, so it times onnxruntime alone.
  const folder = path.join(SHIPPED_MODELS_DIR, SHIPPED_MODEL);
  const tokenizer = readWordPieceTokenizer(folder);
  if (!tokenizer) throw new Error('the shipped tokenizer.json is not WordPiece');
  const ort = await import('onnxruntime-node');
  const bare = await ort.InferenceSession.create(path.join(folder, 'onnx', 'model.onnx'));
  const plan = { batchSize: 32, tokenBudget: 32 * 256 };
  const tokenizeStart = performance.now();
  const batches = planBatches(tokenizer, modelTexts, 512, plan);
  const tokenizeMs = performance.now() - tokenizeStart;
  const feeds = batches.map((b) => ({
    input_ids: new ort.Tensor('int64', b.inputIds, [b.indices.length, b.length]),
    attention_mask: new ort.Tensor('int64', b.attentionMask, [b.indices.length, b.length]),
  }));
  const tokens = batches.reduce((s, b) => s + b.rowLengths.reduce((x, y) => x + y, 0), 0);
  const padded = batches.reduce((s, b) => s + b.indices.length * b.length, 0);
  const bareRun = async () => {
    for (const feed of feeds) await bare.run(feed);
  };

  // Warm-up: onnxruntime allocates on its first runs; the tokenizer's word cache fills as it would in a process.
  await bareRun();
  await model.analyze(modelTexts);
  await scorer.score(inputs.slice(0, 64));
  const bareMs: number[] = [];
  const modelMs: number[] = [];
  const scorerMs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    bareMs.push(await timed(bareRun));
    modelMs.push(await timed(() => model.analyze(modelTexts)));
    scorerMs.push(await timed(() => scorer.score(inputs)));
  }
  const rate = (ms: number) => inputs.length / (ms / 1000);
  const bareRate = rate(median(bareMs));
  const reference = { name: 'bare InferenceSession, same model and batches', value: bareRate, unit: 'items/s' };
  const shape = `${inputs.length} items, mean ${Math.round(modelTexts.reduce((s, x) => s + x.length, 0) / inputs.length)} chars, ${batches.length} batches, ${tokens} tokens padded to ${padded} (${(padded / tokens).toFixed(2)}×); median of ${ROUNDS} interleaved rounds`;
  report({
    name: 'model call (tokenizer + onnxruntime + heads), one call of 1000 texts',
    value: rate(median(modelMs)),
    unit: 'items/s',
    target: '≤ 1.3× the bare session',
    reference,
    ratio: median(modelMs) / median(bareMs),
    note: shape,
  });
  report({
    name: 'items through the full scorer (HTML → text, features, model, combiner)',
    value: rate(median(scorerMs)),
    unit: 'items/s',
    target: '≥ 200 and ≤ 2× the bare session',
    reference,
    ratio: median(scorerMs) / median(bareMs),
  });
  report({
    name: 'tokenizer alone (own WordPiece), the same 1000 texts, first pass (cold word cache)',
    value: tokenizeMs,
    unit: 'ms',
    reference: { name: 'bare InferenceSession on them', value: median(bareMs), unit: 'ms' },
    ratio: tokenizeMs / median(bareMs),
  });

  // The transformers.js path (what any other model runs on, and what this one ran on before): tokenizer and model
  // call through the library, the same texts.
  const viaLibrary = await createContentModel({
    name: SHIPPED_MODEL,
    allowRemote: false,
    log: silentLogger,
    runtime: 'transformers',
  });
  await viaLibrary.analyze(modelTexts.slice(0, 64));
  const libraryMs = await timed(() => viaLibrary.analyze(modelTexts));
  report({
    name: 'model call through transformers.js (tokenizer + model), the same texts, one run',
    value: rate(libraryMs),
    unit: 'items/s',
    reference,
    ratio: libraryMs / median(bareMs),
  });
  await viaLibrary.dispose();
  const after = process.memoryUsage();
  report({ name: 'peak rss after scoring', value: after.rss / 2 ** 20, unit: 'MiB' });
  await bare.release();
  await model.dispose();
}
