/**
 * Tips per second through the product's LedgerService and store, with the database, each beside its reference: the
 * raw driver running exactly the statements the store runs for a tip, one transaction per tip (raw better-sqlite3;
 * raw pg), and the ratio product / reference.
 *  - SQLite, one process: tips one at a time, and 16 in flight (which share commits: group commit).
 *  - PostgreSQL, two processes × 24 in flight, each with the product's pool of 10 connections.
 * Every product tip is a full tip: limits, postings, its tip.sent event in the same transaction, the ring check.
 * Figures are medians of REPEATS rounds, each measuring the reference and the product back to back (this machine is
 * shared and noisy, so the ratio is the median of per-round ratios); the note gives the range.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCoreStores } from '../adapters/storage/index.ts';
import type { Member } from '../core/domain/types.ts';
import { ledgerFixture } from '../test/interactions/ledger-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/database.ts';
import {
  BENCH_POLICY,
  type BenchTip,
  benchIds,
  benchTips,
  HANDLES,
  NOW,
  pump,
  rawSqliteTip,
} from './ledger-workload.ts';
import type { BenchReport } from './run.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPEATS = Number(process.env.LEDGER_BENCH_REPEATS ?? 3);
const WARM_UP = 100;

async function withFixture<T>(
  provider: 'sqlite' | 'postgresql',
  run: (db: TestDatabase, communityId: string, f: Awaited<ReturnType<typeof ledgerFixture>>) => Promise<T>,
): Promise<T> {
  const db = await createTestDatabase(provider);
  try {
    const f = await ledgerFixture(db, { handles: HANDLES, policy: BENCH_POLICY, communityKey: 'bench' });
    return await run(db, f.community.id, f);
  } finally {
    await db.drop();
  }
}

/**
 * The product on SQLite: LedgerService.tip with `width` tips in flight. With `lease`, each tip is wrapped in the
 * command delivery lease as the dispatcher does it (claim, tip, finish), through the driver store the app uses or
 * through the Prisma store it used before.
 */
function sqliteProduct(count: number, width: number, lease?: 'driver' | 'prisma'): Promise<number> {
  return withFixture('sqlite', async (db, _id, f) => {
    const members = HANDLES.map((h) => f.members[h] as Member);
    const deliveries = lease
      ? createCoreStores(db.prisma, [], lease === 'driver' ? db.driver : undefined).deliveries
      : null;
    const tip = (tip: BenchTip) =>
      f.ledger.tip({
        community: f.community,
        sender: members[tip.from] as Member,
        recipient: members[tip.to] as Member,
        amount: tip.amount,
        reason: null,
        idempotencyKey: tip.key,
        now: NOW,
        platform: 'console',
      });
    const leaseMs = 15 * 60_000;
    const send = !deliveries
      ? tip
      : async (t: BenchTip) => {
          const key = `console:cmd:${t.key}`;
          if ((await deliveries.claim(key, NOW, new Date(NOW.getTime() + leaseMs))) !== 'first') return;
          await tip(t);
          await deliveries.finish(key, NOW);
        };
    const tips = benchTips(count + WARM_UP);
    await pump(tips.slice(0, WARM_UP), width, send);
    return pump(tips.slice(WARM_UP), width, send);
  });
}

/** Raw better-sqlite3 on the same connection settings: the store's statements, one transaction per tip. */
function sqliteRaw(count: number): Promise<number> {
  return withFixture('sqlite', async (db, communityId) => {
    if (db.driver.provider !== 'sqlite') throw new Error('sqlite expected');
    const raw = db.driver.connection.db;
    const ids = await benchIds(db.prisma, communityId);
    const tips = benchTips(count + WARM_UP, 0, 1, 'raw');
    for (const tip of tips.slice(0, WARM_UP)) rawSqliteTip(raw, ids, tip);
    const started = performance.now();
    for (const tip of tips.slice(WARM_UP)) rawSqliteTip(raw, ids, tip);
    return count / ((performance.now() - started) / 1000);
  });
}

interface WorkerRun {
  ready: Promise<void>;
  go(): void;
  done: Promise<{ tips: number; seconds: number }>;
}

function worker(mode: 'product' | 'raw', url: string, communityId: string, w: number, count: number): WorkerRun {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(here, 'ledger-worker.ts'), mode, url, communityId, String(w), String(count), '24'],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let out = '';
  let readyResolve: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    readyResolve = resolve;
  });
  child.stdout.on('data', (d) => {
    out += d;
    if (out.includes('READY\n')) readyResolve();
  });
  const done = new Promise<{ tips: number; seconds: number }>((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}'))
        : reject(new Error(`worker exit ${code}`)),
    ),
  );
  return { ready, go: () => child.stdin.end('go\n'), done };
}

/** Two processes × 24 in flight on one PostgreSQL database; tips over the slower process's time. */
function postgresTwoProcesses(mode: 'product' | 'raw', perWorker: number): Promise<number> {
  return withFixture('postgresql', async (db, communityId) => {
    await benchIds(db.prisma, communityId);
    const runs = [0, 1].map((w) => worker(mode, db.url, communityId, w, perWorker));
    await Promise.all(runs.map((r) => r.ready));
    for (const r of runs) r.go();
    const results = await Promise.all(runs.map((r) => r.done));
    return results.reduce((n, r) => n + r.tips, 0) / Math.max(...results.map((r) => r.seconds));
  });
}

interface Paired {
  reference: { value: number; range: string };
  product: { value: number; range: string };
  /** Median of the per-round ratios: each round measures both back to back, under the same load. */
  ratio: number;
}

const mid = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const summary = (values: number[]) => ({
  value: mid(values),
  range: `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))}`,
});

/** REPEATS rounds of reference then product, interleaved so that both see the same load on this shared machine. */
async function paired(reference: () => Promise<number>, product: () => Promise<number>): Promise<Paired> {
  const refs: number[] = [];
  const prods: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    refs.push(await reference());
    prods.push(await product());
  }
  return {
    reference: summary(refs),
    product: summary(prods),
    ratio: mid(prods.map((p, i) => p / (refs[i] as number))),
  };
}

export async function run(report: BenchReport): Promise<void> {
  const n = Number(process.env.LEDGER_BENCH_TIPS ?? 4000);
  // LEDGER_BENCH_PROVIDERS=postgresql (or sqlite) runs one side only.
  const providers = (process.env.LEDGER_BENCH_PROVIDERS ?? 'sqlite,postgresql').split(',');
  if (providers.includes('sqlite')) {
    const reference = () => sqliteRaw(n);
    const one = await paired(reference, () => sqliteProduct(n, 1));
    const sixteen = await paired(reference, () => sqliteProduct(n, 16));
    report({
      name: 'reference: raw better-sqlite3, the same statements, one transaction per tip',
      value: mid([one.reference.value, sixteen.reference.value]),
      unit: 'tips/s',
      note: `ranges ${one.reference.range}, ${sixteen.reference.range}`,
    });
    // The /tip command's path adds the delivery lease: now on the driver, before through Prisma (its own commits).
    const leased = await paired(reference, () => sqliteProduct(n, 16, 'driver'));
    const leasedPrisma = await paired(reference, () => sqliteProduct(n, 16, 'prisma'));
    for (const [label, figure] of [
      ['one at a time', one],
      ['16 in flight', sixteen],
      ['16 in flight, each in its command delivery lease (driver store)', leased],
      ['16 in flight, each in its command delivery lease (Prisma store, as before)', leasedPrisma],
    ] as const) {
      report({
        name: `tips/s SQLite, one process, ${label}`,
        value: figure.product.value,
        unit: 'tips/s',
        target: '≥ 2000',
        note: `range ${figure.product.range}; raw driver ${Math.round(figure.reference.value)}/s in the same rounds; ratio ${figure.ratio.toFixed(2)}`,
      });
    }
  }
  if (providers.includes('postgresql')) {
    const pg = await paired(
      () => postgresTwoProcesses('raw', n / 2),
      () => postgresTwoProcesses('product', n / 2),
    );
    report({
      name: 'reference: raw pg, the same named statement, 2 processes × 24 in flight',
      value: pg.reference.value,
      unit: 'tips/s',
      note: `range ${pg.reference.range}`,
    });
    report({
      name: 'tips/s PostgreSQL, 2 processes × 24 in flight',
      value: pg.product.value,
      unit: 'tips/s',
      target: '≥ 1500',
      note: `range ${pg.product.range}; raw driver ${Math.round(pg.reference.value)}/s in the same rounds; ratio ${pg.ratio.toFixed(2)}`,
    });
  }
}
