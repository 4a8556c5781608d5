/**
 * ALS alone (core/recommend/als.ts) beside a plain numpy CG ALS (bench/reference/als_cg.py) on the same matrix:
 * the interactions of the bench's synthetic community, one cell per (member, course), same factors, sweeps and CG
 * steps. Skipped with a note when python3 or numpy is missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../core/ports/random.ts';
import { DEFAULT_ALS, toSparseRows, trainAls } from '../core/recommend/als.ts';
import type { BenchSize } from './recommend-data.ts';
import type { BenchReport } from './run.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

function matrix(size: BenchSize) {
  const random = seededRandom(17);
  const row = new Int32Array(size.interactions);
  const col = new Int32Array(size.interactions);
  const value = new Float32Array(size.interactions);
  for (let e = 0; e < size.interactions; e++) {
    row[e] = Math.floor(random() ** 1.5 * size.members);
    col[e] = Math.floor(random() ** 3 * size.items);
    value[e] = 1 + Math.floor(random() * 3);
  }
  return toSparseRows(size.members, size.items, { row, col, value });
}

export async function alsBench(report: BenchReport, size: BenchSize): Promise<void> {
  const m = matrix(size);
  const opts = { ...DEFAULT_ALS };
  const times: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const t = performance.now();
    trainAls(m, seededRandom(1), opts);
    times.push((performance.now() - t) / 1000);
  }
  const js = [...times].sort((a, b) => a - b)[1] as number;
  report({
    name: 'ALS alone (k=16 × 4 sweeps, 3 CG steps)',
    value: js,
    unit: 's',
    note: `${m.rows} × ${m.cols}, ${m.colIdx.length} cells; median of 3`,
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cohort-als-bench-'));
  try {
    writeFileSync(path.join(dir, 'rowptr.i32'), Buffer.from(m.rowPtr.buffer, m.rowPtr.byteOffset, m.rowPtr.byteLength));
    writeFileSync(path.join(dir, 'colidx.i32'), Buffer.from(m.colIdx.buffer, m.colIdx.byteOffset, m.colIdx.byteLength));
    writeFileSync(path.join(dir, 'values.f32'), Buffer.from(m.values.buffer, m.values.byteOffset, m.values.byteLength));
    const python: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      const child = spawnSync(
        'python3',
        [
          path.join(here, 'reference', 'als_cg.py'),
          dir,
          String(m.rows),
          String(m.cols),
          String(opts.factors),
          String(opts.iterations),
          String(opts.cgSteps),
          String(opts.alpha),
          String(opts.regularization),
        ],
        { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '2', OPENBLAS_NUM_THREADS: '2' } },
      );
      if (child.status !== 0) {
        console.log(
          `numpy reference skipped: ${(child.stderr || String(child.error ?? '')).trim().split('\n').at(-1)}`,
        );
        return;
      }
      python.push((JSON.parse(child.stdout.trim()) as { seconds: number }).seconds);
    }
    const ref = [...python].sort((a, b) => a - b)[1] as number;
    report({ name: 'reference: numpy CG ALS on the same matrix', value: ref, unit: 's', note: 'median of 3' });
    report({ name: 'ALS ratio to numpy', value: js / ref, unit: '×', target: '≤ 1.5×' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
