import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type LedgerFixture, ledgerFixture } from './ledger-fixture.ts';
import { PLAN, poorDeliveries, tipPlan, workerDeliveries } from './tip-plan.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

interface WorkerResult {
  worker: number;
  seconds: number;
  /** Wall-clock window in which the worker sent its deliveries (ms since the epoch). */
  startedAt: number;
  finishedAt: number;
  applied: number;
  duplicate: number;
  refused: number;
  failed: number;
  failures: string[];
}

function runWorker(url: string, communityId: string, worker: number): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'tip-worker.ts'), url, communityId, String(worker)],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TIP_WORKER_WIDTH: String(IN_FLIGHT) } },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{'))
        reject(new Error(`worker ${worker} exited ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(line) as WorkerResult);
    });
  });
}

/** Tips in flight per worker process: well above PostgreSQL's pool, and enough to fill SQLite's group commits. */
const IN_FLIGHT = 24;

/**
 * 10,000 tips (plus repeated deliveries, within and across processes) from two processes against one database, on
 * SQLite (one file shared by both processes) and on PostgreSQL, each process with 24 tips in flight, then an
 * overspending race. Checks that nothing is lost, nothing is applied twice, balances match the plan to the point, no
 * account is overdrawn, the postings sum to zero, and every tip has its tip.sent event (and no event lacks its tip).
 */
describe.each(['sqlite', 'postgresql'] as const)('ledger under concurrent tips from two processes (%s)', (provider) => {
  let db: TestDatabase;
  let f: LedgerFixture;
  let results: WorkerResult[];

  beforeAll(async () => {
    db = await createTestDatabase(provider);
    const handles = [
      ...Array.from({ length: PLAN.members }, (_, i) => `m${String(i).padStart(3, '0')}`),
      ...Array.from({ length: PLAN.poorMembers }, (_, i) => `p${String(i).padStart(3, '0')}`),
    ];
    f = await ledgerFixture(db, { handles, communityKey: 'concurrency' });
    for (let p = 0; p < PLAN.poorMembers; p++) {
      await f.ledger.adjust({
        community: f.community,
        moderator: f.members.m000!,
        member: f.members[handles[PLAN.members + p]!]!,
        action: 'grant',
        amount: PLAN.poorBalance,
        reason: 'starting balance',
        idempotencyKey: `seed-${p}`,
        now: new Date('2026-11-20T01:00:00Z'),
      });
    }
    results = await Promise.all([0, 1].map((w) => runWorker(db.url, f.community.id, w)));
  }, 900_000);

  afterAll(async () => {
    await db?.drop();
  }, 120_000);

  it('applies every tip exactly once and answers repeats as duplicates', () => {
    for (const r of results) expect(r.failures).toEqual([]);
    const sent = results.reduce((n, r) => n + r.applied + r.duplicate + r.refused, 0);
    const deliveries = [0, 1].reduce((n, w) => n + workerDeliveries(w).length + poorDeliveries(w).length, 0);
    expect(sent).toBe(deliveries);
    const poorSuccesses = PLAN.poorMembers * PLAN.poorBalance;
    expect(results.reduce((n, r) => n + r.applied, 0)).toBe(PLAN.tips + poorSuccesses);
    expect(results.reduce((n, r) => n + r.duplicate, 0)).toBe(2 * (PLAN.crossDuplicates + PLAN.ownDuplicates));
    expect(results.reduce((n, r) => n + r.refused, 0)).toBe(
      2 * PLAN.poorMembers * PLAN.poorAttemptsPerWorker - poorSuccesses,
    );
  });

  it('leaves every balance exactly as planned, none negative, and the ledger balanced', async () => {
    const expected = new Map<string, number>();
    const handles = Object.keys(f.members).sort();
    for (const tip of tipPlan()) {
      const to = f.members[handles[tip.to]!]!.id;
      expected.set(to, (expected.get(to) ?? 0) + tip.amount);
    }
    const accounts = await db.prisma.ledgerAccount.findMany({
      where: { communityId: f.community.id, key: { startsWith: 'member:' } },
    });
    const actual = new Map(accounts.map((a) => [a.memberId as string, a.balance]));
    // Poor members spent everything; their recipients got those points on top of the plan.
    for (let p = 0; p < PLAN.poorMembers; p++) expect(actual.get(f.members[handles[PLAN.members + p]!]!.id)).toBe(0);
    let planned = 0;
    let poorReceived = 0;
    for (let m = 0; m < PLAN.members; m++) {
      const id = f.members[handles[m]!]!.id;
      const extra = (actual.get(id) ?? 0) - (expected.get(id) ?? 0);
      expect(extra).toBeGreaterThanOrEqual(0);
      poorReceived += extra;
      planned += expected.get(id) ?? 0;
    }
    expect(poorReceived).toBe(PLAN.poorMembers * PLAN.poorBalance);
    expect(planned).toBe(tipPlan().reduce((n, t) => n + t.amount, 0));
    expect(Math.min(...accounts.map((a) => a.balance))).toBeGreaterThanOrEqual(0);
    const trial = await f.store.trialBalance(f.community.id);
    expect(trial).toEqual({
      postingsSum: 0,
      transfers: PLAN.tips + PLAN.poorMembers * PLAN.poorBalance + PLAN.poorMembers,
      mismatchedAccounts: 0,
    });
  });

  it('ran the two processes against each other, not one after the other', () => {
    // The suite means something only if both processes' transactions contended: their sending windows overlap.
    const [a, b] = results as [WorkerResult, WorkerResult];
    expect(Math.max(a.startedAt, b.startedAt)).toBeLessThan(Math.min(a.finishedAt, b.finishedAt));
  });

  it('writes every tip’s event with it, once, and no event without its tip', async () => {
    const tips = await db.prisma.ledgerTransfer.findMany({
      where: { communityId: f.community.id, kind: 'tip' },
      select: { id: true, actorId: true, toMemberId: true, amount: true },
    });
    const events = await db.prisma.interactionEvent.findMany({
      where: { communityId: f.community.id, verb: 'tip.sent' },
      select: { objectId: true, actorId: true, targetMemberId: true, metadata: true, dedupKey: true },
    });
    expect(tips).toHaveLength(PLAN.tips + PLAN.poorMembers * PLAN.poorBalance);
    expect(events).toHaveLength(tips.length);
    const byTransfer = new Map(events.map((e) => [e.objectId, e]));
    const mismatched = tips.filter((t) => {
      const e = byTransfer.get(t.id);
      return (
        !e ||
        e.dedupKey !== `tip:${t.id}` ||
        e.actorId !== t.actorId ||
        e.targetMemberId !== t.toMemberId ||
        (e.metadata as { amount?: number }).amount !== t.amount
      );
    });
    expect(mismatched).toEqual([]);
    expect(await f.store.integrity(f.community.id)).toMatchObject({
      postingsSum: 0,
      unbalancedTransfers: 0,
      mismatchedAccounts: 0,
      transfersWithoutEvent: 0,
      eventsWithoutTransfer: 0,
    });
  });

  it('has each worker send all of its deliveries, and reports their rate', () => {
    // No timing assertion (speed targets live in bench/); what is asserted is that each worker's figure covers
    // exactly its own share of the plan, so the printed rate means what it says.
    expect(results.map((r) => r.worker).sort()).toEqual([0, 1]);
    for (const r of results) {
      expect(r.applied + r.duplicate + r.refused + r.failed).toBe(
        workerDeliveries(r.worker).length + poorDeliveries(r.worker).length,
      );
      expect(Number.isFinite(r.seconds) && r.seconds > 0).toBe(true);
    }
    console.info(
      `${provider}: ${results
        .map((r) => {
          const sent = r.applied + r.duplicate + r.refused;
          return `worker ${r.worker}: ${sent} deliveries in ${r.seconds.toFixed(1)} s (${Math.round(sent / r.seconds)}/s)`;
        })
        .join('; ')}`,
    );
  });
});
