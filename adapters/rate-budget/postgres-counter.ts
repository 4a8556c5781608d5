import type pg from 'pg';
import type { Clock } from '../../core/ports/clock.ts';
import type { WindowCounter } from './windowed-budget.ts';

/** Past windows are deleted this often (and kept this long), so the table holds a minute of rows at most. */
const PRUNE_EVERY_MS = 60_000;

/**
 * The windows in PostgreSQL, shared by every process on the database: one statement takes a call, atomically, by
 * inserting the window's row or incrementing it while it is below the limit (the row lock orders concurrent takers).
 * It runs on the driver's pool, not through Prisma: it sits in front of every platform call.
 */
export class PostgresWindowCounter implements WindowCounter {
  #prunedAt = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: Clock,
  ) {}

  async tryTake(platform: string, windowStart: number, limit: number): Promise<boolean> {
    if (limit <= 0) return false;
    await this.#pruneNowAndThen(windowStart);
    const result = await this.pool.query(
      `INSERT INTO "RateBudgetWindow" ("platform", "windowStart", "used") VALUES ($1, $2, 1)
       ON CONFLICT ("platform", "windowStart") DO UPDATE SET "used" = "RateBudgetWindow"."used" + 1
       WHERE "RateBudgetWindow"."used" < $3
       RETURNING "used"`,
      [platform, windowStart, limit],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async #pruneNowAndThen(windowStart: number): Promise<void> {
    const now = this.clock.now().getTime();
    if (now - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = now;
    await this.pool.query(`DELETE FROM "RateBudgetWindow" WHERE "windowStart" < $1`, [windowStart - PRUNE_EVERY_MS]);
  }
}
