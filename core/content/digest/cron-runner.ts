import type { JobScheduler } from '../../ports/jobs.ts';
import type { Logger } from '../../ports/logger.ts';
import type { DigestScheduleStore } from '../ports.ts';
import type { DigestSchedule } from '../types.ts';

/** What `JobScheduler.changed` is told when a digest schedule is added, changed, paused or removed. */
export const SCHEDULES_TOPIC = 'digest-schedules';

/**
 * Wall-clock timers: one scheduler job per active schedule, on its cron in its own time zone. A tick only asks
 * DigestService to run that schedule; correctness (one post per slot, catch-up once) lives in the scheduled-post
 * runner's claimed rows, so a late, doubled or missed tick changes nothing.
 */
export class DigestCronRunner {
  readonly #jobs = new Map<string, string>();
  #started = false;
  #listening = false;

  constructor(
    private readonly deps: {
      schedules: DigestScheduleStore;
      scheduler: JobScheduler;
      run: (schedule: DigestSchedule) => Promise<unknown>;
      /** Runs every schedule's latest missed slot; called on start. */
      catchUp: () => Promise<unknown>;
      log: Logger;
    },
  ) {}

  async start(): Promise<void> {
    this.#started = true;
    // A schedule added, changed or removed on any process re-arms the timers here at once.
    if (!this.#listening) {
      this.#listening = true;
      this.deps.scheduler.onChanged(
        SCHEDULES_TOPIC,
        () =>
          void this.refresh().catch((error: unknown) =>
            this.deps.log.error({ err: error }, 'digest timers not re-armed after a change'),
          ),
      );
    }
    await this.refresh();
    await this.deps.catchUp();
  }

  /** A schedule changed here: re-armed in this process, and every other process told to re-arm too. */
  async changed(): Promise<void> {
    await this.refresh();
    await this.deps.scheduler.changed(SCHEDULES_TOPIC);
  }

  /** Re-reads the schedules and re-arms their jobs (after add/remove/pause/resume). */
  async refresh(): Promise<void> {
    if (!this.#started) return;
    const active = (await this.deps.schedules.listAll()).filter((s) => !s.paused);
    const wanted = new Set(active.map((s) => s.id));
    for (const [id, name] of this.#jobs) {
      if (wanted.has(id)) continue;
      this.deps.scheduler.cancel(name);
      this.#jobs.delete(id);
    }
    for (const schedule of active) {
      const name = `digest:${schedule.id}`;
      this.deps.scheduler.schedule({
        kind: 'digest',
        name,
        schedule: { cron: schedule.cron, timezone: schedule.timezone },
        run: async () => {
          const current = await this.deps.schedules.get(schedule.id);
          if (current) await this.deps.run(current);
        },
      });
      this.#jobs.set(schedule.id, name);
    }
  }

  /** Which schedules have a timer, with its next wall-clock run. */
  timers(): Map<string, Date | null> {
    return new Map([...this.#jobs].map(([id, name]) => [id, this.deps.scheduler.nextRun(name)]));
  }

  stop(): void {
    this.#started = false;
    for (const name of this.#jobs.values()) this.deps.scheduler.cancel(name);
    this.#jobs.clear();
  }
}
