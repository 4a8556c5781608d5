import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
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
}
