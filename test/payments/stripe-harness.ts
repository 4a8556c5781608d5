import Stripe from 'stripe';
import { startStripeWebhooks } from '../../adapters/payments/stripe-webhooks.ts';
import type { HardenedListener } from '../../adapters/shared/hardened-listener.ts';
import type { Provider } from '../../adapters/storage/schema-source.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { type FakeStripe, startFakeStripe, stripeEvent } from '../fakes/stripe.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

export const WEBHOOK_SECRET = 'whsec_cohort_test_secret';

export interface StripeHarness {
  app: TestApp;
  fake: FakeStripe;
  listener: HardenedListener;
  /** Latency of every handled event, received → answered (access granted for checkouts). */
  handled: Array<{ id: string; type: string; result: string; duplicate: boolean; ms: number }>;
  /** Signs with stripe-node's own test-header helper at the app clock's time, unless told otherwise. */
  deliver(
    event: unknown,
    options?: { secret?: string; timestamp?: number; header?: string | null; tamper?: (body: string) => string },
  ): Promise<{ status: number; body: string }>;
  nextEventId(): string;
  /** Runs a console line and returns its output. */
  say(line: string): Promise<string>;
  dispose(): Promise<void>;
}

const signer = new Stripe('sk_test_signer');

export async function startStripeHarness(
  env: Record<string, string> = {},
  provider: Provider = 'sqlite',
): Promise<StripeHarness> {
  const fake = await startFakeStripe();
  const app = await createTestApp({
    provider,
    demo: true,
    env: {
      STRIPE_SECRET_KEY: 'sk_test_cohort',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_RETURN_URL: 'https://cohort.example/thanks',
      STRIPE_API_URL: fake.apiUrl,
      PAYMENTS_FEE_BPS: '500',
      PAYMENTS_GRACE_DAYS: '3',
      ...env,
    },
  });
  const handled: StripeHarness['handled'] = [];
  const listener = await startStripeWebhooks({
    payments: app.services.payments,
    webhookSecret: WEBHOOK_SECRET,
    host: '127.0.0.1',
    port: 0,
    log: silentLogger,
    clock: app.clock,
    onHandled: (e) => handled.push(e),
  });
  let eventCounter = 0;
  const url = `http://127.0.0.1:${listener.address.port}/stripe/webhooks`;
  return {
    app,
    fake,
    listener,
    handled,
    nextEventId: () => `evt_test_${String(++eventCounter).padStart(6, '0')}`,
    async deliver(event, options = {}) {
      const payload = JSON.stringify(event, null, 2);
      const timestamp = options.timestamp ?? Math.floor(app.clock.now().getTime() / 1000);
      const header =
        options.header === undefined
          ? signer.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? WEBHOOK_SECRET, timestamp })
          : options.header;
      const body = options.tamper ? options.tamper(payload) : payload;
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(header === null ? {} : { 'stripe-signature': header }) },
        body,
      });
      return { status: response.status, body: await response.text() };
    },
    async say(line) {
      return (await app.console.run(line))?.output ?? '';
    },
    async dispose() {
      await listener.close();
      await app.dispose();
      await fake.close();
    },
  };
}

export { stripeEvent };
