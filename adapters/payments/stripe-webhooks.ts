import type http from 'node:http';
import type Stripe from 'stripe';
import { z } from 'zod';
import { NotYetKnownError, type PaymentService } from '../../core/payments/payment-service.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { Logger } from '../../core/ports/logger.ts';
import {
  type HardenedListener,
  type HardenedListenerOptions,
  isFreshTimestamp,
  startHardenedListener,
} from '../shared/hardened-listener.ts';
import { paymentRefOf } from './stripe-gateway.ts';

/** Stripe signs `t=<unix>,v1=<hmac>`; its own default tolerance is 300 s. */
export const STRIPE_TOLERANCE_SECONDS = 300;
/** Stripe's events are a few KiB; anything near this is not Stripe. */
export const STRIPE_MAX_BODY_BYTES = 256 * 1024;

const id = z.union([z.string(), z.object({ id: z.string() })]).transform((v) => (typeof v === 'string' ? v : v.id));
const nullableId = id
  .nullable()
  .optional()
  .transform((v) => v ?? null);

// Each event's object, parsed at the edge: only the fields Cohort acts on.
const CheckoutSession = z.object({
  id: z.string(),
  mode: z.enum(['payment', 'subscription', 'setup']),
  payment_status: z.string(),
  client_reference_id: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  amount_total: z.number().int().nullable(),
  currency: z.string().nullable(),
  payment_intent: nullableId,
  invoice: nullableId,
  customer: nullableId,
  subscription: nullableId,
  created: z.number().int(),
});
const Invoice = z.object({
  id: z.string(),
  billing_reason: z.string().nullable().optional(),
  amount_paid: z.number().int(),
  currency: z.string(),
  // API versions since 2025-03-31 name the subscription under parent; older ones at the top.
  subscription: nullableId,
  parent: z
    .object({ subscription_details: z.object({ subscription: id }).nullable().optional() })
    .nullable()
    .optional(),
  lines: z.object({ data: z.array(z.object({ period: z.object({ end: z.number().int() }) })) }).optional(),
  period_end: z.number().int().optional(),
});
const Subscription = z.object({ id: z.string() });
const Charge = z.object({
  id: z.string(),
  payment_intent: nullableId,
  amount_refunded: z.number().int(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  refunds: z
    .object({ data: z.array(z.object({ id: z.string() })) })
    .nullable()
    .optional(),
});
const Dispute = z.object({
  id: z.string(),
  amount: z.number().int(),
  payment_intent: nullableId,
  charge: nullableId,
});

const subscriptionOf = (invoice: z.infer<typeof Invoice>) =>
  invoice.parent?.subscription_details?.subscription ?? invoice.subscription;

export type StripeEventOutcome = { handled: boolean; result?: string };

/**
 * Turns one verified Stripe event into the payment service's terms. Unknown types are acknowledged and ignored
 * (the endpoint should subscribe only to these).
 */
export async function applyStripeEvent(
  payments: PaymentService,
  event: Stripe.Event,
  at: Date,
): Promise<StripeEventOutcome> {
  const object = event.data.object as unknown;
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const session = CheckoutSession.parse(object);
      // Bank debits complete later: async_payment_succeeded brings the money.
      if (session.payment_status !== 'paid') return { handled: true, result: 'awaiting-payment' };
      const orderId = session.client_reference_id ?? session.metadata?.order_id;
      const ref = paymentRefOf(session);
      if (!orderId || !ref) return { handled: true, result: 'not-ours' };
      const result = await payments.paid({
        provider: 'stripe',
        providerRef: ref,
        orderId,
        amountMinor: session.amount_total ?? 0,
        currency: session.currency ?? '',
        at,
        customerRef: session.customer,
        subscriptionRef: session.subscription,
      });
      return { handled: true, result };
    }
    case 'invoice.paid': {
      const invoice = Invoice.parse(object);
      const subscription = subscriptionOf(invoice);
      // The first invoice is the checkout's own payment, handled with checkout.session.completed.
      if (!subscription || invoice.billing_reason === 'subscription_create') return { handled: true, result: 'first' };
      const end = invoice.lines?.data[0]?.period.end ?? invoice.period_end;
      if (!end) return { handled: true, result: 'no-period' };
      const result = await payments.renewed({
        provider: 'stripe',
        providerRef: invoice.id,
        subscriptionRef: subscription,
        amountMinor: invoice.amount_paid,
        currency: invoice.currency,
        periodEnd: new Date(end * 1000),
        at,
      });
      return { handled: true, result };
    }
    case 'invoice.payment_failed': {
      const subscription = subscriptionOf(Invoice.parse(object));
      if (!subscription) return { handled: true, result: 'not-a-subscription' };
      const grace = await payments.renewalFailed('stripe', subscription, at);
      return { handled: true, result: grace ? `grace-until:${grace.toISOString()}` : 'unknown' };
    }
    case 'customer.subscription.deleted': {
      const ended = await payments.subscriptionEnded('stripe', Subscription.parse(object).id, at);
      return { handled: true, result: ended ? 'ended' : 'already' };
    }
    case 'charge.refunded': {
      const charge = Charge.parse(object);
      if (!charge.payment_intent) return { handled: true, result: 'no-payment-intent' };
      const result = await payments.refunded(
        {
          provider: 'stripe',
          providerRef: charge.payment_intent,
          orderId: charge.metadata?.order_id ?? null,
          refundRef: charge.refunds?.data[0]?.id ?? `${charge.id}:${charge.amount_refunded}`,
          amountMinor: charge.amount_refunded,
          at,
        },
        'refund',
      );
      return { handled: true, result };
    }
    case 'charge.dispute.created': {
      const dispute = Dispute.parse(object);
      if (!dispute.payment_intent) return { handled: true, result: 'no-payment-intent' };
      const result = await payments.refunded(
        {
          provider: 'stripe',
          providerRef: dispute.payment_intent,
          refundRef: dispute.id,
          amountMinor: dispute.amount,
          at,
        },
        'dispute',
      );
      return { handled: true, result };
    }
    default:
      return { handled: false };
  }
}

export interface StripeWebhookOptions {
  payments: PaymentService;
  webhookSecret: string;
  host: string;
  port: number;
  log: Logger;
  clock: Clock;
  /** Smaller limits for tests; the body cap defaults to STRIPE_MAX_BODY_BYTES. */
  limits?: { maxBodyBytes?: number; readTimeoutMs?: number };
  /** Where the latency of each handled event goes (webhook received → access granted), for the bench and tests. */
  onHandled?: (event: { id: string; type: string; result: string; duplicate: boolean; ms: number }) => void;
  /** Told of every refused request, screened or failing verification (the webhook refusals metric). */
  onRefused?: HardenedListenerOptions['onRefused'];
}

/**
 * The Stripe webhook endpoint on the hardened listener: a request without a `Stripe-Signature` header, or whose
 * signed timestamp is stale, is refused before its body is read; the rest is verified with
 * `stripe.webhooks.constructEvent` on the raw bytes, de-duplicated by event id, then applied. A refusal is one
 * log line with its reason; nothing unverified reaches the payment service.
 */
export async function startStripeWebhooks(options: StripeWebhookOptions): Promise<HardenedListener> {
  const { payments, log, clock } = options;
  const gateway = payments.gateway('stripe') as
    | (ReturnType<typeof payments.gateway> & { client?: () => Promise<Stripe> })
    | null;
  if (!gateway?.client) throw new Error('the Stripe gateway is not registered (STRIPE_SECRET_KEY)');
  const stripe = await gateway.client();
  const answer = (res: http.ServerResponse, status: number, body: Record<string, unknown>): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  return startHardenedListener({
    name: 'stripe-webhooks',
    host: options.host,
    port: options.port,
    maxBodyBytes: options.limits?.maxBodyBytes ?? STRIPE_MAX_BODY_BYTES,
    ...(options.limits?.readTimeoutMs ? { readTimeoutMs: options.limits.readTimeoutMs } : {}),
    log,
    ...(options.onRefused ? { onRefused: options.onRefused } : {}),
    screen(req) {
      const signature = req.headers['stripe-signature'];
      if (typeof signature !== 'string') return { status: 400, reason: 'missing Stripe-Signature header' };
      const t = /(?:^|,)t=(\d+)/.exec(signature)?.[1];
      if (!t || !isFreshTimestamp(t, clock.now().getTime(), STRIPE_TOLERANCE_SECONDS))
        return { status: 400, reason: 'stale or missing signature timestamp' };
      return null;
    },
    async handle(req, res, body) {
      const started = performance.now();
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(
          body,
          String(req.headers['stripe-signature']),
          options.webhookSecret,
          STRIPE_TOLERANCE_SECONDS,
          undefined,
          Math.floor(clock.now().getTime() / 1000),
        );
      } catch (error) {
        const reason = error instanceof Error ? error.message.split('\n')[0] : 'unverifiable';
        log.warn(
          { listener: 'stripe-webhooks', status: 400, reason, remote: req.socket.remoteAddress },
          'request refused: bad signature',
        );
        options.onRefused?.({ listener: 'stripe-webhooks', status: 400 });
        return answer(res, 400, { error: 'signature verification failed' });
      }
      try {
        const outcome = await payments.once('stripe', event.id, event.type, () =>
          applyStripeEvent(payments, event, clock.now()),
        );
        const result = outcome.duplicate ? 'duplicate' : (outcome.outcome.result ?? 'ignored');
        log.info({ event: event.id, type: event.type, result }, 'stripe event');
        options.onHandled?.({
          id: event.id,
          type: event.type,
          result,
          duplicate: outcome.duplicate,
          ms: performance.now() - started,
        });
        return answer(res, 200, { received: true });
      } catch (error) {
        if (error instanceof NotYetKnownError) {
          // Stripe retries with backoff: by then the checkout this renewal belongs to has arrived.
          log.info({ event: event.id, type: event.type, reason: error.message }, 'stripe event deferred');
          return answer(res, 503, { error: 'not yet known, retry' });
        }
        if (error instanceof z.ZodError) {
          log.warn({ event: event.id, type: event.type, issues: error.issues.slice(0, 3) }, 'unreadable stripe event');
          return answer(res, 200, { received: true, ignored: 'unreadable' });
        }
        throw error;
      }
    },
  });
}
