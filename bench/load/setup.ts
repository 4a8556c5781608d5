import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { seededRandom } from '../../core/ports/random.ts';
import { type AppProcess, startAppProcess } from './fleet.ts';
import { type Delivery, type LoadPlatforms, PLATFORMS, type Platform } from './platforms.ts';

/** A throwaway database for one set-up: a SQLite file, or a fresh PostgreSQL database on the local server. */
export interface LoadDatabase {
  url: string;
  drop(): Promise<void>;
}

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function loadDatabase(provider: 'sqlite' | 'postgresql', label: string): Promise<LoadDatabase> {
  if (provider === 'sqlite') {
    const dir = path.join(os.tmpdir(), `cohort-load-${process.pid}-${label}`);
    mkdirSync(dir, { recursive: true });
    return {
      url: `file:${path.join(dir, 'load.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `cohort_load_${process.pid}_${label.replace(/\W/g, '_')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: ADMIN_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** The processes of one set-up: gateways take the platforms' HTTP traffic (round robin), workers run jobs. */
export interface Fleet {
  gateways: AppProcess[];
  workers: AppProcess[];
  stop(): Promise<void>;
}

export async function startFleet(options: {
  databaseUrl: string;
  platforms: LoadPlatforms;
  gateways: number;
  workers: number;
  /** Without worker processes, gateways run everything (`--role all`, the default). */
  gatewayRole: 'gateway' | 'all';
  /** A directory for each process's log (`<role>-<n>.log`); none kept otherwise. */
  logDir?: string;
  logLevel?: string;
}): Promise<Fleet> {
  const started: AppProcess[] = [];
  const endpoints = options.platforms.endpoints();
  let n = 0;
  const logging = (role: string) =>
    options.logDir
      ? {
          logFile: path.join(options.logDir, `${role}-${++n}.log`),
          ...(options.logLevel ? { logLevel: options.logLevel } : {}),
        }
      : {};
  try {
    // The first process migrates the database; the others start once it is up.
    const first = await startAppProcess({
      databaseUrl: options.databaseUrl,
      platforms: endpoints,
      role: options.gatewayRole,
      ...logging(options.gatewayRole),
    });
    started.push(first);
    const rest = await Promise.all([
      ...Array.from({ length: options.gateways - 1 }, () =>
        startAppProcess({
          databaseUrl: options.databaseUrl,
          platforms: endpoints,
          role: options.gatewayRole,
          ...logging(options.gatewayRole),
        }),
      ),
      ...Array.from({ length: options.workers }, () =>
        startAppProcess({
          databaseUrl: options.databaseUrl,
          platforms: endpoints,
          role: 'worker',
          ...logging('worker'),
        }),
      ),
    ]);
    started.push(...rest);
  } catch (error) {
    await Promise.all(started.map((p) => p.kill('SIGKILL')));
    throw error;
  }
  return {
    gateways: started.filter((p) => p.role !== 'worker'),
    workers: started.filter((p) => p.role === 'worker'),
    stop: async () => {
      await Promise.all(started.map((p) => p.kill('SIGTERM')));
    },
  };
}

export interface LoadResult {
  sent: number;
  answered: number;
  /** Acknowledged by HTTP but never answered within the wait. */
  lost: number;
  /** Refused or failed at the HTTP level (status 0 = connection failed). */
  failed: number;
  seconds: number;
  latenciesMs: number[];
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/**
 * A closed loop: `concurrency` members each send a command, wait for its reply, and send the next, until `commands`
 * were sent or `maxSeconds` passed. Members and platforms are drawn from a seeded generator; the gateway is picked
 * round robin, as a load balancer would.
 */
export async function driveLoad(options: {
  platforms: LoadPlatforms;
  gateways: () => AppProcess[];
  members: number;
  commands: number;
  concurrency: number;
  maxSeconds: number;
  seed: number;
  /** Called for each delivery sent (the soak records them). */
  onDelivery?: (delivery: Delivery, ok: boolean) => void;
  replyTimeoutMs?: number;
  /** Only these platforms (default all three). */
  only?: readonly Platform[];
}): Promise<LoadResult> {
  const platforms = options.only ?? PLATFORMS;
  const random = seededRandom(options.seed);
  const latencies: number[] = [];
  let sent = 0;
  let answered = 0;
  let lost = 0;
  let failed = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + options.maxSeconds * 1000;
  async function member(): Promise<void> {
    while (sent < options.commands && performance.now() < deadline) {
      sent++;
      const platform = platforms[Math.floor(random() * platforms.length)] ?? 'discord';
      const delivery = options.platforms.delivery(platform, Math.floor(random() * options.members));
      const gateways = options.gateways();
      const target = gateways[next++ % gateways.length] as AppProcess;
      const t0 = performance.now();
      const result = await options.platforms.send(delivery, target);
      if (result.status < 200 || result.status >= 300) {
        failed++;
        options.onDelivery?.(delivery, false);
        continue;
      }
      const ok =
        result.answeredInline || (await options.platforms.waitForReply(delivery.key, options.replyTimeoutMs ?? 20_000));
      if (ok) {
        answered++;
        latencies.push(performance.now() - t0);
      } else lost++;
      options.onDelivery?.(delivery, true);
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, () => member()));
  return {
    sent,
    answered,
    lost,
    failed,
    seconds: (performance.now() - started) / 1000,
    latenciesMs: latencies.sort((a, b) => a - b),
  };
}
