/**
 * `npm run bench -- recommend`: the recommender on the product path. A seeded SQLite community (100k members ×
 * 20k courses × 1M course interactions by default; BENCH_RECOMMEND_SCALE scales all three, BENCH_RECOMMEND_HUGE=1
 * adds a run at 1M members × 50k courses × 2M interactions) is retrained by the RecommendService the feature builds,
 * reading the log through its EventStore, in a child process whose peak RSS is the service's own
 * (bench/recommend-worker.ts); then /recommend is answered through EngineRecommender — what the command handler
 * calls — with one new event logged before each call, beside a plain JS dot-product top-K over the same item count.
 * ALS alone is timed beside a plain numpy conjugate-gradient ALS on the same matrix (bench/reference/als_cg.py;
 * skipped with a note when python3 or numpy is missing).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { alsBench } from './recommend-als.ts';
import { type BenchSize, seedCommunity } from './recommend-data.ts';
import type { BenchReport } from './run.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const SCALE = Number(process.env.BENCH_RECOMMEND_SCALE ?? 1);
const DEFAULT_SIZE: BenchSize = {
  members: Math.round(100_000 * SCALE),
  items: Math.round(20_000 * SCALE),
  interactions: Math.round(1_000_000 * SCALE),
};
const HUGE_SIZE: BenchSize = { members: 1_000_000, items: 50_000, interactions: 2_000_000 };

interface WorkerResult {
  retrainMs: number;
  retrainCpuMs: number;
  peakRetrainMiB: number;
  p50: number;
  p99: number;
  refP50: number;
  refP99: number;
  peakMiB: number;
}

function runWorker(file: string, communityId: string, size: BenchSize, heapMiB: number): WorkerResult {
  const child = spawnSync(
    process.execPath,
    [
      `--max-old-space-size=${heapMiB}`,
      '--import',
      'tsx',
      path.join(here, 'recommend-worker.ts'),
      file,
      communityId,
      String(size.members),
      String(size.items),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 2 ** 20 },
  );
  if (child.status !== 0) throw new Error(`recommender worker exited with ${child.status ?? child.signal}`);
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as WorkerResult;
}

async function productRun(report: BenchReport, size: BenchSize, label: string, heapMiB: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cohort-recommend-bench-'));
  try {
    const file = path.join(dir, 'bench.db');
    const s0 = performance.now();
    const communityId = await seedCommunity(file, size);
    const seedS = (performance.now() - s0) / 1000;
    const r = runWorker(file, communityId, size, heapMiB);
    const sizes = `${size.members} members × ${size.items} courses × ${size.interactions} interactions`;
    const perMillion = 1_000_000 / size.interactions;
    report({
      name: `${label}retrain through RecommendService, per 1M interactions`,
      value: (r.retrainMs / 1000) * perMillion,
      unit: 's',
      target: '≤ 60 s on 2 cores',
      note: `CPU ${((r.retrainCpuMs / 1000) * perMillion).toFixed(1)} s; ${sizes} on SQLite (seeded in ${seedS.toFixed(0)} s)`,
    });
    report({
      name: `${label}retrain peak RSS (whole process)`,
      value: r.peakRetrainMiB,
      unit: 'MiB',
      target: label ? '≤ 4096 MiB' : '≤ 1024 MiB',
    });
    report({ name: `${label}reference: plain dot-product top-5 p50`, value: r.refP50, unit: 'ms' });
    report({ name: `${label}reference: plain dot-product top-5 p99`, value: r.refP99, unit: 'ms' });
    report({
      name: `${label}/recommend through the command path p50`,
      value: r.p50,
      unit: 'ms',
      note: `${(r.p50 / r.refP50).toFixed(1)}× the reference; one new event read from the DB per call`,
    });
    report({
      name: `${label}/recommend through the command path p99`,
      value: r.p99,
      unit: 'ms',
      target: '≤ 10 ms',
      note: `${(r.p99 / r.refP99).toFixed(1)}× the reference`,
    });
    report({ name: `${label}/recommend ratio to reference (p99)`, value: r.p99 / r.refP99, unit: '×' });
    report({ name: `${label}peak RSS of the worker`, value: r.peakMiB, unit: 'MiB' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(report: BenchReport): Promise<void> {
  const load = os.loadavg()[0]?.toFixed(1) ?? '?';
  console.log(`load average ${load} on ${os.cpus().length} cores`);
  await alsBench(report, DEFAULT_SIZE);
  await productRun(report, DEFAULT_SIZE, '', 1536);
  if (process.env.BENCH_RECOMMEND_HUGE === '1') await productRun(report, HUGE_SIZE, '1M×50k: ', 6144);
  else console.log('1M members × 50k courses: set BENCH_RECOMMEND_HUGE=1 to run it (minutes, up to 4 GB)');
}
