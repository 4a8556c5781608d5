/**
 * Tips per second through the real LedgerService and Prisma store:
 *  - SQLite (one process; SQLite serialises writers, so in-flight concurrency only queues),
 *  - PostgreSQL with two processes (test/interactions/tip-worker.ts), each with 24 tips in flight.
 * Every tip is a full tip: limits, postings, tip.sent event, ring check.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LedgerService } from '../core/interactions/ledger-service.ts';
import { seededRandom } from '../core/ports/random.ts';
import { ledgerFixture } from '../test/interactions/ledger-fixture.ts';
import { PLAN } from '../test/interactions/tip-plan.ts';
import { createTestDatabase } from '../test/support/database.ts';
import type { BenchReport } from './run.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const NOW = new Date('2026-11-20T02:00:00.000Z');

async function sqliteTipsPerSecond(count: number, width: number): Promise<number> {
  const db = await createTestDatabase('sqlite');
  try {
    const handles = Array.from({ length: 100 }, (_, i) => `m${String(i).padStart(3, '0')}`);
    const f = await ledgerFixture(db, {
      handles,
      policy: { dailyAllowance: 1_000_000, dailySendCap: 1_000_000_000, pairCooldownMs: 0 },
    });
    const random = seededRandom(5);
    const tips = Array.from({ length: count }, (_, i) => {
      const from = Math.floor(random() * handles.length);
      const to = (from + 1 + Math.floor(random() * (handles.length - 1))) % handles.length;
      return { key: `b-${i}`, from: handles[from]!, to: handles[to]! };
    });
    const send = (ledger: LedgerService, t: (typeof tips)[number]) =>
      ledger.tip({
        community: f.community,
        sender: f.members[t.from]!,
        recipient: f.members[t.to]!,
        amount: 3,
        reason: null,
        idempotencyKey: t.key,
        now: NOW,
        platform: 'console',
      });
    // Warm-up: account rows and the Prisma client's first queries.
    for (const t of tips.slice(0, 50)) await send(f.ledger, t);
    const rest = tips.slice(50);
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (next < rest.length) await send(f.ledger, rest[next++]!);
      }),
    );
    return rest.length / ((performance.now() - started) / 1000);
  } finally {
    await db.drop();
  }
}

function worker(
  url: string,
  communityId: string,
  w: number,
  limit: number,
): Promise<{ applied: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, '../test/interactions/tip-worker.ts'), url, communityId, String(w)],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TIP_WORKER_LIMIT: String(limit) } },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}'))
        : reject(new Error(`worker exit ${code}`)),
    );
  });
}

async function postgresTwoProcesses(perWorker: number): Promise<number> {
  const db = await createTestDatabase('postgresql');
  try {
    const handles = [
      ...Array.from({ length: PLAN.members }, (_, i) => `m${String(i).padStart(3, '0')}`),
      ...Array.from({ length: PLAN.poorMembers }, (_, i) => `p${String(i).padStart(3, '0')}`),
    ];
    const f = await ledgerFixture(db, { handles, communityKey: 'bench' });
    const results = await Promise.all([0, 1].map((w) => worker(db.url, f.community.id, w, perWorker)));
    // Each worker times its own sending (process start-up excluded); the slower one bounds the pair.
    return results.reduce((n, r) => n + r.applied, 0) / Math.max(...results.map((r) => r.seconds));
  } finally {
    await db.drop();
  }
}

export async function run(report: BenchReport): Promise<void> {
  const n = Number(process.env.LEDGER_BENCH_TIPS ?? 2000);
  report({ name: 'tips/s SQLite (sequential)', value: await sqliteTipsPerSecond(n, 1), unit: 'tips/s' });
  report({ name: 'tips/s SQLite (16 in flight)', value: await sqliteTipsPerSecond(n, 16), unit: 'tips/s' });
  report({
    name: 'tips/s PostgreSQL, 2 processes × 24 in flight',
    value: await postgresTwoProcesses(n / 2),
    unit: 'tips/s',
    note: 'applied tips over the slower worker’s sending time',
  });
}
