/**
 * Content scoring throughput through the real shipped model (tokenizer + onnxruntime, batched), and memory with
 * the model loaded. Texts are generated from a seeded mix of English and Chinese words at feed-item lengths
 * (a title and 20–250 words), so the figure does not depend on data outside the repository.
 */
import { createContentModel } from '../adapters/ml/index.ts';
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

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function run(report: BenchReport): Promise<void> {
  const before = process.memoryUsage();
  const loadStart = performance.now();
  const model = await createContentModel({ name: 'cohort-mini', allowRemote: false, log: silentLogger });
  report({ name: 'model load', value: performance.now() - loadStart, unit: 'ms' });
  const loaded = process.memoryUsage();
  report({
    name: 'rss with model loaded',
    value: loaded.rss / 2 ** 20,
    unit: 'MiB',
    note: `+${((loaded.rss - before.rss) / 2 ** 20).toFixed(0)} MiB for the model`,
  });
  report({ name: 'heap used with model loaded', value: loaded.heapUsed / 2 ** 20, unit: 'MiB' });

  const items = texts(1000, 7);
  await model.analyze(items.slice(0, 64)); // warm-up: onnxruntime allocates on first runs
  const rates: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    await model.analyze(items);
    rates.push(items.length / ((performance.now() - t) / 1000));
  }
  report({
    name: 'items scored (embedding + signals), batch 32',
    value: median(rates),
    unit: 'items/s',
    target: '≥ 200',
    note: `${items.length} items, mean ${Math.round(items.reduce((s, x) => s + x.length, 0) / items.length)} chars, median of 3`,
  });

  const scorer = createContentScorer({ model, combiner: model.qualityCombiner });
  const inputs = items.map((text, i) => ({
    kind: 'article' as const,
    title: `Item ${i}`,
    html: `<p>${text}</p><pre><code>x = 1</code></pre>`,
    tags: ['news'],
  }));
  const t = performance.now();
  await scorer.score(inputs);
  report({
    name: 'items through the full scorer (HTML → text, features, model, combiner)',
    value: inputs.length / ((performance.now() - t) / 1000),
    unit: 'items/s',
    target: '≥ 200',
  });
  const after = process.memoryUsage();
  report({ name: 'peak rss after scoring', value: after.rss / 2 ** 20, unit: 'MiB' });
  await model.dispose();
}
