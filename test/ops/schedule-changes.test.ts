import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgBossJobQueue } from '../../adapters/jobs/pg-boss-queue.ts';
import { DigestCronRunner } from '../../core/content/digest/cron-runner.ts';
import type { DigestScheduleStore } from '../../core/content/ports.ts';
import type { DigestSchedule } from '../../core/content/types.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

/**
 * A digest schedule added through a gateway is armed on every running worker at once (PostgreSQL NOTIFY through the
 * JobQueue), not when the worker restarts. The gateway and the worker have pg-boss queues of their own on one
 * PostgreSQL, as two processes do; the gateway's queue is never started (it takes no jobs). The schedules are an
 * in-memory store both see, standing for their shared table.
 */
function schedulesStore(rows: DigestSchedule[]): DigestScheduleStore {
  return {
    create: async () => {
      throw new Error('not used');
    },
    get: async (id) => rows.find((r) => r.id === id) ?? null,
    list: async (communityId) => rows.filter((r) => r.communityId === communityId),
    listAll: async () => [...rows],
    setPaused: async () => {
      throw new Error('not used');
    },
    remove: async () => false,
  };
}

const schedule = (id: string): DigestSchedule =>
  ({
    id,
    communityId: 'c1',
    channelId: 'ch',
    cron: '0 9 * * 1',
    timezone: 'Europe/Paris',
    paused: false,
  }) as DigestSchedule;

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('digest schedule changes reach running workers at once (PostgreSQL, pg-boss)', () => {
  let db: TestDatabase;
  const queues: PgBossJobQueue[] = [];

  const queue = (takesJobs: boolean) => {
    const q = new PgBossJobQueue({
      connectionString: db.url,
      clock: systemClock,
      log: silentLogger,
      takesJobs,
      retry: { limit: 0, delaySeconds: 1 },
      expireSeconds: 60,
      pollSeconds: 60,
      drainMs: 1_000,
    });
    queues.push(q);
    return q;
  };

  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
  });

  afterAll(async () => {
    for (const q of queues) await q.stop();
    await db?.drop();
  });

  it('arms a schedule added on a gateway in a worker that was already running, and disarms a removed one', async () => {
    const rows: DigestSchedule[] = [schedule('s1')];
    const store = schedulesStore(rows);
    const runner = (scheduler: PgBossJobQueue) =>
      new DigestCronRunner({
        schedules: store,
        scheduler,
        run: async () => {},
        catchUp: async () => {},
        log: silentLogger,
      });

    const workerQueue = queue(true);
    await workerQueue.start();
    const worker = runner(workerQueue);
    await worker.start();
    expect([...worker.timers().keys()]).toEqual(['s1']);

    // The gateway runs `/digest schedule add`: its runner is never started (no jobs there), it only says so.
    const gateway = runner(queue(false));
    rows.push(schedule('s2'));
    await gateway.changed();
    await until(() => worker.timers().has('s2'), 'the worker to arm s2');
    expect(worker.timers().get('s2')).toBeInstanceOf(Date);
    expect(workerQueue.names()).toContain('digest:s2');

    rows.splice(0, 1);
    await gateway.changed();
    await until(() => !worker.timers().has('s1'), 'the worker to disarm s1');
    expect([...worker.timers().keys()]).toEqual(['s2']);
    expect(workerQueue.names()).not.toContain('digest:s1');
  });
});
