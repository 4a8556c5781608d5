import { PostgresWindowCounter } from '../adapters/rate-budget/postgres-counter.ts';
import { MemoryWindowCounter, WindowedRateBudget } from '../adapters/rate-budget/windowed-budget.ts';
import type { Database } from '../adapters/storage/database.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { RateBudget } from '../core/ports/rate-budget.ts';
import type { Config } from './config.ts';

/**
 * The platforms' shared call budget (docs/adr/0017-shared-rate-limit-budget.md): in PostgreSQL when the app runs on
 * it (any number of processes draw from one budget), in memory on SQLite (one process).
 */
export function createRateBudget(config: Config, database: Database, clock: Clock, log: Logger): RateBudget {
  const counter =
    database.driver.provider === 'postgresql'
      ? new PostgresWindowCounter(database.driver.pool, clock)
      : new MemoryWindowCounter();
  return new WindowedRateBudget({
    counter,
    limits: {
      discord: config.RATE_BUDGET_DISCORD_PER_SECOND,
      slack: config.RATE_BUDGET_SLACK_PER_SECOND,
      telegram: config.RATE_BUDGET_TELEGRAM_PER_SECOND,
    },
    clock,
    log: log.child({ ns: 'adapter:rate-budget' }),
  });
}
