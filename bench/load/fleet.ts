import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../../adapters/shared/project-root.ts';

/**
 * The app as operators run it: `node dist/start.js` processes with their own ports, all on loopback, pointed at the
 * bench's fake platforms through the same variables an operator sets (.env.example). Nothing here is in-process:
 * killing a process is SIGKILL, and memory is each process's resident set and, through bench/load/heap-probe.mjs
 * (loaded with --import, the app knows nothing of it), its heap after a forced collection.
 */

export interface PlatformEndpoints {
  discordApiUrl: string;
  discordPublicKey: string;
  discordApplicationId: string;
  slackApiUrl: string;
  slackSigningSecret: string;
  telegramApiRoot: string;
  telegramToken: string;
  telegramSecret: string;
}

export interface AppProcess {
  /** gateway, worker or all (the `--role` it was started with, when the app has roles). */
  role: string;
  ports: { discord: number; slack: number; telegram: number; ops: number };
  child: ChildProcess;
  /** Resident set size now, in MiB (from /proc). */
  rssMiB(): number;
  /**
   * The heap after a forced full collection (as it is with `collect: false`; and a heap snapshot written to `snapshot`, when given), or null when the
   * process did not answer within `timeoutMs` (default 30 s; a snapshot of a large heap takes a while).
   */
  heap(options?: { collect?: boolean; snapshot?: string; timeoutMs?: number }): Promise<HeapReport | null>;
  stderrTail(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** What heap-probe.mjs answers, in bytes (process.memoryUsage() after gc(), plus heapUsed before it). */
export interface HeapReport {
  /** Whether a full collection ran first (asked for, and --expose-gc in effect). */
  collected: boolean;
  heapUsedBeforeGc: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  rss: number;
  snapshot?: string;
}

const HEAP_PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'heap-probe.mjs');
const HEAP_MESSAGE = 'cohort-bench:heap';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether `bots/main.ts` knows `--role` (the job-queue split); without it every process runs everything. */
export function appHasRoles(): boolean {
  try {
    return readFileSync(path.join(projectRoot, 'bots', 'main.ts'), 'utf8').includes('--role');
  } catch {
    return false;
  }
}

export async function startAppProcess(options: {
  databaseUrl: string;
  platforms: PlatformEndpoints;
  role: 'gateway' | 'worker' | 'all';
  /** Ports to reuse (a restarted process takes its old place behind the "load balancer"). */
  ports?: AppProcess['ports'];
  startTimeoutMs?: number;
  /** Keep the process's log (stdout and stderr) in this file, appended: the soak reads it when something is lost. */
  logFile?: string;
  /** LOG_LEVEL of the process (default warn). */
  logLevel?: string;
}): Promise<AppProcess> {
  const p = options.platforms;
  const ports = options.ports ?? {
    discord: await freePort(),
    slack: await freePort(),
    telegram: await freePort(),
    ops: await freePort(),
  };
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: options.databaseUrl,
    LOG_LEVEL: options.logLevel ?? 'warn',
    WEB_ENABLED: 'false',
    OPS_PORT: String(ports.ops),
    DISCORD_APPLICATION_ID: p.discordApplicationId,
    DISCORD_PUBLIC_KEY: p.discordPublicKey,
    DISCORD_API_URL: p.discordApiUrl,
    DISCORD_INTERACTIONS_PORT: String(ports.discord),
    SLACK_BOT_TOKEN: 'xoxb-load-bench',
    SLACK_SIGNING_SECRET: p.slackSigningSecret,
    SLACK_API_URL: p.slackApiUrl,
    SLACK_PORT: String(ports.slack),
    TELEGRAM_BOT_TOKEN: p.telegramToken,
    TELEGRAM_API_ROOT: p.telegramApiRoot,
    TELEGRAM_WEBHOOK_DOMAIN: 'load.bench.test',
    TELEGRAM_WEBHOOK_SECRET: p.telegramSecret,
    TELEGRAM_WEBHOOK_PORT: String(ports.telegram),
    // The bench measures the app, not the platforms' ceilings (the budget itself is measured on its own).
    RATE_BUDGET_DISCORD_PER_SECOND: '10000',
    RATE_BUDGET_SLACK_PER_SECOND: '10000',
    RATE_BUDGET_TELEGRAM_PER_SECOND: '10000',
  };
  const args = [
    '--expose-gc',
    '--import',
    HEAP_PROBE,
    'dist/start.js',
    ...(appHasRoles() ? ['--role', options.role] : []),
  ];
  const log = options.logFile ? openSync(options.logFile, 'a') : null;
  // The IPC channel (fd 3) is only the heap probe's: the app never reads it, and the probe unrefs it.
  const child = spawn(process.execPath, args, {
    cwd: projectRoot,
    env,
    stdio: ['ignore', log ?? 'ignore', 'pipe', 'ipc'],
  });
  if (log !== null) closeSync(log);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
    if (options.logFile) appendFileSync(options.logFile, chunk);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The parent must not stay alive for the channel either (a bench that forgot a process still ends).
  child.channel?.unref();
  let heapRequests = 0;
  const proc: AppProcess = {
    role: options.role,
    ports,
    child,
    rssMiB() {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      } catch {
        return 0;
      }
    },
    heap({ collect = true, snapshot, timeoutMs = 30_000 } = {}) {
      if (!child.connected) return Promise.resolve(null);
      const id = ++heapRequests;
      return new Promise((resolve) => {
        const done = (report: HeapReport | null) => {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(report);
        };
        const onMessage = (message: { type?: string; id?: number } & HeapReport) => {
          if (message?.type === HEAP_MESSAGE && message.id === id) done(message);
        };
        const onExit = () => done(null);
        const timer = setTimeout(() => done(null), timeoutMs);
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send({ type: HEAP_MESSAGE, id, collect, snapshot }, (error) => {
          if (error) done(null);
        });
      });
    },
    stderrTail: () => stderr,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  // A worker listens on no platform port; a gateway (or `all`) is up once its three endpoints accept connections.
  const awaited = options.role === 'worker' ? [ports.ops] : [ports.discord, ports.slack, ports.telegram];
  // Generous: on this shared 2-core machine a start under load has taken over a minute.
  const deadline = Date.now() + (options.startTimeoutMs ?? 180_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app process exited at start: ${stderr.slice(-800)}`);
    const up = await Promise.all(awaited.map(listening));
    if (up.every(Boolean)) return proc;
    if (Date.now() > deadline) {
      await proc.kill('SIGKILL');
      throw new Error(`app process not listening after start timeout: ${stderr.slice(-800)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
