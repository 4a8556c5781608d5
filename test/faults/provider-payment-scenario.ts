import { PrismaCommerceStore } from '../../adapters/storage/commerce-store.ts';
import type { Database, Db } from '../../adapters/storage/database.ts';
import { createCoreStores } from '../../adapters/storage/index.ts';
import { PrismaPaymentStore } from '../../adapters/storage/payments-store.ts';
import { catalog } from '../../bots/features.ts';
import { CommerceService } from '../../core/commerce/commerce-service.ts';
import { paidAccessOf } from '../../core/commerce/paid-access.ts';
import { Translator } from '../../core/i18n/translate.ts';
import { PaymentService } from '../../core/payments/payment-service.ts';
import { ManualClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import type { FaultPoints } from './fault-points.ts';
import { type Acks, type FaultScenario, tally } from './scenario.ts';

/**
 * A provider's payment notice (a Stripe checkout, a Stars payment) for a pending order, broken at each step: the
 * notice received, the payment and its ledger entries in their transaction, the order's confirmation with its
 * entitlement in theirs (the crash between "paid" and "granted"), marking the payment fulfilled, marking the event
 * handled, and the acknowledgement. The provider retries every notice it sent; after that each order is paid once,
 * with one payment, one entitlement and its two ledger entries, and reconciliation finds nothing left to repair.
 */
export interface PaymentOp {
  key: string;
  orderId: string;
  amountMinor: number;
}

const NOW = new Date('2026-11-20T02:00:00.000Z');

function paymentsOn(prisma: Db): PaymentService {
  const core = createCoreStores(prisma);
  const store = new PrismaCommerceStore(prisma);
  const commerce = new CommerceService({
    store,
    courses: core.courses,
    members: core.members,
    communities: core.communities,
    access: null,
    log: silentLogger,
  });
  const access = paidAccessOf(commerce, store, core.courses, core.members, core.communities);
  return new PaymentService({
    store: new PrismaPaymentStore(prisma),
    access: () => access,
    clock: new ManualClock(NOW),
    log: silentLogger,
    settings: { operatorFeeBps: 500, graceDays: 3 },
    courses: core.courses,
    translator: new Translator(catalog),
  });
}

function instrumented(db: Database, points: FaultPoints): Db {
  return db.prisma.$extends({
    query: {
      moneyEntry: {
        async create({ args, query }) {
          const result = await query(args);
          if (args.data.kind === 'fee') await points.reached('payment-in-transaction');
          return result;
        },
      },
      interactionEvent: {
        async createMany({ args, query }) {
          const result = await query(args);
          const rows = Array.isArray(args.data) ? args.data : [args.data];
          if (rows.some((r) => r.verb === 'course.purchased')) await points.reached('fulfil-in-transaction');
          return result;
        },
      },
      payment: {
        async updateMany({ args, query }) {
          if (args.data && 'fulfilledAt' in args.data) await points.reached('marking-fulfilled');
          return query(args);
        },
      },
      providerEvent: {
        async create({ args, query }) {
          await points.reached('marking-event');
          return query(args);
        },
      },
    },
  }) as unknown as Db;
}

async function deliver(payments: PaymentService, op: PaymentOp, points?: FaultPoints) {
  await points?.reached('notice-received');
  await payments.once('stripe', `evt:${op.key}`, 'checkout.session.completed', () =>
    payments.paid({
      provider: 'stripe',
      providerRef: `pi:${op.key}`,
      orderId: op.orderId,
      amountMinor: op.amountMinor,
      currency: 'USD',
      at: NOW,
    }),
  );
  points?.ack(op.key, 'paid');
  await points?.reached('acknowledged');
}

export const providerPaymentScenario: FaultScenario<PaymentOp> = {
  name: 'provider-payment',
  steps: [
    'notice-received',
    'payment-in-transaction',
    'fulfil-in-transaction',
    'marking-fulfilled',
    'marking-event',
    'acknowledged',
  ],
  key: (op) => op.key,

  async prepare(db, caseKey, count) {
    const core = createCoreStores(db.prisma);
    const community = await core.communities.ensure('console', caseKey, { name: caseKey });
    const creator = await core.members.ensure(community.id, {
      platformUserId: `${caseKey}-c`,
      handle: 'creator',
      displayName: 'Lin',
    });
    const course = await core.courses.create({
      communityId: community.id,
      creatorId: creator.id,
      title: 'Paid course',
      description: 'Paid through a provider',
      tags: ['ai'],
      language: 'en',
      priceMinor: 2000,
      currency: 'USD',
      paymentModel: 'one_off',
    });
    const commerce = new CommerceService({
      store: new PrismaCommerceStore(db.prisma),
      courses: core.courses,
      members: core.members,
      communities: core.communities,
      access: null,
      log: silentLogger,
    });
    const ops: PaymentOp[] = [];
    for (let i = 0; i < count; i++) {
      const buyer = await core.members.ensure(community.id, {
        platformUserId: `${caseKey}-b${i}`,
        handle: `buyer${String(i).padStart(2, '0')}`,
        displayName: `Buyer ${i}`,
      });
      const { order } = await commerce.requestPurchase(community, buyer, course, `${caseKey}:order:${i}`, NOW);
      ops.push({ key: `${caseKey}:pay:${i}`, orderId: order!.id, amountMinor: 2000 });
    }
    return { communityId: community.id, ops };
  },

  async run(db, _communityId, ops, points, control) {
    const payments = paymentsOn(instrumented(db, points));
    for (const op of ops) {
      if (control.draining()) return;
      points.current = op.key;
      await deliver(payments, op, points);
      await control.between();
    }
  },

  async afterFault(db, communityId, _ops, acks: Acks) {
    const t = tally();
    const paid = [...(acks.get('paid') ?? [])];
    const payments = await db.prisma.payment.findMany({
      where: { communityId, providerRef: { in: paid.map((k) => `pi:${k}`) }, fulfilledAt: { not: null } },
    });
    t.expect(
      payments.length === paid.length,
      `${paid.length - payments.length} acknowledged payments without access`,
      'lost',
      paid.length - payments.length,
    );
    return t;
  },

  async redeliver(db, _communityId, ops) {
    const payments = paymentsOn(db.prisma);
    for (const op of ops) await deliver(payments, op);
  },

  async check(db, communityId, ops) {
    const t = tally();
    for (const op of ops) {
      const order = await db.prisma.courseOrder.findUniqueOrThrow({ where: { id: op.orderId } });
      t.expect(order.status === 'paid', `${op.key}: order ${order.status}`, 'lost');
      const payments = await db.prisma.payment.findMany({ where: { orderId: op.orderId } });
      t.expect(payments.length >= 1, `${op.key}: no payment`, 'lost');
      t.expect(payments.length <= 1, `${op.key}: ${payments.length} payments`, 'duplicated', payments.length - 1);
      t.expect(
        payments.every((p) => p.fulfilledAt),
        `${op.key}: payment left unfulfilled`,
        'lost',
      );
      const entitlements = await db.prisma.entitlement.count({ where: { orderId: op.orderId } });
      t.expect(entitlements === 1, `${op.key}: ${entitlements} entitlements`, entitlements > 1 ? 'duplicated' : 'lost');
      const entries = await db.prisma.moneyEntry.findMany({ where: { paymentId: { in: payments.map((p) => p.id) } } });
      t.expect(
        entries
          .map((e) => `${e.kind}:${e.amountMinor}`)
          .sort()
          .join(',') === 'fee:-100,payment:2000',
        `${op.key}: ledger ${entries.map((e) => `${e.kind}:${e.amountMinor}`).join(',')}`,
      );
      const marked = await db.prisma.providerEvent.count({ where: { provider: 'stripe', eventId: `evt:${op.key}` } });
      t.expect(marked === 1, `${op.key}: event marked ${marked} times`);
    }
    const counts = await new PrismaCommerceStore(db.prisma).integrity(communityId);
    t.expect(
      counts.paidWithoutEntitlement === 0,
      `${counts.paidWithoutEntitlement} paid orders without access`,
      'lost',
    );
    t.expect(
      counts.entitlementsWithoutPaidOrder === 0,
      `${counts.entitlementsWithoutPaidOrder} accesses without a paid order`,
      'duplicated',
    );
    return t;
  },
};
