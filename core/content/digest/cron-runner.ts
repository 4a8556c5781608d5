import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../../ports/logger.ts';
import type { DigestScheduleStore } from '../ports.ts';
import type { DigestSchedule } from '../types.ts';

/**
 * Wall-clock timers: one node-cron task per active schedule, in the schedule's time zone. A tick only asks
 * DigestService to run that schedule; correctness (one post per slot, catch-up once) lives in the claimed run
 * rows, so a late, doubled or missed tick changes nothing.
 */
export class DigestCronRunner {
  readonly #tasks = new Map<string, ScheduledTask>();
  #stopped = true;

  constructor(
    private readonly deps: {
      schedules: DigestScheduleStore;
      run: (schedule: DigestSchedule) => Promise<unknown>;
      /** Runs every schedule's latest missed slot; called on start. */
      catchUp: () => Promise<unknown>;
      log: Logger;
    },
  ) {}

  async start(): Promise<void> {
    this.#stopped = false;
    await this.refresh();
    await this.deps.catchUp();
  }

  /** Re-reads the schedules and re-creates the timers (after add/remove/pause/resume). */
  async refresh(): Promise<void> {
    if (this.#stopped) return;
    this.#clear();
    for (const schedule of await this.deps.schedules.listAll()) {
      if (schedule.paused) continue;
      const task = cron.schedule(
        schedule.cron,
        async () => {
          const current = await this.deps.schedules.get(schedule.id);
          if (current) await this.deps.run(current);
        },
        { timezone: schedule.timezone, name: `digest:${schedule.id}`, noOverlap: true },
      );
      task.on('execution:failed', (ctx) =>
        this.deps.log.error({ err: ctx.execution?.error, scheduleId: schedule.id }, 'digest tick failed'),
      );
      this.#tasks.set(schedule.id, task);
    }
  }

  /** Which schedules have a timer, with its next wall-clock run. */
  timers(): Map<string, Date | null> {
    return new Map([...this.#tasks].map(([id, task]) => [id, task.getNextRun()]));
  }

  stop(): void {
    this.#stopped = true;
    this.#clear();
  }

  #clear(): void {
    for (const task of this.#tasks.values()) void task.destroy();
    this.#tasks.clear();
  }
}
