import { CronExpressionParser } from 'cron-parser';
import type { Clock } from '../../core/ports/clock.ts';
import type { JobQueue, QueueStats } from '../../core/ports/job-queue.ts';
import type { JobSchedule, PeriodicJob } from '../../core/ports/jobs.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { type Metrics, noMetrics } from '../../core/ports/metrics.ts';

export interface InProcessSchedulerOptions {
  clock: Clock;
  log: Logger;
  /**
   * Arm a timer for the next due job (default true). Without timers nothing runs by itself: the caller drives
   * runDue(), which is how tests move a manual clock and see exactly the runs that are due.
   */
  timers?: boolean;
  /** The longest sleep between looks at the clock, so a suspended machine or a clock jump is noticed. Default 60 s. */
  maxSleepMs?: number;
  /** Where each run is counted. Default: nowhere. */
  metrics?: Metrics;
  /** How soon a `runAtStart` job first runs. Default 1 s (after start-up work, not in the middle of it). */
  startDelayMs?: number;
  /**
   * A failed run is tried again after `delayMs`, doubling each time, up to `limit` times (never later than the
   * job's next regular run); after the last try it is dead-lettered: logged and counted. Default 3 × 30 s.
   */
  retry?: { limit: number; delayMs: number };
}

interface Entry {
  job: PeriodicJob;
  next: Date;
  running: Promise<void> | null;
  /** Failed runs in a row. */
  failures: number;
}

/**
 * The JobScheduler of a single process: one timer armed for the earliest due job, cron expressions evaluated in
 * their own time zone (cron-parser), runs of one job never overlapping. A queue-backed scheduler (pg-boss) can take
 * its place behind the same port when jobs should be spread over processes.
 */
export class InProcessScheduler implements JobQueue {
  readonly #entries = new Map<string, Entry>();
  readonly #listeners = new Map<string, Array<() => void>>();
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #timers: boolean;
  readonly #maxSleepMs: number;
  readonly #startDelayMs: number;
  readonly #metrics: Metrics;
  readonly #retry: { limit: number; delayMs: number };
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(options: InProcessSchedulerOptions) {
    this.#clock = options.clock;
    this.#log = options.log.child({ ns: 'adapter:jobs' });
    this.#timers = options.timers ?? true;
    this.#maxSleepMs = options.maxSleepMs ?? 60_000;
    this.#startDelayMs = options.startDelayMs ?? 1_000;
    this.#metrics = options.metrics ?? noMetrics;
    this.#retry = options.retry ?? { limit: 3, delayMs: 30_000 };
  }

  /** One process: a change is heard here, at once. */
  async changed(topic: string): Promise<void> {
    for (const listener of this.#listeners.get(topic) ?? []) listener();
  }

  onChanged(topic: string, listener: () => void): void {
    this.#listeners.set(topic, [...(this.#listeners.get(topic) ?? []), listener]);
  }

  /** Timers are armed as jobs are scheduled: nothing more to start in one process. */
  async start(): Promise<void> {}

  async ready(): Promise<boolean> {
    return !this.#stopped;
  }

  /** Due jobs not yet started count as waiting, by kind. */
  async stats(): Promise<QueueStats[]> {
    const now = this.#clock.now().getTime();
    const byKind = new Map<string, QueueStats>();
    for (const entry of this.#entries.values()) {
      const queue = entry.job.kind ?? entry.job.name;
      const stats = byKind.get(queue) ?? { queue, waiting: 0, active: 0, oldestWaitingSeconds: 0 };
      if (entry.running) stats.active++;
      else if (entry.next.getTime() <= now) {
        stats.waiting++;
        stats.oldestWaitingSeconds = Math.max(stats.oldestWaitingSeconds, (now - entry.next.getTime()) / 1000);
      }
      byKind.set(queue, stats);
    }
    return [...byKind.values()];
  }

  schedule(job: PeriodicJob): void {
    if (this.#stopped) return;
    const now = this.#clock.now();
    const next = job.runAtStart ? new Date(now.getTime() + this.#startDelayMs) : nextAfter(job.schedule, now);
    const running = this.#entries.get(job.name)?.running ?? null;
    this.#entries.set(job.name, { job, next, running, failures: 0 });
    this.#arm();
  }

  cancel(name: string): void {
    this.#entries.delete(name);
    this.#arm();
  }

  nextRun(name: string): Date | null {
    return this.#entries.get(name)?.next ?? null;
  }

  names(): string[] {
    return [...this.#entries.keys()];
  }

  /** Starts every job whose time has come (one still running is left alone) and waits for those it started. */
  async runDue(): Promise<void> {
    await Promise.all(this.#startDue());
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await Promise.allSettled([...this.#entries.values()].map((e) => e.running));
  }

  #startDue(): Promise<void>[] {
    const now = this.#clock.now();
    const started: Promise<void>[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.running || entry.next.getTime() > now.getTime()) continue;
      entry.next = nextAfter(entry.job.schedule, now);
      const run = this.#runOne(entry).finally(() => {
        entry.running = null;
        // A run that outlasted its next time is due now: look again rather than wait for the next timer.
        this.#arm();
      });
      entry.running = run;
      started.push(run);
    }
    return started;
  }

  async #runOne(entry: Entry): Promise<void> {
    const started = performance.now();
    let ok = true;
    try {
      await entry.job.run();
    } catch (error) {
      ok = false;
      this.#log.error({ err: error, job: entry.job.name }, 'job failed');
    }
    const seconds = (performance.now() - started) / 1000;
    const kind = entry.job.kind ?? entry.job.name;
    this.#metrics.jobRan({ job: kind, ok, seconds });
    entry.failures = ok ? 0 : entry.failures + 1;
    if (ok) return;
    if (entry.failures > this.#retry.limit) {
      // Dead-lettered: the job stays scheduled, its next regular run starts the count again.
      this.#log.error({ job: entry.job.name, tries: entry.failures }, 'job dead-lettered after its last retry');
      this.#metrics.jobDeadLettered?.({ job: kind });
      entry.failures = 0;
      return;
    }
    const retryAt = this.#clock.now().getTime() + this.#retry.delayMs * 2 ** (entry.failures - 1);
    if (retryAt < entry.next.getTime()) entry.next = new Date(retryAt);
  }

  #arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (!this.#timers || this.#stopped) return;
    const waiting = [...this.#entries.values()].filter((e) => !e.running).map((e) => e.next.getTime());
    if (waiting.length === 0) return;
    const delay = Math.min(Math.max(Math.min(...waiting) - this.#clock.now().getTime(), 0), this.#maxSleepMs);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#startDue();
      this.#arm();
    }, delay);
    this.#timer.unref();
  }
}

/** The next time a schedule fires after `now`. */
export function nextAfter(schedule: JobSchedule, now: Date): Date {
  if ('everyMs' in schedule) return new Date(now.getTime() + schedule.everyMs);
  return CronExpressionParser.parse(schedule.cron, { tz: schedule.timezone, currentDate: now }).next().toDate();
}
