/**
 * Tips per second through the product's LedgerService and store, with the database, each beside its reference: the
 * raw driver running exactly the statements the store runs for a tip, one transaction per tip (raw better-sqlite3;
 * raw pg), and the ratio product / reference.
 *  - SQLite, one process: tips one at a time, and 16 in flight (which share commits: group commit), each with its
 *    command delivery settled in the tip's transaction as /tip does it; beside it, the lease as it was before
 *    (claim and finish in transactions of their own) and the tip alone; and the statements and commits per tip.
 *  - PostgreSQL, two processes × 24 in flight, each with the product's pool of 10 connections, /tip's delivery
 *    settled in the tip's one statement.
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
  tipDelivery,
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
 * How a tip meets its command delivery lease:
 *  - `in-effect`: as /tip runs now, the claim, the finish and the command's record inside the tip's transaction;
 *  - `claim-finish`: as it ran before, the dispatcher's claim and finish (driver store) around the tip, each a
 *    transaction of its own;
 *  - `none`: the tip alone.
 */
type Lease = 'in-effect' | 'claim-finish' | 'none';

type Fixture = Awaited<ReturnType<typeof ledgerFixture>>;

function tipSender(db: TestDatabase, f: Fixture, lease: Lease): (tip: BenchTip) => Promise<unknown> {
  const members = HANDLES.map((h) => f.members[h] as Member);
  const deliveries = createCoreStores(db.prisma, [], db.driver).deliveries;
  const tip = (t: BenchTip) =>
    f.ledger.tip({
      community: f.community,
      sender: members[t.from] as Member,
      recipient: members[t.to] as Member,
      amount: t.amount,
      reason: null,
      idempotencyKey: t.key,
      now: NOW,
      platform: 'console',
      ...(lease === 'in-effect'
        ? { delivery: tipDelivery(f.community.id, (members[t.from] as Member).id, t.key) }
        : {}),
    });
  if (lease !== 'claim-finish') return tip;
  const leaseMs = 2 * 60_000;
  return async (t: BenchTip) => {
    const key = `console:cmd:${t.key}`;
    if ((await deliveries.claim(key, NOW, new Date(NOW.getTime() + leaseMs))) !== 'first') return;
    await tip(t);
    await deliveries.finish(key, NOW);
  };
}

/** The product on SQLite: LedgerService.tip with `width` tips in flight. */
function sqliteProduct(count: number, width: number, lease: Lease): Promise<number> {
  return withFixture('sqlite', async (db, _id, f) => {
    const send = tipSender(db, f, lease);
    const tips = benchTips(count + WARM_UP);
    await pump(tips.slice(0, WARM_UP), width, send);
    return pump(tips.slice(WARM_UP), width, send);
  });
}

/**
 * Statements and commits per tip on SQLite, one at a time: every statement the native connection runs (BEGIN and
 * COMMIT included; savepoints too) and every native transaction, counted over `count` tips after a warm-up.
 */
function sqliteStatementsPerTip(count: number, lease: Lease): Promise<{ statements: number; transactions: number }> {
  return withFixture('sqlite', async (db, _id, f) => {
    if (db.driver.provider !== 'sqlite') throw new Error('sqlite expected');
    const connection = db.driver.connection;
    const send = tipSender(db, f, lease);
    const tips = benchTips(count + WARM_UP, 0, 1, `count-${lease}`);
    await pump(tips.slice(0, WARM_UP), 1, send);
    let statements = 0;
    let transactions = 0;
    const counted = <T extends (...args: never[]) => unknown>(fn: T): T =>
      ((...args: Parameters<T>) => {
        statements++;
        return fn(...args);
      }) as T;
    const statement = connection.statement.bind(connection);
    const transaction = connection.transaction.bind(connection);
    connection.statement = (sql: string) => {
      const prepared = statement(sql);
      return new Proxy(prepared, {
        get(target, prop) {
          const value = Reflect.get(target, prop);
          if (typeof value !== 'function') return value;
          const bound = value.bind(target);
          return prop === 'run' || prop === 'get' || prop === 'all' ? counted(bound) : bound;
        },
      });
    };
    connection.transaction = <T>(work: () => T) => {
      transactions++;
      // BEGIN and COMMIT of a transaction alone in its group commit.
      statements += 2;
      return transaction(work);
    };
    await pump(tips.slice(WARM_UP), 1, send);
    connection.statement = statement;
    connection.transaction = transaction;
    return { statements: statements / count, transactions: transactions / count };
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
    const one = await paired(reference, () => sqliteProduct(n, 1, 'in-effect'));
    const sixteen = await paired(reference, () => sqliteProduct(n, 16, 'in-effect'));
    const before = await paired(reference, () => sqliteProduct(n, 16, 'claim-finish'));
    const alone = await paired(reference, () => sqliteProduct(n, 16, 'none'));
    report({
      name: 'reference: raw better-sqlite3, the same statements (delivery settled, record, tip), one transaction per tip',
      value: mid([one.reference.value, sixteen.reference.value]),
      unit: 'tips/s',
      note: `ranges ${one.reference.range}, ${sixteen.reference.range}`,
    });
    for (const [label, figure] of [
      ['/tip path (delivery settled in the tip transaction), one at a time', one],
      ['/tip path (delivery settled in the tip transaction), 16 in flight', sixteen],
      ['as before: claim, tip, finish (three transactions), 16 in flight', before],
      ['the tip alone (no delivery), 16 in flight', alone],
    ] as const) {
      report({
        name: `tips/s SQLite, one process, ${label}`,
        value: figure.product.value,
        unit: 'tips/s',
        target: '≥ 2000',
        note: `range ${figure.product.range}; raw driver ${Math.round(figure.reference.value)}/s in the same rounds; ratio ${figure.ratio.toFixed(2)}`,
      });
    }
    for (const lease of ['in-effect', 'claim-finish'] as const) {
      const per = await sqliteStatementsPerTip(500, lease);
      report({
        name: `statements per tip on SQLite (${lease === 'in-effect' ? '/tip now' : 'claim, tip, finish: before'})`,
        value: per.statements,
        unit: 'statements',
        note: `${per.transactions.toFixed(2)} transactions per tip; BEGIN, COMMIT and savepoints counted`,
      });
    }
  }
  if (providers.includes('postgresql')) {
    const pg = await paired(
      () => postgresTwoProcesses('raw', n / 2),
      () => postgresTwoProcesses('product', n / 2),
    );
    report({
      name: 'reference: raw pg, the same named statement (delivery settled in it), 2 processes × 24 in flight',
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
