/**
 * What the running bot counts for operators (docs/operations.md lists every metric). Core and adapters report here;
 * adapters/ops turns it into Prometheus metrics. Reporting never throws and never waits. Every label is bounded (a
 * kind, a code, a platform): never a per-instance id.
 */
export interface Metrics {
  /** A command was answered (also with a refusal or an error): its name, platform, status code and time. */
  commandHandled(m: { command: string; platform: string; status: string; seconds: number }): void;
  /** A periodic job finished one run; `job` is its kind (bounded: never a per-instance name). */
  jobRan(m: { job: string; ok: boolean; seconds: number }): void;
  /** A scheduled post (digest, weekly report) reached an outcome: posted, skipped, failed, unconfirmed. */
  scheduledPost(m: { job: string; outcome: string }): void;
  /** A job failed its last retry and went to the dead letters. */
  jobDeadLettered?(m: { job: string }): void;
  /** A feed fetch failed; `reason` is the error code (FEED_TIMEOUT, FEED_HTTP_STATUS, …). */
  feedFailed?(m: { reason: string }): void;
  /** The content model answered one call (`embed`, `score`, …). */
  modelInference?(m: { task: string; seconds: number }): void;
  /** A ledger transfer was written (`tip`, `award`, `purchase`, …). */
  ledgerTransfer?(m: { kind: string }): void;
  /** An inbound webhook (Discord interactions, Slack events, Telegram updates) was refused: forged, stale, malformed. */
  webhookRefused(m: { listener: string; status: number }): void;
}

/** For tests and scripts that do not count. */
export const noMetrics: Metrics = {
  commandHandled() {},
  jobRan() {},
  scheduledPost() {},
  webhookRefused() {},
};
