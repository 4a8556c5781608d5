import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { PostgresWindowCounter } from './postgres-counter.ts';
import { MemoryWindowCounter, type WindowCounter, WindowedRateBudget } from './windowed-budget.ts';

/** Records the window each granted call was counted in. */
function recording(counter: WindowCounter, granted: number[]): WindowCounter {
  return {
    async tryTake(platform, windowStart, limit) {
      const ok = await counter.tryTake(platform, windowStart, limit);
      if (ok) granted.push(windowStart);
      return ok;
    },
  };
}

const perWindow = (granted: number[]) => {
  const counts = new Map<number, number>();
  for (const w of granted) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts.entries()].sort(([a], [b]) => a - b).map(([, n]) => n);
};

describe('WindowedRateBudget in memory (one process)', () => {
  it('lets `limit` calls through per window and makes the rest wait for the next windows, in order', async () => {
    const clock = new ManualClock('2026-12-01T00:00:00.000Z');
    const slept: number[] = [];
    const granted: number[] = [];
    const budget = new WindowedRateBudget({
      counter: recording(new MemoryWindowCounter(), granted),
      limits: { telegram: 3 },
      clock,
      log: silentLogger,
      random: () => 0.5,
      sleep: async (ms) => {
        slept.push(ms);
        clock.advance(ms);
      },
    });
    for (let i = 0; i < 7; i++) await budget.take('telegram');
    expect(perWindow(granted)).toEqual([3, 3, 1]);
    // Each wait ends at the next window's start plus the jitter (half of 25 ms here), counted from where it began.
    expect(slept).toEqual([1_012, 1_000]);
  });

  it('does not limit a platform without a limit, and lets a call through after maxWaitMs', async () => {
    const clock = new ManualClock('2026-12-01T00:00:00.000Z');
    const budget = new WindowedRateBudget({
      counter: new MemoryWindowCounter(),
      limits: { discord: 0 },
      clock,
      log: silentLogger,
      maxWaitMs: 5_000,
      sleep: async (ms) => clock.advance(ms),
    });
    for (let i = 0; i < 5; i++) await budget.take('slack');
    const start = clock.now().getTime();
    await budget.take('discord');
    expect(clock.now().getTime() - start).toBeGreaterThanOrEqual(5_000);
  });
});

describe('WindowedRateBudget on PostgreSQL (several processes)', () => {
  let db: TestDatabase;
  const pools: pg.Pool[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
  });
  afterAll(async () => {
    for (const pool of pools) await pool.end();
    await db?.drop();
  });

  it('two processes drawing at once share one budget: never more than the limit in a window', async () => {
    const granted: number[] = [];
    // Two budgets on two pools of their own: two processes as far as PostgreSQL can tell.
    const budgets = [0, 1].map(() => {
      const pool = new pg.Pool({ connectionString: db.url, max: 4 });
      // Dropping the database at the end ends any connection still closing; that is the test's doing, not a failure.
      pool.on('error', () => {});
      pools.push(pool);
      return new WindowedRateBudget({
        counter: recording(new PostgresWindowCounter(pool, systemClock), granted),
        limits: { discord: 5 },
        windowMs: 250,
        clock: systemClock,
        log: silentLogger,
      });
    });
    const calls = Array.from({ length: 24 }, (_, i) => budgets[i % 2]?.take('discord'));
    await Promise.all(calls);
    expect(granted).toHaveLength(24);
    const counts = perWindow(granted);
    expect(Math.max(...counts)).toBeLessThanOrEqual(5);
    expect(counts.length).toBeGreaterThanOrEqual(5); // 24 calls at 5 a window need five windows
    const pool = pools[0] as pg.Pool;
    const stored = await pool.query<{ used: string }>(`SELECT sum("used") AS used FROM "RateBudgetWindow"`);
    expect(Number(stored.rows[0]?.used)).toBe(24);
  });
});
