import { InProcessScheduler } from '../adapters/jobs/in-process-scheduler.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { JobQueue } from '../core/ports/job-queue.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { Metrics } from '../core/ports/metrics.ts';
import type { Config } from './config.ts';

/**
 * The JobQueue for this process: pg-boss on PostgreSQL, shared by every process; on SQLite (one process) the
 * in-process scheduler, with the same retries and dead letters. pg-boss (and the pg driver under it) is imported only
 * for PostgreSQL, so a SQLite start never loads it.
 */
export async function createJobQueue(options: {
  config: Config;
  clock: Clock;
  log: Logger;
  metrics: Metrics | undefined;
  takesJobs: boolean;
  kind: 'in-process' | 'pg-boss';
}): Promise<JobQueue> {
  const { config, clock, log, metrics } = options;
  const retry = { limit: config.JOB_RETRY_LIMIT, delaySeconds: config.JOB_RETRY_DELAY_SECONDS };
  if (options.kind === 'pg-boss' && config.DATABASE_URL.provider === 'postgresql') {
    const { PgBossJobQueue } = await import('../adapters/jobs/pg-boss-queue.ts');
    return new PgBossJobQueue({
      connectionString: config.DATABASE_URL.url,
      clock,
      log,
      metrics,
      takesJobs: options.takesJobs,
      retry,
      expireSeconds: config.JOB_EXPIRE_SECONDS,
      pollSeconds: config.JOB_POLL_SECONDS,
    });
  }
  return new InProcessScheduler({
    clock,
    log,
    metrics,
    retry: { limit: retry.limit, delayMs: retry.delaySeconds * 1000 },
  });
}
