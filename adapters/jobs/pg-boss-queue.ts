import pg from 'pg';
import PgBoss from 'pg-boss';
import type { Clock } from '../../core/ports/clock.ts';
import type { JobQueue, QueueStats } from '../../core/ports/job-queue.ts';
import type { PeriodicJob } from '../../core/ports/jobs.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { type Metrics, noMetrics } from '../../core/ports/metrics.ts';
import { InProcessScheduler } from './in-process-scheduler.ts';
import { queueNameOf, slotId, slotOf } from './slots.ts';

/** The NOTIFY channel of `changed(topic)`: the payload is the topic. */
export const CHANGES_CHANNEL = 'cohort_job_changes';

export interface PgBossQueueOptions {
  connectionString: string;
  clock: Clock;
  log: Logger;
  metrics?: Metrics;
  /** Run jobs here (a worker, or `all`); otherwise this process only announces slots. */
  takesJobs: boolean;
  /** Failed runs are retried `limit` times, `delaySeconds` apart and doubling (pg-boss's back-off). */
  retry: { limit: number; delaySeconds: number };
  /** A run still active after this long is counted lost (its process died) and retried elsewhere. */
  expireSeconds: number;
  /** How often a worker looks for jobs. */
  pollSeconds: number;
  /** The PostgreSQL schema of pg-boss's tables. Default `pgboss`. */
  schema?: string;
  /** How long stop() lets runs in progress finish before failing them back to the queue. Default 8 s. */
  drainMs?: number;
}

interface SlotData {
  name: string;
  slot: string;
}

const DEAD_LETTERS = 'cohort-dead-letters';

/**
 * Runs `work` again when PostgreSQL ended it as a deadlock (40P01): processes starting together create the same
 * queues (a table partition each), and the server resolves their collision by failing one of them.
 */
async function retryOnDeadlock(work: () => Promise<void>, tries = 6): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if ((error as { code?: unknown }).code !== '40P01' || attempt >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 250 * attempt));
    }
  }
}

/**
 * The JobQueue on PostgreSQL, with pg-boss 10 (docs/adr/0016). Every process announces the slots of the jobs it
 * knows (a local timer per job): each slot is sent with an id derived from job and slot, so however many processes
 * announce it, the queue holds it once. Workers take runs from one queue per job kind; a queue's `singleton` policy
 * keyed by job name keeps two runs of one job from overlapping across processes. A failed run is retried with
 * back-off and, after its last try, moved to the dead-letter queue; a run whose process died expires and is retried
 * by another worker. The claimed-slot and outbox rows stay the record of what a run did.
 */
export class PgBossJobQueue implements JobQueue {
  readonly #boss: PgBoss;
  readonly #options: PgBossQueueOptions;
  readonly #log: Logger;
  readonly #metrics: Metrics;
  readonly #jobs = new Map<string, PeriodicJob>();
  /** Announces slots; it never runs a job itself. */
  readonly #ticker: InProcessScheduler;
  /** Queues made ready (created, and worked in a worker), by queue name; the job kind each carries. */
  readonly #queues = new Map<string, { kind: string; ready: Promise<void> }>();
  /** Queue creation runs one at a time: pg-boss makes a table partition per queue, and two at once can deadlock. */
  #creating: Promise<unknown> = Promise.resolve();
  #started = false;
  #stopped = false;
  readonly #listeners = new Map<string, Array<() => void>>();
  #listener: pg.Client | null = null;

  constructor(options: PgBossQueueOptions) {
    this.#options = options;
    this.#log = options.log.child({ ns: 'adapter:jobs', queue: 'pg-boss' });
    this.#metrics = options.metrics ?? noMetrics;
    this.#ticker = new InProcessScheduler({ clock: options.clock, log: this.#log, retry: { limit: 0, delayMs: 1 } });
    this.#boss = new PgBoss({
      connectionString: options.connectionString,
      schema: options.schema ?? 'pgboss',
      application_name: 'cohort-jobs',
      max: 4,
      // Slots are announced by our own timers (any cron in its own time zone, any interval): pg-boss's cron is unused.
      schedule: false,
      supervise: true,
      // Lost runs are found by the maintenance pass: look as often as a run may take to expire.
      maintenanceIntervalSeconds: Math.min(Math.max(options.expireSeconds, 1), 120),
    });
    this.#boss.on('error', (error) => this.#log.error({ err: error }, 'job queue error'));
  }

  /** PostgreSQL NOTIFY on one channel: every process that takes jobs LISTENs, and re-arms what the topic names. */
  async changed(topic: string): Promise<void> {
    if (this.#stopped) return;
    const notify = 'SELECT pg_notify($1, $2)';
    if (this.#started) {
      await this.#boss.getDb().executeSql(notify, [CHANGES_CHANNEL, topic]);
      return;
    }
    // A gateway's queue is never started (it takes no jobs): one short connection says it.
    const client = new pg.Client({ connectionString: this.#options.connectionString });
    await client.connect();
    try {
      await client.query(notify, [CHANGES_CHANNEL, topic]);
    } finally {
      await client.end();
    }
  }

  onChanged(topic: string, listener: () => void): void {
    this.#listeners.set(topic, [...(this.#listeners.get(topic) ?? []), listener]);
  }

  #heard(topic: string): void {
    for (const listener of this.#listeners.get(topic) ?? []) listener();
  }

  /**
   * One connection of its own, LISTENing for changes. Lost (a server restart), it reconnects after a pause and then
   * tells every listener that everything may have changed, since a NOTIFY sent meanwhile was not heard.
   */
  async #listen(): Promise<void> {
    if (this.#stopped) return;
    const client = new pg.Client({
      connectionString: this.#options.connectionString,
      application_name: 'cohort-jobs-listen',
    });
    const again = (error?: unknown) => {
      if (this.#listener !== client || this.#stopped) return;
      this.#listener = null;
      this.#log.warn({ err: error }, 'change listener lost; reconnecting');
      client.end().catch(() => undefined);
      const timer = setTimeout(() => {
        void this.#listen().then(() => {
          for (const topic of this.#listeners.keys()) this.#heard(topic);
        });
      }, 5_000);
      timer.unref();
    };
    this.#listener = client;
    client.on('error', again);
    client.on('end', () => again());
    client.on('notification', (message) => {
      if (message.channel === CHANGES_CHANNEL && message.payload) this.#heard(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      again(error);
    }
  }

  schedule(job: PeriodicJob): void {
    if (this.#stopped) return;
    this.#jobs.set(job.name, job);
    if (this.#started) this.#arm(job);
  }

  cancel(name: string): void {
    this.#jobs.delete(name);
    this.#ticker.cancel(name);
  }

  nextRun(name: string): Date | null {
    return this.#ticker.nextRun(name);
  }

  names(): string[] {
    return [...this.#jobs.keys()];
  }

  async start(): Promise<void> {
    if (this.#started || this.#stopped) return;
    await this.#boss.start();
    await retryOnDeadlock(() =>
      this.#boss.createQueue(DEAD_LETTERS, { name: DEAD_LETTERS, retentionMinutes: 14 * 24 * 60 }),
    );
    this.#started = true;
    if (this.#options.takesJobs) await this.#listen();
    for (const job of this.#jobs.values()) this.#arm(job);
    await Promise.all([...this.#queues.values()].map((q) => q.ready));
    this.#log.info({ jobs: this.#jobs.size, takesJobs: this.#options.takesJobs }, 'job queue started');
  }

  async ready(): Promise<boolean> {
    if (!this.#started || this.#stopped) return false;
    await this.#boss.getDb().executeSql('SELECT 1', []);
    return true;
  }

  async stats(): Promise<QueueStats[]> {
    if (!this.#started) return [];
    const schema = this.#options.schema ?? 'pgboss';
    const { rows } = await this.#boss.getDb().executeSql(
      `SELECT name,
         count(*) FILTER (WHERE state IN ('created', 'retry') AND start_after <= now())::int AS waiting,
         count(*) FILTER (WHERE state = 'active')::int AS active,
         COALESCE(EXTRACT(EPOCH FROM now() - min(start_after)
           FILTER (WHERE state IN ('created', 'retry') AND start_after <= now())), 0)::float AS oldest
       FROM ${schema}.job WHERE name = ANY($1) GROUP BY name`,
      [[...this.#queues.keys()]],
    );
    const found = new Map(rows.map((r: { name: string }) => [r.name, r]));
    return [...this.#queues].map(([name, { kind }]) => {
      const row = found.get(name) as { waiting: number; active: number; oldest: number } | undefined;
      return {
        queue: kind,
        waiting: row?.waiting ?? 0,
        active: row?.active ?? 0,
        oldestWaitingSeconds: row?.oldest ?? 0,
      };
    });
  }

  /** Stops announcing and taking jobs, lets runs in progress finish (up to drainMs), then closes the pool. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const listener = this.#listener;
    this.#listener = null;
    await listener?.end().catch(() => undefined);
    await this.#ticker.stop();
    if (!this.#started) return;
    await this.#boss.stop({ graceful: true, wait: true, timeout: this.#options.drainMs ?? 8_000 });
  }

  /** Arms the job's slot timer and readies its kind's queue. */
  #arm(job: PeriodicJob): void {
    const queue = queueNameOf(job.kind ?? job.name);
    this.#ensureQueue(queue, job.kind ?? job.name);
    this.#ticker.schedule({
      name: job.name,
      schedule: job.schedule,
      ...(job.runAtStart ? { runAtStart: true } : {}),
      run: () => this.#announce(job, queue),
    });
  }

  #ensureQueue(queue: string, kind: string): void {
    if (this.#queues.has(queue)) return;
    const { retry, expireSeconds, pollSeconds } = this.#options;
    const settings = {
      name: queue,
      policy: 'singleton' as const,
      retryLimit: retry.limit,
      retryDelay: retry.delaySeconds,
      retryBackoff: true,
      expireInSeconds: expireSeconds,
      retentionMinutes: 24 * 60,
      deadLetter: DEAD_LETTERS,
    };
    const created = this.#creating.then(() =>
      retryOnDeadlock(async () => {
        await this.#boss.createQueue(queue, settings);
        // A queue made by an earlier release keeps its settings unless told the current ones.
        await this.#boss.updateQueue(queue, settings);
      }),
    );
    this.#creating = created.catch(() => undefined);
    const ready = (async () => {
      await created;
      if (!this.#options.takesJobs) return;
      await this.#boss.work<SlotData>(
        queue,
        { batchSize: 1, pollingIntervalSeconds: pollSeconds, includeMetadata: true },
        async ([run]) => {
          if (run) await this.#run(kind, run);
        },
      );
    })();
    ready.catch((error) => this.#log.error({ err: error, queue }, 'job queue not ready'));
    this.#queues.set(queue, { kind, ready });
  }

  async #announce(job: PeriodicJob, queue: string): Promise<void> {
    await this.#queues.get(queue)?.ready;
    const slot = slotOf(job.schedule, this.#options.clock.now());
    const id = await this.#boss.send(queue, { name: job.name, slot: slot.toISOString() } satisfies SlotData, {
      id: slotId(job.name, slot),
      singletonKey: job.name,
    });
    if (id) this.#log.debug({ job: job.name, slot }, 'job slot queued');
  }

  async #run(kind: string, run: PgBoss.JobWithMetadata<SlotData>): Promise<void> {
    const job = this.#jobs.get(run.data.name);
    if (!job) {
      // A job this process has not armed (a digest schedule added elsewhere an instant ago, before the change was
      // heard): the minute poll catches its slot up (the claimed-slot rows make that run the only one).
      this.#log.info({ job: run.data.name }, 'job not known in this process; left to the catch-up');
      return;
    }
    const started = performance.now();
    try {
      await job.run();
      this.#metrics.jobRan({ job: kind, ok: true, seconds: (performance.now() - started) / 1000 });
    } catch (error) {
      this.#metrics.jobRan({ job: kind, ok: false, seconds: (performance.now() - started) / 1000 });
      const last = run.retryCount >= run.retryLimit;
      this.#log.error({ err: error, job: job.name, slot: run.data.slot, try: run.retryCount + 1, last }, 'job failed');
      if (last) this.#metrics.jobDeadLettered?.({ job: kind });
      throw error;
    }
  }
}
