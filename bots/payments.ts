import { startStripeWebhooks } from '../adapters/payments/stripe-webhooks.ts';
import { ListenError } from '../adapters/shared/hardened-listener.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { Metrics } from '../core/ports/metrics.ts';
import type { App } from './compose.ts';
import type { Config } from './config.ts';

/** A payment listener that runs beside the platforms (Stripe's webhook endpoint). */
export interface RunningPaymentListener {
  name: string;
  stop(): Promise<void>;
}

/**
 * Starts the webhook listeners of the configured providers. A listener that cannot bind is one line naming its
 * variables; the bot still runs (orders can be confirmed by hand, and reconciliation catches up afterwards).
 */
export async function startPaymentListeners(
  app: Pick<App, 'services'>,
  config: Config,
  log: Logger,
  clock: Clock,
  metrics?: Metrics,
): Promise<RunningPaymentListener[]> {
  const running: RunningPaymentListener[] = [];
  if (config.STRIPE_SECRET_KEY && config.STRIPE_WEBHOOK_SECRET) {
    try {
      const listener = await startStripeWebhooks({
        payments: app.services.payments,
        webhookSecret: config.STRIPE_WEBHOOK_SECRET,
        host: config.STRIPE_WEBHOOK_HOST,
        port: config.STRIPE_WEBHOOK_PORT,
        log: log.child({ ns: 'adapter:stripe' }),
        clock,
        ...(metrics ? { onRefused: (r: { listener: string; status: number }) => metrics.webhookRefused(r) } : {}),
      });
      log.info({ address: listener.address }, 'stripe webhooks listening');
      running.push({ name: 'stripe-webhooks', stop: () => listener.close() });
    } catch (error) {
      if (!(error instanceof ListenError)) throw error;
      process.stderr.write(
        `Stripe webhooks cannot listen on STRIPE_WEBHOOK_HOST:STRIPE_WEBHOOK_PORT (${error.host}:${error.port}: ${error.reason})\n`,
      );
    }
  }
  return running;
}
