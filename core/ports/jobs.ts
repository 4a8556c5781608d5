/**
 * Periodic work (feed polling, digest timers, retraining, sweeps, reports, leaderboard snapshots) behind one port, so
 * the same jobs run in process today and on a job queue later. Correctness never depends on a tick: jobs are
 * idempotent (claimed rows, compare-and-set), so a late, doubled or missed run changes nothing.
 */
export type JobSchedule =
  /** Every `everyMs` milliseconds. A queue-backed scheduler may round this to whole minutes. */
  | { everyMs: number }
  /** At each match of a five-field cron expression in an IANA time zone. */
  | { cron: string; timezone: string };

export interface PeriodicJob {
  /** Unique and stable (`content:poll`, `digest:<scheduleId>`): scheduling a job by an existing name replaces it. */
  name: string;
  /** What the job is when its name carries an instance (`digest` for `digest:<schedule id>`): metrics count by it. */
  kind?: string;
  schedule: JobSchedule;
  /** Also run once soon after being scheduled (a catch-up after downtime). */
  runAtStart?: boolean;
  run(): Promise<unknown>;
}

export interface JobScheduler {
  /** Starts running `job` on its schedule; a run never overlaps the previous run of the same job. */
  schedule(job: PeriodicJob): void;
  cancel(name: string): void;
  /** When the job runs next, or null when no job has that name. */
  nextRun(name: string): Date | null;
  /** Names of the scheduled jobs. */
  names(): string[];
  /**
   * Tells every process's scheduler that what `topic` names changed (`digest-schedules`: one was added, changed or
   * removed), so jobs built from stored rows are re-armed at once everywhere, not at the next restart.
   */
  changed(topic: string): Promise<void>;
  /** Calls `listener` whenever any process (this one included) says `topic` changed. */
  onChanged(topic: string, listener: () => void): void;
  /** Stops scheduling and waits for runs in progress. */
  stop(): Promise<void>;
}
