/**
 * One of the processes of the concurrency test: `node --import tsx tip-worker.ts <database url> <community id> <worker>`.
 * Runs on SQLite (`file:`) or PostgreSQL. Sends its deliveries with many in flight at once and prints a JSON summary
 * on stdout.
 */
import { PrismaMemberStore } from '../../adapters/storage/community-stores.ts';
import { openDatabase, parseDatabaseUrl } from '../../adapters/storage/database.ts';
import { createLedgerStore } from '../../adapters/storage/interactions-storage.ts';
import type { Community } from '../../core/domain/types.ts';
import { LedgerService } from '../../core/interactions/ledger-service.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { type PlannedTip, poorDeliveries, workerDeliveries } from './tip-plan.ts';

const [url, communityId, workerArg] = process.argv.slice(2);
const worker = Number(workerArg);
const target = parseDatabaseUrl(url as string);
if (!target) throw new Error(`not a database url: ${url}`);
const db = await openDatabase(target, { log: silentLogger, migrate: false });
const community = (await db.prisma.community.findUniqueOrThrow({ where: { id: communityId as string } })) as Community;
const members = (await new PrismaMemberStore(db.prisma).list(community.id, { limit: 1000 })).sort((a, b) =>
  a.handle.localeCompare(b.handle),
);
const store = createLedgerStore(db);
const NOW = new Date('2026-11-20T02:00:00.000Z');
const generous = new LedgerService({
  store,
  log: silentLogger,
  policy: { dailyAllowance: 1_000_000, dailySendCap: 1_000_000_000, pairCooldownMs: 0 },
});
const strict = new LedgerService({
  store,
  log: silentLogger,
  policy: { dailyAllowance: 0, pairCooldownMs: 0 },
});

const counts = { applied: 0, duplicate: 0, refused: 0, failed: 0, failures: [] as string[] };

async function send(ledger: LedgerService, tip: PlannedTip): Promise<void> {
  try {
    const receipt = await ledger.tip({
      community,
      sender: members[tip.from]!,
      recipient: members[tip.to]!,
      amount: tip.amount,
      reason: null,
      idempotencyKey: tip.key,
      now: NOW,
      platform: 'console',
    });
    if (receipt.duplicate) counts.duplicate++;
    else counts.applied++;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'TIP_INSUFFICIENT_FUNDS') counts.refused++;
    else {
      counts.failed++;
      if (counts.failures.length < 5) counts.failures.push(String((error as Error).message ?? error).slice(0, 300));
    }
  }
}

/** Runs deliveries with `width` in flight: more than the pool's connections, so transactions queue and contend. */
async function pump(ledger: LedgerService, deliveries: PlannedTip[], width: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < deliveries.length) await send(ledger, deliveries[next++]!);
    }),
  );
}

const started = performance.now();
const startedAt = Date.now();
// TIP_WORKER_LIMIT / TIP_WORKER_WIDTH: shorter or narrower runs (the bench, profiling); the test sends everything.
const limit = Number(process.env.TIP_WORKER_LIMIT ?? Number.POSITIVE_INFINITY);
const width = Number(process.env.TIP_WORKER_WIDTH ?? 24);
await pump(generous, workerDeliveries(worker).slice(0, limit), width);
await pump(strict, poorDeliveries(worker), width);
const seconds = (performance.now() - started) / 1000;
const finishedAt = Date.now();
await db.close();
process.stdout.write(`${JSON.stringify({ worker, seconds, startedAt, finishedAt, ...counts })}\n`);
