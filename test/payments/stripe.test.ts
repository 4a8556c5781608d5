import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaPaymentStore } from '../../adapters/storage/payments-store.ts';
import { TEST_NOW } from '../support/app.ts';
import { type StripeHarness, startStripeHarness, stripeEvent } from './stripe-harness.ts';

const DAY = 86_400_000;
const ref = (output: string) => /#([a-z0-9]{8})/.exec(output)?.[1] ?? '';
const sessionIdOf = (output: string) => /cs_test_\d+/.exec(output)?.[0] ?? '';

describe.each(['sqlite', 'postgresql'] as const)(
  'Stripe through stripe-node against a local fake API, webhooks signed by stripe-node (%s)',
  (provider) => {
    let h: StripeHarness;
    const counts = { forgedRefused: 0, forgedGranted: 0, duplicateDeliveries: 0, duplicateEntitlements: 0 };

    beforeAll(async () => {
      h = await startStripeHarness({}, provider);
    });
    afterAll(async () => {
      console.info(`stripe webhook counts (${provider}): ${JSON.stringify(counts)}`);
      await h?.dispose();
    });

    const db = () => h.app.database.prisma;
    const aliceEntitlements = async (courseRef: string) => {
      const alice = await h.app.services.members.findByHandle(h.app.demoCommunityId!, 'alice');
      return db().entitlement.findMany({ where: { memberId: alice!.id, courseId: { startsWith: courseRef } } });
    };

    /** A new course, alice's order for it, and the Checkout Session `/pay` opened. */
    async function checkout(title: string, price: string, model = 'one_off', currency = 'USD') {
      await h.say(`@creator /course add "${title}" ${price} ${model} ${currency} test`);
      // The full id: short card ids of courses added within the same instant may still collide (issue 10 §2).
      const course = (await db().course.findFirstOrThrow({ where: { title } })).id;
      const order = ref(await h.say(`@alice /buy ${course}`));
      const pay = await h.say(`@alice /pay ${order}`);
      return { course, order, pay, session: sessionIdOf(pay) };
    }

    it('pays a one-off course: /pay opens Checkout, checkout.session.completed grants it once, money is booked', async () => {
      const { course, order, pay, session } = await checkout('Stripe One-off', '99', 'one_off', 'USD');
      expect(pay).toContain('Pay by card (Stripe)');
      expect(pay).toContain(`https://checkout.stripe.test/c/pay/${session}`);
      const create = h.fake.calls.find((c) => c.path === '/v1/checkout/sessions' && c.method === 'POST');
      expect(create?.idempotencyKey).toMatch(/^checkout:/);
      expect(create?.body).toMatchObject({ mode: 'payment', client_reference_id: expect.stringMatching(order) });
      expect((await aliceEntitlements(course)).length).toBe(0);

      const completed = stripeEvent(h.nextEventId(), 'checkout.session.completed', h.fake.complete(session));
      expect((await h.deliver(completed)).status).toBe(200);
      expect(await h.say('@alice /mycourses')).toContain('Stripe One-off');

      // Stripe delivers at least once: the same event again, then again concurrently.
      const again = await Promise.all([h.deliver(completed), h.deliver(completed), h.deliver(completed)]);
      counts.duplicateDeliveries += again.length;
      expect(again.map((r) => r.status)).toEqual([200, 200, 200]);
      // A second event for the same payment (a different event id) books nothing either.
      const async = stripeEvent(
        h.nextEventId(),
        'checkout.session.async_payment_succeeded',
        h.fake.sessions.get(session),
      );
      expect((await h.deliver(async)).status).toBe(200);
      counts.duplicateDeliveries++;
      const owned = await aliceEntitlements(course);
      counts.duplicateEntitlements = owned.length;
      expect(owned).toHaveLength(1);

      const payment = await db().payment.findFirstOrThrow({ where: { orderId: { startsWith: order } } });
      expect(payment).toMatchObject({ provider: 'stripe', amountMinor: 9900, currency: 'USD', status: 'paid' });
      const entries = await db().moneyEntry.findMany({
        where: { paymentId: payment.id },
        orderBy: { amountMinor: 'desc' },
      });
      expect(entries.map((e) => [e.kind, e.amountMinor])).toEqual([
        ['payment', 9900],
        ['fee', -495],
      ]);
      const ledger = await h.say('@creator /payments ledger');
      expect(ledger).toContain('$94.05');
      expect(ledger).toContain('5%');
    });

    it('refuses forged, stale, tampered, unsigned and replayed webhooks, and none grants anything', async () => {
      const { course, session } = await checkout('Stripe Forgery Target', '49', 'one_off', 'USD');
      const event = stripeEvent(h.nextEventId(), 'checkout.session.completed', h.fake.complete(session));
      const now = Math.floor(h.app.clock.now().getTime() / 1000);
      const attempts = [
        await h.deliver(event, { secret: 'whsec_attacker_guess' }), // forged: another secret
        await h.deliver(event, { timestamp: now - 600 }), // stale: older than the 300 s tolerance
        await h.deliver(event, { timestamp: now + 600 }), // from the future
        await h.deliver(event, { tamper: (body) => body.replace('"amount_total": 4900', '"amount_total": 1') }), // tampered
        await h.deliver(event, { header: null }), // unsigned
        await h.deliver(event, { header: `t=${now},v1=${'0'.repeat(64)}` }), // a made-up signature
      ];
      counts.forgedRefused += attempts.filter((a) => a.status === 400).length;
      expect(attempts.map((a) => a.status)).toEqual([400, 400, 400, 400, 400, 400]);
      counts.forgedGranted += (await aliceEntitlements(course)).length;
      expect(await aliceEntitlements(course)).toHaveLength(0);
      expect(await db().payment.count({ where: { providerRef: event.data.object.payment_intent ?? '' } })).toBe(0);

      // Replayed: a genuine delivery captured and sent again after the tolerance: refused, and the genuine one
      // (within the window) is handled once.
      const genuineAt = now;
      expect((await h.deliver(event, { timestamp: genuineAt })).status).toBe(200);
      h.app.clock.advance(10 * 60_000);
      const replay = await h.deliver(event, { timestamp: genuineAt });
      expect(replay.status).toBe(400);
      counts.forgedRefused++;
      expect(await aliceEntitlements(course)).toHaveLength(1);
    });

    it('refunds a payment whose order was cancelled, and flags it when the refund fails', async () => {
      const first = await checkout('Stripe Cancelled Course', '20', 'one_off', 'USD');
      expect((await h.say(`@creator /order cancel ${first.order}`)).toLowerCase()).toContain('cancelled');
      const paid = h.fake.complete(first.session);
      expect((await h.deliver(stripeEvent(h.nextEventId(), 'checkout.session.completed', paid))).status).toBe(200);
      expect(await aliceEntitlements(first.course)).toHaveLength(0);
      const refund = h.fake.calls.find(
        (c) => c.path === '/v1/refunds' && c.body.payment_intent === paid.payment_intent,
      );
      expect(refund?.idempotencyKey).toMatch(/^refund-cancelled:/);
      const payment = await db().payment.findFirstOrThrow({ where: { providerRef: paid.payment_intent! } });
      expect(payment.status).toBe('refunded');
      const booked = await db().moneyEntry.aggregate({ where: { paymentId: payment.id }, _sum: { amountMinor: true } });
      expect(booked._sum.amountMinor).toBe(0);

      const second = await checkout('Stripe Cancelled, Refund Fails', '21', 'one_off', 'USD');
      await h.say(`@creator /order cancel ${second.order}`);
      h.fake.failNextRefund();
      const paid2 = h.fake.complete(second.session);
      expect((await h.deliver(stripeEvent(h.nextEventId(), 'checkout.session.completed', paid2))).status).toBe(200);
      expect(await aliceEntitlements(second.course)).toHaveLength(0);
      expect((await db().payment.findFirstOrThrow({ where: { providerRef: paid2.payment_intent! } })).status).toBe(
        'flagged',
      );
      const open = await db().paymentDiscrepancy.findMany({
        where: { providerRef: paid2.payment_intent!, status: 'open' },
      });
      expect(open.map((d) => d.kind)).toEqual(['cancelled_order_paid']);
      expect(await h.say('@mod /payments reconcile')).toContain('cancelled_order_paid');
    });

    it('revokes access on a refund and on a dispute, booking both in the ledger', async () => {
      const refunded = await checkout('Stripe Refunded Course', '30', 'one_off', 'USD');
      const paid = h.fake.complete(refunded.session);
      await h.deliver(stripeEvent(h.nextEventId(), 'checkout.session.completed', paid));
      expect((await aliceEntitlements(refunded.course))[0]?.revokedAt).toBeNull();
      const charge = h.fake.refundInDashboard(paid.payment_intent!);
      const refundEvent = stripeEvent(h.nextEventId(), 'charge.refunded', charge);
      expect((await h.deliver(refundEvent)).status).toBe(200);
      expect((await h.deliver(refundEvent)).status).toBe(200);
      expect((await aliceEntitlements(refunded.course))[0]?.revokedAt).not.toBeNull();
      expect(await h.say('@alice /mycourses')).not.toContain('Stripe Refunded Course');
      expect((await db().courseOrder.findFirstOrThrow({ where: { id: { startsWith: refunded.order } } })).status).toBe(
        'refunded',
      );
      const payment = await db().payment.findFirstOrThrow({ where: { providerRef: paid.payment_intent! } });
      const kinds = await db().moneyEntry.findMany({ where: { paymentId: payment.id }, orderBy: { kind: 'asc' } });
      expect(kinds.map((e) => [e.kind, e.amountMinor])).toEqual([
        ['fee', -150],
        ['fee_refund', 150],
        ['payment', 3000],
        ['refund', -3000],
      ]);

      const disputed = await checkout('Stripe Disputed Course', '31', 'one_off', 'USD');
      const paid2 = h.fake.complete(disputed.session);
      await h.deliver(stripeEvent(h.nextEventId(), 'checkout.session.completed', paid2));
      const dispute = {
        id: 'dp_test_1',
        object: 'dispute',
        amount: 3100,
        payment_intent: paid2.payment_intent,
        charge: 'ch_x',
      };
      expect((await h.deliver(stripeEvent(h.nextEventId(), 'charge.dispute.created', dispute))).status).toBe(200);
      expect((await aliceEntitlements(disputed.course))[0]?.revokedAt).not.toBeNull();
      expect((await db().payment.findFirstOrThrow({ where: { providerRef: paid2.payment_intent! } })).status).toBe(
        'disputed',
      );
    });

    it('keeps a subscription in step: renewal extends, a failed renewal gives a grace period, deletion ends it', async () => {
      const sub = await checkout('Stripe Monthly Club', '15', 'subscription', 'USD');
      const create = h.fake.calls.filter((c) => c.path === '/v1/checkout/sessions').at(-1);
      expect(create?.body).toMatchObject({
        mode: 'subscription',
        line_items: [{ price_data: { recurring: { interval: 'month', interval_count: '1' } } }],
      });
      const paid = h.fake.complete(sub.session);
      await h.deliver(stripeEvent(h.nextEventId(), 'checkout.session.completed', paid));
      const [granted] = await aliceEntitlements(sub.course);
      const now = h.app.clock.now().getTime();
      expect(granted?.expiresAt?.getTime()).toBe(now + 30 * DAY);

      // The renewal invoice, before and after: access now lasts to the new period end.
      const periodEnd = Math.floor((now + 60 * DAY) / 1000);
      const invoice = (id: string, reason: string) => ({
        id,
        object: 'invoice',
        billing_reason: reason,
        amount_paid: 1500,
        currency: 'usd',
        parent: { subscription_details: { subscription: paid.subscription } },
        lines: { data: [{ period: { end: periodEnd } }] },
      });
      expect(
        (await h.deliver(stripeEvent(h.nextEventId(), 'invoice.paid', invoice(paid.invoice!, 'subscription_create'))))
          .status,
      ).toBe(200);
      expect(
        (await h.deliver(stripeEvent(h.nextEventId(), 'invoice.paid', invoice('in_renewal_1', 'subscription_cycle'))))
          .status,
      ).toBe(200);
      expect((await aliceEntitlements(sub.course))[0]?.expiresAt?.getTime()).toBe(periodEnd * 1000);
      expect(await db().payment.count({ where: { subscriptionRef: paid.subscription } })).toBe(2);

      // A renewal for a subscription not known yet (its checkout still to arrive) is deferred: Stripe retries.
      const early = {
        ...invoice('in_early', 'subscription_cycle'),
        parent: { subscription_details: { subscription: 'sub_unknown' } },
      };
      expect((await h.deliver(stripeEvent(h.nextEventId(), 'invoice.paid', early))).status).toBe(503);

      h.app.clock.set(new Date(periodEnd * 1000 + 60_000));
      expect(
        (
          await h.deliver(
            stripeEvent(h.nextEventId(), 'invoice.payment_failed', invoice('in_failed', 'subscription_cycle')),
          )
        ).status,
      ).toBe(200);
      const grace = (await aliceEntitlements(sub.course))[0]?.expiresAt?.getTime();
      expect(grace).toBe(h.app.clock.now().getTime() + 3 * DAY);
      expect(await h.say('@alice /billing')).toContain('https://billing.stripe.test/');

      expect(
        (
          await h.deliver(
            stripeEvent(h.nextEventId(), 'customer.subscription.deleted', {
              id: paid.subscription,
              object: 'subscription',
            }),
          )
        ).status,
      ).toBe(200);
      expect((await aliceEntitlements(sub.course))[0]?.expiresAt?.getTime()).toBe(h.app.clock.now().getTime());
    });

    it('heals a crash between "paid" and "access granted", and a lost webhook, through reconciliation', async () => {
      h.app.clock.set(TEST_NOW);
      // Crash: the payment was recorded (the first step of handling), the process died before access was granted.
      const crashed = await checkout('Stripe Crash Course', '12', 'one_off', 'USD');
      const paid = h.fake.complete(crashed.session);
      const store = new PrismaPaymentStore(db());
      const order = await db().courseOrder.findFirstOrThrow({ where: { id: { startsWith: crashed.order } } });
      await store.recordPayment(
        {
          communityId: order.communityId,
          provider: 'stripe',
          providerRef: paid.payment_intent!,
          orderId: order.id,
          memberId: order.memberId,
          courseId: order.courseId,
          creatorId: null,
          kind: 'purchase',
          amountMinor: 1200,
          currency: 'USD',
          status: 'paid',
          customerRef: null,
          subscriptionRef: null,
          payerRef: null,
          at: h.app.clock.now(),
        },
        [],
      );
      expect(await aliceEntitlements(crashed.course)).toHaveLength(0);

      // Lost: the buyer paid, the webhook never came.
      const lost = await checkout('Stripe Lost Webhook Course', '13', 'one_off', 'USD');
      h.fake.complete(lost.session);
      expect(await aliceEntitlements(lost.course)).toHaveLength(0);

      const report = await h.say('@mod /payments reconcile');
      expect(report, report).toContain('repaired');
      expect(await aliceEntitlements(crashed.course)).toHaveLength(1);
      expect(await aliceEntitlements(lost.course)).toHaveLength(1);
      expect(report).toContain('0 to look at');
      const healed = await db().paymentDiscrepancy.findMany({ where: { status: 'healed' } });
      expect(healed.map((d) => d.kind)).toEqual(expect.arrayContaining(['unfulfilled', 'missing_here']));
      // A second run finds nothing new to repair.
      await h.app.services.payments.reconcile(new Date(0));
      expect(await aliceEntitlements(crashed.course)).toHaveLength(1);
    });
  },
);
