import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueStats } from '../../core/ports/job-queue.ts';
import type { Metrics } from '../../core/ports/metrics.ts';

/** Command and job latencies span a fast reply (ms) to a slow digest build or retrain (tens of seconds). */
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * The Prometheus side of the Metrics port, on a registry of its own (never prom-client's global one, so two apps
 * in one test process do not share counters). Names follow Prometheus conventions: `cohort_` prefix, `_total`
 * counters, `_seconds` histograms. docs/operations.md documents each with its alert.
 */
export class PromMetrics implements Metrics {
  readonly registry = new Registry();
  readonly #commands = new Counter({
    name: 'cohort_commands_total',
    help: 'Commands answered, by command, platform and status (ok or an error code)',
    labelNames: ['command', 'platform', 'status'] as const,
    registers: [this.registry],
  });
  readonly #commandSeconds = new Histogram({
    name: 'cohort_command_duration_seconds',
    help: 'Time from receiving a command to its reply being ready',
    labelNames: ['command', 'platform'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly #jobs = new Counter({
    name: 'cohort_job_runs_total',
    help: 'Periodic job runs, by job and result (ok or failed)',
    labelNames: ['job', 'result'] as const,
    registers: [this.registry],
  });
  readonly #jobSeconds = new Histogram({
    name: 'cohort_job_duration_seconds',
    help: 'Time one run of a periodic job took',
    labelNames: ['job'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly #posts = new Counter({
    name: 'cohort_scheduled_posts_total',
    help: 'Scheduled posts (digests, weekly reports) by job and outcome',
    labelNames: ['job', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly #refusals = new Counter({
    name: 'cohort_webhook_refusals_total',
    help: 'Inbound webhook requests refused unprocessed (bad signature or secret, stale, malformed), by listener and status',
    labelNames: ['listener', 'status'] as const,
    registers: [this.registry],
  });
  readonly #deadLetters = new Counter({
    name: 'cohort_job_dead_letters_total',
    help: 'Job runs that failed their last retry and went to the dead letters, by job',
    labelNames: ['job'] as const,
    registers: [this.registry],
  });
  readonly #feedFailures = new Counter({
    name: 'cohort_feed_failures_total',
    help: 'Feed fetches that failed, by error code (FEED_TIMEOUT, FEED_HTTP_STATUS, FEED_BLOCKED_ADDRESS, …)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly #inferenceSeconds = new Histogram({
    name: 'cohort_model_inference_seconds',
    help: 'Time one call of the content model took (a batch of texts), by task (embed, signals)',
    labelNames: ['task'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly #ledgerTransfers = new Counter({
    name: 'cohort_ledger_transfers_total',
    help: 'Ledger transfers written, by kind (tip, award, purchase, …)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  /** The job queue's backlog, read when /metrics is scraped. */
  #queueStats: (() => Promise<QueueStats[]>) | null = null;
  readonly #queueWaiting = new Gauge({
    name: 'cohort_queue_waiting',
    help: 'Job runs due and waiting for a worker, by queue (job kind)',
    labelNames: ['queue'] as const,
    registers: [this.registry],
    collect: () => this.#collectQueues(),
  });
  readonly #queueActive = new Gauge({
    name: 'cohort_queue_active',
    help: 'Job runs in progress on some worker, by queue',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });
  readonly #queueAge = new Gauge({
    name: 'cohort_queue_oldest_waiting_seconds',
    help: 'How long the oldest waiting run of a queue has been due',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });
  readonly ready = new Gauge({
    name: 'cohort_ready',
    help: '1 when the database answers and every started platform is connected (what /readyz says), else 0',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'cohort_' });
  }

  commandHandled(m: { command: string; platform: string; status: string; seconds: number }): void {
    this.#commands.inc({ command: m.command, platform: m.platform, status: m.status });
    this.#commandSeconds.observe({ command: m.command, platform: m.platform }, m.seconds);
  }

  jobRan(m: { job: string; ok: boolean; seconds: number }): void {
    const { job } = m;
    this.#jobs.inc({ job, result: m.ok ? 'ok' : 'failed' });
    this.#jobSeconds.observe({ job }, m.seconds);
  }

  scheduledPost(m: { job: string; outcome: string }): void {
    this.#posts.inc({ job: m.job, outcome: m.outcome });
  }

  webhookRefused(m: { listener: string; status: number }): void {
    this.#refusals.inc({ listener: m.listener, status: String(m.status) });
  }

  jobDeadLettered(m: { job: string }): void {
    this.#deadLetters.inc({ job: m.job });
  }

  feedFailed(m: { reason: string }): void {
    this.#feedFailures.inc({ reason: m.reason });
  }

  modelInference(m: { task: string; seconds: number }): void {
    this.#inferenceSeconds.observe({ task: m.task }, m.seconds);
  }

  ledgerTransfer(m: { kind: string }): void {
    this.#ledgerTransfers.inc({ kind: m.kind });
  }

  /** Reads queue depth and age from `stats` at each scrape (the process's JobQueue). */
  observeQueue(stats: () => Promise<QueueStats[]>): void {
    this.#queueStats = stats;
  }

  async #collectQueues(): Promise<void> {
    if (!this.#queueStats) return;
    let stats: QueueStats[];
    try {
      stats = await this.#queueStats();
    } catch {
      // The queue's database is down: /readyz says so; the gauges keep their last values.
      return;
    }
    for (const q of stats) {
      this.#queueWaiting.set({ queue: q.queue }, q.waiting);
      this.#queueActive.set({ queue: q.queue }, q.active);
      this.#queueAge.set({ queue: q.queue }, q.oldestWaitingSeconds);
    }
  }
}
