/**
 * `npm run bench -- recommend`: the hybrid recommender at scale on synthetic, seeded data.
 * 100k members × 20k items × 1M interactions (Zipf item popularity, members with 1–3 favourite topics, items
 * published over 180 days, 64-d content vectors): training time (replaying 1M interactions into the activity
 * state, learning the blend from the last 5k, ALS, interest groups), `/recommend` serving latency p50/p99 over
 * 500 random members (top 10 with MMR and explanations, no retraining), and memory.
 * Scale with env BENCH_RECOMMEND_SCALE (e.g. 0.1 for a quick look).
 */
import { seededRandom } from '../core/ports/random.ts';
import { HOUR_MS } from '../core/recommend/activity.ts';
import { buildCatalog } from '../core/recommend/catalog.ts';
import { RecommenderEngine } from '../core/recommend/engine.ts';
import { topK } from '../core/recommend/topk.ts';
import type { BenchReport } from './run.ts';

const SCALE = Number(process.env.BENCH_RECOMMEND_SCALE ?? 1);
const MEMBERS = Math.round(100_000 * SCALE);
const ITEMS = Math.round(20_000 * SCALE);
const INTERACTIONS = Math.round(1_000_000 * SCALE);
const TOPICS = 50;
const DIMS = 64;
const LEARN_LAST = 5_000;

function synthetic(seed: number) {
  const random = seededRandom(seed);
  const start = Date.UTC(2026, 0, 1);
  const span = 180 * 24 * HOUR_MS;
  const topicVectors = Array.from({ length: TOPICS }, () => Float32Array.from({ length: DIMS }, () => random() - 0.5));
  const itemTopic = new Int32Array(ITEMS);
  const vectors = new Float32Array(ITEMS * DIMS);
  const items = Array.from({ length: ITEMS }, (_, i) => {
    const t = Math.floor(random() * TOPICS);
    itemTopic[i] = t;
    let norm = 0;
    for (let a = 0; a < DIMS; a++) {
      const v = (topicVectors[t]?.[a] as number) + (random() - 0.5) * 0.5;
      vectors[i * DIMS + a] = v;
      norm += v * v;
    }
    for (let a = 0; a < DIMS; a++) vectors[i * DIMS + a]! /= Math.sqrt(norm);
    return { createdAt: start + (i / ITEMS) * span, author: -1, topics: [`t${t}`, `t${(t + 1) % TOPICS}`] };
  });
  const catalog = buildCatalog(items, { dims: DIMS, vectors });
  // Items by topic, popularity Zipf-like within a topic (lower rank = more popular).
  const byTopic: number[][] = Array.from({ length: TOPICS }, () => []);
  for (let i = 0; i < ITEMS; i++) byTopic[itemTopic[i] as number]?.push(i);
  const favourites = Array.from({ length: MEMBERS }, () =>
    Array.from({ length: 1 + Math.floor(random() * 3) }, () => Math.floor(random() * TOPICS)),
  );
  const member = new Int32Array(INTERACTIONS);
  const item = new Int32Array(INTERACTIONS);
  const at = new Float64Array(INTERACTIONS);
  for (let e = 0; e < INTERACTIONS; e++) {
    const when = start + (e / INTERACTIONS) * span;
    const m = Math.floor(random() ** 1.5 * MEMBERS); // some members are much more active
    const favs = favourites[m] as number[];
    const topic = random() < 0.8 ? (favs[Math.floor(random() * favs.length)] as number) : Math.floor(random() * TOPICS);
    const pool = (byTopic[topic] as number[]).filter((i) => catalog.createdAt[i]! <= when);
    const list = pool.length > 0 ? pool : [0];
    // Favour both popular (Zipf over the topic list) and recent items.
    const pickRecent = random() < 0.5;
    const k = pickRecent
      ? list.length - 1 - Math.floor(random() ** 3 * list.length)
      : Math.floor(random() ** 3 * list.length);
    member[e] = m;
    item[e] = list[Math.max(0, Math.min(list.length - 1, k))] as number;
    at[e] = Math.max(when, catalog.createdAt[item[e] as number]! + 1);
  }
  return { catalog, member, item, at, end: start + span };
}

/** Memory after a full collection (bench/run.ts starts each suite with --expose-gc), so deltas are not GC noise. */
function settledMemory(): NodeJS.MemoryUsage {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

export async function run(report: BenchReport): Promise<void> {
  const data = synthetic(42);
  const heapBefore = settledMemory();
  const engine = new RecommenderEngine(data.catalog, seededRandom(7), { maxExamples: LEARN_LAST });
  // Wall time and this process's CPU time: on a shared machine the second is what the code costs.
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let e = 0; e < INTERACTIONS; e++) {
    engine.observe(
      data.member[e] as number,
      data.item[e] as number,
      data.at[e] as number,
      1,
      e >= INTERACTIONS - LEARN_LAST,
    );
  }
  const t1 = performance.now();
  engine.retrain(data.end, true);
  const t2 = performance.now();
  const cpu2 = process.cpuUsage(cpu0);
  const perMillion = 1_000_000 / INTERACTIONS;
  report({
    name: 'training per 1M interactions, CPU time',
    value: ((cpu2.user + cpu2.system) / 1e6) * perMillion,
    unit: 's',
    target: '≤ 60 s on 2 cores',
  });
  report({
    name: 'training per 1M interactions',
    value: ((t2 - t0) / 1000) * perMillion,
    unit: 's',
    target: '≤ 60 s on 2 cores',
    note: `replay ${((t1 - t0) / 1000).toFixed(1)} s + retrain ${((t2 - t1) / 1000).toFixed(1)} s (ALS k=16 × 4, blend on ${engine.exampleCount} examples, groups k=${engine.grouping?.k ?? 0}); ${MEMBERS} members × ${ITEMS} items`,
  });
  const t3 = performance.now();
  const cpu3 = process.cpuUsage();
  engine.retrain(data.end + HOUR_MS);
  const cpu4 = process.cpuUsage(cpu3);
  report({
    name: 'incremental retrain (warm ALS, no regrouping)',
    value: (performance.now() - t3) / 1000,
    unit: 's',
    note: `CPU ${((cpu4.user + cpu4.system) / 1e6).toFixed(1)} s`,
  });

  const random = seededRandom(99);
  const latencies: number[] = [];
  const cpuLatencies: number[] = [];
  const now = data.end + 2 * HOUR_MS;
  for (let r = 0; r < 520; r++) {
    const m = Math.floor(random() ** 1.5 * MEMBERS);
    const c = process.cpuUsage();
    const s = performance.now();
    const picks = engine.recommend(m, now, { k: 10 });
    const ms = performance.now() - s;
    const cpu = process.cpuUsage(c);
    if (picks.length === 0) throw new Error('no recommendations');
    if (r >= 20) {
      // the first requests warm the JIT
      latencies.push(ms);
      cpuLatencies.push((cpu.user + cpu.system) / 1000);
    }
  }
  // Reference in the same process and run: a plain dot-product top-10 over the same members' ALS factors (no
  // personal signals, no MMR, no explanations): what a bare matrix-factorisation recommender would cost.
  const als = engine.als;
  const reference: number[] = [];
  if (als) {
    const refRandom = seededRandom(99);
    const k = als.factors;
    const scores = new Float32Array(als.items);
    for (let r = 0; r < 520; r++) {
      const m = Math.min(als.users - 1, Math.floor(refRandom() ** 1.5 * MEMBERS));
      const s = performance.now();
      const o = m * k;
      for (let i = 0; i < als.items; i++) {
        let dot = 0;
        const io = i * k;
        for (let a = 0; a < k; a++) dot += (als.userFactors[o + a] as number) * (als.itemFactors[io + a] as number);
        scores[i] = dot;
      }
      const top = topK(scores, 10);
      const ms = performance.now() - s;
      if (top.length === 0) throw new Error('no reference picks');
      if (r >= 20) reference.push(ms);
    }
    reference.sort((a, b) => a - b);
  }
  latencies.sort((a, b) => a - b);
  if (reference.length > 0) {
    const p50 = percentile(reference, 0.5);
    const p99 = percentile(reference, 0.99);
    report({
      name: 'reference: plain dot-product top-10 p50 / p99',
      value: p50,
      unit: 'ms',
      note: `p99 ${p99.toFixed(2)} ms; /recommend is ${(percentile(latencies, 0.5) / p50).toFixed(1)}× (p50) and ${(percentile(latencies, 0.99) / p99).toFixed(1)}× (p99) of it, measured under load`,
    });
  }
  report({ name: '/recommend p50', value: percentile(latencies, 0.5), unit: 'ms', target: '≤ 5 ms' });
  report({ name: '/recommend p99', value: percentile(latencies, 0.99), unit: 'ms', target: '≤ 20 ms' });
  cpuLatencies.sort((a, b) => a - b);
  report({ name: '/recommend p50, CPU time', value: percentile(cpuLatencies, 0.5), unit: 'ms', target: '≤ 5 ms' });
  report({ name: '/recommend p99, CPU time', value: percentile(cpuLatencies, 0.99), unit: 'ms', target: '≤ 20 ms' });
  const heapAfter = settledMemory();
  report({
    name: 'memory (heap + typed arrays) held by the trained engine',
    value: (heapAfter.heapUsed + heapAfter.arrayBuffers - heapBefore.heapUsed - heapBefore.arrayBuffers) / 2 ** 20,
    unit: 'MiB',
    note: `rss ${(heapAfter.rss / 2 ** 20).toFixed(0)} MiB`,
  });
}
