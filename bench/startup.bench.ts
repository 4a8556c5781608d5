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
const FRESH_RUNS = 3;

/** The machine's load beside a figure: on 2 shared cores it decides most of the wall time. */
const loadNote = () =>
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function cleanEnv(databaseFile: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(DISCORD|SLACK|TELEGRAM)_/.test(k) && k !== 'DATABASE_URL'),
  );
  // npm_* variables of `npm run bench` would make the inner npm think it runs inside a script.
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];
  return { ...env, DATABASE_URL: `file:${databaseFile}`, DEMO_FEED_PORT: '0' };
}

/**
 * Milliseconds from spawn until stdout shows `marker`, and until the process exits; the CPU the process tree had used
 * when the marker arrived (user + system, from /proc, 10 ms ticks), which a loaded machine distorts far less than
 * wall time.
 */
function timeToReply(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; input: string; marker: string },
): Promise<{ replyMs: number; replyCpuMs: number; exitMs: number; peakRssKiB: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'ignore'] });
    let output = '';
    let replyMs = Number.NaN;
    let replyCpuMs = Number.NaN;
    let peakRssKiB = 0;
    const sampler = setInterval(() => {
      peakRssKiB = Math.max(peakRssKiB, peakRssOfTree(child.pid));
    }, 25);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (Number.isNaN(replyMs) && output.includes(options.marker)) {
        replyMs = performance.now() - started;
        replyCpuMs = cpuMsOfTree(child.pid);
      }
    });
    child.on('error', reject);
    child.on('exit', () => {
      clearInterval(sampler);
      if (Number.isNaN(replyMs)) reject(new Error(`no reply from ${command} ${args.join(' ')}:\n${output}`));
      else resolve({ replyMs, replyCpuMs, exitMs: performance.now() - started, peakRssKiB });
    });
    child.stdin.end(options.input);
  });
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU milliseconds (user + system) of a process and its living children, from /proc (NaN where /proc is missing). */
function cpuMsOfTree(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  let ticks = 0;
  const visit = (p: number) => {
    try {
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      const children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      for (const child of children ? children.split(/\s+/) : []) visit(Number(child));
    } catch {
      // The process just exited.
    }
  };
  visit(pid);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** CPU milliseconds of a child run to completion: the growth of this process's waited-for children's times. */
function cpuMsOfRun(command: string, args: string[], options: Parameters<typeof spawnSync>[2] = {}): number {
  const childTicks = () => {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[13]) + Number(fields[14]);
  };
  const before = childTicks();
  spawnSync(command, args, options);
  return ((childTicks() - before) * 1000) / TICKS_PER_SECOND;
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
    const directCpu: number[] = [];
    const bare: number[] = [];
    const bareCpu: number[] = [];
    const npmNoop: number[] = [];
    const marker = 'Commands you can use';
    for (let i = 0; i < RUNS; i++) {
      app.push(
        (await timeToReply('npm', ['start', '--silent'], { cwd: projectRoot, env, input: '/help\n', marker })).replyMs,
      );
      const started = await timeToReply(process.execPath, ['dist/start.js'], {
        cwd: projectRoot,
        env,
        input: '/help\n',
        marker,
      });
      direct.push(started.replyMs);
      directCpu.push(started.replyCpuMs);
      const t0 = performance.now();
      bareCpu.push(cpuMsOfRun(process.execPath, ['-e', '0']));
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
      note: `reference: node -e 0 ${median(bare).toFixed(0)} ms (${(appMs / median(bare)).toFixed(1)}×), npm start of a no-op script ${median(npmNoop).toFixed(0)} ms (${(appMs / median(npmNoop)).toFixed(1)}×); node dist/start.js alone ${median(direct).toFixed(0)} ms; ${loadNote()}`,
    });
    const cpuMs = median(directCpu);
    report({
      name: `node dist/start.js → first console reply, CPU time (user + system, median of ${RUNS})`,
      value: cpuMs,
      unit: 'ms',
      note: `reference: node -e 0 ${median(bareCpu).toFixed(0)} ms CPU (${(cpuMs / median(bareCpu)).toFixed(1)}×); runs ${directCpu.map((c) => c.toFixed(0)).join(' / ')}`,
    });
    // The very first start: a new database, migrated by the schema engine and seeded with the demo community.
    const fresh: number[] = [];
    const freshCpu: number[] = [];
    for (let i = 0; i < FRESH_RUNS; i++) {
      const freshFile = path.join(dir, `fresh-${i}.db`);
      const first = await timeToReply(process.execPath, ['dist/start.js'], {
        cwd: projectRoot,
        env: { ...env, DATABASE_URL: `file:${freshFile}` },
        input: '/help\n',
        marker,
      });
      fresh.push(first.replyMs);
      freshCpu.push(first.replyCpuMs);
    }
    report({
      name: `node dist/start.js on a new database (migrate + seed) → first console reply (median of ${FRESH_RUNS})`,
      value: median(fresh),
      unit: 'ms',
      note: `CPU ${median(freshCpu).toFixed(0)} ms; runs ${fresh.map((t) => t.toFixed(0)).join(' / ')} ms; ${loadNote()}`,
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
