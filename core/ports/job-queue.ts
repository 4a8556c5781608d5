import type { JobScheduler } from './jobs.ts';

/** One queue's backlog, for the ops port (queue depth and age). */
export interface QueueStats {
  /** The job kind the queue carries (`content:poll`, `digest`). */
  queue: string;
  /** Runs waiting to start (due now or retrying). */
  waiting: number;
  /** Runs in progress on some process. */
  active: number;
  /** How long the oldest waiting run has been due, in seconds; 0 when none waits. */
  oldestWaitingSeconds: number;
}

/**
 * The JobScheduler that spreads runs over processes: features schedule periodic jobs through it as before, and each
 * slot of a job becomes one queued run (keyed by job and slot, so every process may announce it and it still runs
 * once), retried with back-off and dead-lettered after its last try. Delivery is at least once: what a run did is
 * recorded by the claimed-slot and outbox rows, never by the queue.
 */
export interface JobQueue extends JobScheduler {
  /** Starts announcing due slots and, in a process that takes jobs, running them. */
  start(): Promise<void>;
  /** The backlog per queue. */
  stats(): Promise<QueueStats[]>;
  /** Whether the queue's store answers (/readyz). */
  ready(): Promise<boolean>;
}
