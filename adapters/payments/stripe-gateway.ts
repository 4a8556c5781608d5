import type Stripe from 'stripe';
import { STARS } from '../../core/domain/money.ts';
import type { Platform } from '../../core/domain/types.ts';
import type { CheckoutRequest, PaymentGateway } from '../../core/payments/ports.ts';
import type { Payment, ProviderRecord } from '../../core/payments/types.ts';
import { lazyStripe, type StripeClientOptions } from './stripe-client.ts';

/** A subscription's period in Stripe's terms: years and months where they fit, days otherwise. */
export function recurringOf(days: number): { interval: 'day' | 'month' | 'year'; interval_count: number } {
  if (days % 365 === 0) return { interval: 'year', interval_count: days / 365 };
  if (days % 30 === 0) return { interval: 'month', interval_count: days / 30 };
  return { interval: 'day', interval_count: Math.min(days, 365) };
}

/** Stripe Checkout (one-off and subscriptions), refunds, the customer portal and the records reconciliation reads. */
export function createStripeGateway(
  options: StripeClientOptions & { returnUrl: string },
): PaymentGateway & { client: () => Promise<Stripe> } {
  const client = lazyStripe(options);
  const back = (state: 'paid' | 'cancelled') => {
    const url = new URL(options.returnUrl);
    url.searchParams.set('checkout', state);
    return url.toString();
  };
  return {
    provider: 'stripe',
    client,
    // Stripe takes cards on every platform; Stars are Telegram's own.
    supports: (_platform: Platform, currency: string) => currency !== STARS,
    async checkout(request: CheckoutRequest) {
      const stripe = await client();
      const metadata = { order_id: request.orderId, community_id: request.communityId, member_id: request.memberId };
      const recurring = request.renewEveryDays ? recurringOf(request.renewEveryDays) : null;
      const session = await stripe.checkout.sessions.create(
        {
          mode: recurring ? 'subscription' : 'payment',
          client_reference_id: request.orderId,
          metadata,
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: request.currency.toLowerCase(),
                unit_amount: request.amountMinor,
                product_data: { name: request.title.slice(0, 250), description: request.description.slice(0, 500) },
                ...(recurring ? { recurring } : {}),
              },
            },
          ],
          ...(recurring ? { subscription_data: { metadata } } : { payment_intent_data: { metadata } }),
          success_url: back('paid'),
          cancel_url: back('cancelled'),
          locale: request.locale === 'zh-CN' ? 'zh' : 'en',
        },
        { idempotencyKey: request.idempotencyKey },
      );
      if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a url`);
      return { url: session.url };
    },
    async portal(customerRef: string, locale: string) {
      const stripe = await client();
      const session = await stripe.billingPortal.sessions.create(
        { customer: customerRef, return_url: options.returnUrl, locale: locale === 'zh-CN' ? 'zh' : 'en' },
        { idempotencyKey: `portal:${customerRef}:${Math.floor(Date.now() / 60_000)}` },
      );
      return { url: session.url };
    },
    async refund(payment: Payment, idempotencyKey: string) {
      if (!payment.providerRef.startsWith('pi_'))
        throw new Error(`payment ${payment.providerRef} is an invoice: refund it in the Stripe dashboard`);
      const stripe = await client();
      const refund = await stripe.refunds.create(
        { payment_intent: payment.providerRef, metadata: { order_id: payment.orderId ?? '' } },
        { idempotencyKey },
      );
      return { refundRef: refund.id };
    },
    async records(since: Date): Promise<ProviderRecord[]> {
      const stripe = await client();
      const gte = Math.floor(since.getTime() / 1000);
      const refunded = new Set<string>();
      for await (const refund of stripe.refunds.list({ created: { gte }, limit: 100 })) {
        const pi = typeof refund.payment_intent === 'string' ? refund.payment_intent : refund.payment_intent?.id;
        if (pi && refund.status === 'succeeded') refunded.add(pi);
      }
      const records: ProviderRecord[] = [];
      for await (const session of stripe.checkout.sessions.list({ created: { gte }, status: 'complete', limit: 100 })) {
        if (session.payment_status !== 'paid') continue;
        const ref = paymentRefOf(session);
        if (!ref) continue;
        records.push({
          provider: 'stripe',
          providerRef: ref,
          orderId: session.client_reference_id ?? session.metadata?.order_id ?? null,
          amountMinor: session.amount_total ?? 0,
          currency: (session.currency ?? '').toUpperCase(),
          refunded: refunded.has(ref),
          paidAt: new Date(session.created * 1000),
          customerRef: idOf(session.customer),
          subscriptionRef: idOf(session.subscription),
        });
      }
      return records;
    },
  };
}

const idOf = (value: string | { id: string } | null | undefined): string | null =>
  typeof value === 'string' ? value : (value?.id ?? null);

/** A checkout's payment: its payment intent (one-off) or its first invoice (subscriptions). */
export function paymentRefOf(session: Pick<Stripe.Checkout.Session, 'payment_intent' | 'invoice'>): string | null {
  return idOf(session.payment_intent) ?? idOf(session.invoice);
}
