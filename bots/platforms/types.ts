import type { CohortCore } from '../../core/framework/envelopes.ts';
import type { PaymentService } from '../../core/payments/payment-service.ts';
import type { AccessGranter } from '../../core/ports/access.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { Messenger } from '../../core/ports/messenger.ts';
import type { Metrics } from '../../core/ports/metrics.ts';
import type { RateBudget } from '../../core/ports/rate-budget.ts';
import type { ReplyPageStore } from '../../core/ports/reply-pages.ts';
import type { Config } from '../config.ts';

/** What bots/main.ts hands each platform's start function. */
export interface PlatformDeps {
  core: CohortCore;
  config: Config;
  log: Logger;
  /** Payment providers and money: platforms with payments of their own (Stars, Discord premium) feed it. */
  payments?: PaymentService;
  /** The ops port's metrics: refused webhooks are counted there. */
  metrics?: Metrics;
  /** The platforms' call budget shared by every process; none: calls are limited only by the platforms' 429s. */
  rateBudget?: RateBudget;
  /** Pages of answers longer than one message (Telegram shows them one at a time, ADR 0018). */
  replyPages?: ReplyPageStore;
}

/** Counts a refused webhook request on the metrics, when there are metrics. */
export function refusalCounter(metrics: Metrics | undefined) {
  return metrics ? { onWebhookRefused: (r: { listener: string; status: number }) => metrics.webhookRefused(r) } : {};
}

export interface RunningPlatform {
  name: string;
  /** Posts outside a command (digests, notices) on this platform. */
  messenger: Messenger;
  /** Grants and revokes course roles/channels, where the platform can. */
  access?: AccessGranter;
  /** Whether the platform connection is up now (/readyz). Absent: up while started (stateless HTTP transports). */
  connected?(): boolean;
  /** Stops taking new work, lets in-flight work finish, closes connections. */
  stop(): Promise<void>;
}
