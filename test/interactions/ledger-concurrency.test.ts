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
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
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

/**
 * 10,000 tips (plus repeated deliveries, within and across processes) from two processes against one PostgreSQL
 * database, then an overspending race. Checks that nothing is lost, nothing is applied twice, balances match the plan
 * to the point, no account is overdrawn, and the postings sum to zero.
 */
describe('ledger under concurrent tips from two processes (PostgreSQL)', () => {
  let db: TestDatabase;
  let f: LedgerFixture;
  let results: WorkerResult[];

  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
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
    // The interaction graph saw each tip once.
    expect(await db.prisma.interactionEvent.count({ where: { communityId: f.community.id, verb: 'tip.sent' } })).toBe(
      PLAN.tips + PLAN.poorMembers * PLAN.poorBalance,
    );
  });

  it('reports throughput', () => {
    // Informational only (no timing assertion): visible with --reporter=verbose.
    console.info(
      results
        .map(
          (r) => `worker ${r.worker}: ${r.applied + r.duplicate + r.refused} deliveries in ${r.seconds.toFixed(1)} s`,
        )
        .join('; '),
    );
    expect(results).toHaveLength(2);
  });
});
