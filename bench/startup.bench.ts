/**
 * Start-up as an operator sees it: `npm start` on an existing demo database, from spawning the command to the first
 * console reply on stdout (target ≤ 1.0 s), beside the bare runtime (`node -e 0` to exit) and `npm start` of a script
 * that does nothing, run interleaved so both see the same machine load. Memory: the peak RSS of the sandbox after
 * a short session that loads everything a member touches (model, recommender, digest, leaderboard; target ≤ 250 MiB).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { projectRoot } from '../adapters/shared/project-root.ts';
import type { BenchReport } from './run.ts';

const RUNS = 7;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function cleanEnv(databaseFile: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(DISCORD|SLACK|TELEGRAM)_/.test(k) && k !== 'DATABASE_URL'),
  );
  // npm_* variables of `npm run bench` would make the inner npm think it runs inside a script.
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];
  return { ...env, DATABASE_URL: `file:${databaseFile}`, DEMO_FEED_PORT: '0' };
}

/** Milliseconds from spawn until stdout shows `marker`, and until the process exits. */
function timeToReply(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; input: string; marker: string },
): Promise<{ replyMs: number; exitMs: number; peakRssKiB: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'ignore'] });
    let output = '';
    let replyMs = Number.NaN;
    let peakRssKiB = 0;
    const sampler = setInterval(() => {
      peakRssKiB = Math.max(peakRssKiB, peakRssOfTree(child.pid));
    }, 25);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (Number.isNaN(replyMs) && output.includes(options.marker)) replyMs = performance.now() - started;
    });
    child.on('error', reject);
    child.on('exit', () => {
      clearInterval(sampler);
      if (Number.isNaN(replyMs)) reject(new Error(`no reply from ${command} ${args.join(' ')}:\n${output}`));
      else resolve({ replyMs, exitMs: performance.now() - started, peakRssKiB });
    });
    child.stdin.end(options.input);
  });
}

/** The largest peak RSS (VmHWM) among a process and its children, from /proc (0 where /proc is missing). */
function peakRssOfTree(pid: number | undefined): number {
  if (!pid) return 0;
  let peak = 0;
  const visit = (p: number) => {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      const children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      for (const child of children ? children.split(/\s+/) : []) visit(Number(child));
    } catch {
      // The process just exited.
    }
  };
  visit(pid);
  return peak;
}

export async function run(report: BenchReport): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cohort-bench-start-'));
  const databaseFile = path.join(dir, 'demo.db');
  const env = cleanEnv(databaseFile);
  const noop = path.join(dir, 'noop');
  mkdirSync(noop);
  writeFileSync(
    path.join(noop, 'package.json'),
    JSON.stringify({ name: 'noop', scripts: { start: 'exec node -e 0' } }),
  );
  try {
    // Build if needed and seed the demo database once: the figure is a restart, as operators restart.
    const warm = spawnSync('npm', ['start', '--silent'], { cwd: projectRoot, env, input: '/help\n', encoding: 'utf8' });
    if (warm.status !== 0) throw new Error(`npm start failed: ${warm.stderr}`);
    const app: number[] = [];
    const direct: number[] = [];
    const bare: number[] = [];
    const npmNoop: number[] = [];
    const marker = 'Commands you can use';
    for (let i = 0; i < RUNS; i++) {
      app.push(
        (await timeToReply('npm', ['start', '--silent'], { cwd: projectRoot, env, input: '/help\n', marker })).replyMs,
      );
      direct.push(
        (await timeToReply(process.execPath, ['dist/start.js'], { cwd: projectRoot, env, input: '/help\n', marker }))
          .replyMs,
      );
      const t0 = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      bare.push(performance.now() - t0);
      const t1 = performance.now();
      spawnSync('npm', ['start', '--silent'], { cwd: noop, env });
      npmNoop.push(performance.now() - t1);
    }
    const appMs = median(app);
    report({
      name: `npm start → first console reply (median of ${RUNS})`,
      value: appMs,
      unit: 'ms',
      target: '≤ 1000 ms',
      note: `reference: node -e 0 ${median(bare).toFixed(0)} ms (${(appMs / median(bare)).toFixed(1)}×), npm start of a no-op script ${median(npmNoop).toFixed(0)} ms (${(appMs / median(npmNoop)).toFixed(1)}×); node dist/start.js alone ${median(direct).toFixed(0)} ms`,
    });
    // Opening the migrated database as start-up does now (checksums match, no schema engine) and as it did before
    // (engine loaded, compiled and asked to migrate), interleaved beside the bare runtime.
    const opening = { skip: [] as number[], engine: [] as number[], bare: [] as number[] };
    const opener = path.join(projectRoot, 'bench', 'startup-open.ts');
    for (let i = 0; i < RUNS; i++) {
      for (const mode of ['skip', 'engine'] as const) {
        const t = await timeToReply(process.execPath, ['--import', 'tsx', opener, mode, databaseFile], {
          cwd: projectRoot,
          env,
          input: '',
          marker: 'opened',
        });
        opening[mode].push(t.replyMs);
      }
      const t0 = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      opening.bare.push(performance.now() - t0);
    }
    const skipMs = median(opening.skip);
    const engineMs = median(opening.engine);
    report({
      name: `open the migrated database in a fresh process, migrations skipped by checksum (median of ${RUNS})`,
      value: skipMs,
      unit: 'ms',
      note: `before (schema engine loaded to migrate nothing): ${engineMs.toFixed(0)} ms, saved ${(engineMs - skipMs).toFixed(0)} ms; reference: node -e 0 ${median(opening.bare).toFixed(0)} ms (${(skipMs / median(opening.bare)).toFixed(1)}× / ${(engineMs / median(opening.bare)).toFixed(1)}×); both include tsx`,
    });
    // A member's session: everything the demo loads lazily is loaded by the end.
    const session = ['/help', '/recommend', '/courses', '/leaderboard', '@mod /digest preview', '/stats', ''].join(
      '\n',
    );
    const peaks: number[] = [];
    for (let i = 0; i < 3; i++)
      peaks.push(
        (await timeToReply(process.execPath, ['dist/start.js'], { cwd: projectRoot, env, input: session, marker }))
          .peakRssKiB / 1024,
      );
    const idle = await timeToReply(process.execPath, ['-e', 'setTimeout(() => console.log("idle"), 300)'], {
      cwd: projectRoot,
      env,
      input: '',
      marker: 'idle',
    });
    report({
      name: 'sandbox peak RSS over a member session (help, recommend, courses, leaderboard, digest, stats; median of 3)',
      value: median(peaks),
      unit: 'MiB',
      target: '≤ 250 MiB',
      note: `runs ${peaks.map((p) => p.toFixed(0)).join(' / ')}; reference: an idle node process ${(idle.peakRssKiB / 1024).toFixed(0)} MiB`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
