import { PrismaCommerceStore } from '../../adapters/storage/commerce-store.ts';
import type { Database, Db } from '../../adapters/storage/database.ts';
import { createCoreStores } from '../../adapters/storage/index.ts';
import { CommerceService } from '../../core/commerce/commerce-service.ts';
import { DEFAULT_ACCESS } from '../../core/commerce/types.ts';
import type { Community, Course, Member } from '../../core/domain/types.ts';
import { UserError } from '../../core/errors.ts';
import type { AccessGranter } from '../../core/ports/access.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import type { FaultPoints } from './fault-points.ts';
import { type Acks, type FaultScenario, tally } from './scenario.ts';
import { checkBooks } from './tip-scenario.ts';

/**
 * An order payment, broken at each of its steps: the member's order (received, in its transaction, committed), the
 * creator's confirmation (received, in its transaction with the entitlement, the platform unlock after it,
 * committed), and the acknowledgement. Each operation is one member buying the paid course and the creator
 * confirming it.
 */

export interface OrderOp {
  key: string;
  buyer: number;
}

const NOW = new Date('2026-11-20T02:00:00.000Z');

interface Parties {
  community: Community;
  creator: Member;
  buyers: Member[];
  course: Course;
}

async function parties(db: Database, communityId: string): Promise<Parties> {
  const core = createCoreStores(db.prisma);
  const community = (await core.communities.get(communityId)) as Community;
  const members = await core.members.list(communityId, { limit: 100 });
  const [course] = await core.courses.list(communityId);
  return {
    community,
    creator: members.find((m) => m.handle === 'creator') as Member,
    buyers: members.filter((m) => m.handle.startsWith('buyer')).sort((a, b) => a.handle.localeCompare(b.handle)),
    course: course as Course,
  };
}

function commerceOn(prisma: Db, access: AccessGranter | null): CommerceService {
  const core = createCoreStores(prisma);
  return new CommerceService({
    store: new PrismaCommerceStore(prisma),
    courses: core.courses,
    members: core.members,
    communities: core.communities,
    access,
    log: silentLogger,
  });
}

/** Worker side: the fault points inside the order's and the confirmation's transactions (their event writes). */
function instrumented(db: Database, points: FaultPoints): Db {
  return db.prisma.$extends({
    query: {
      interactionEvent: {
        async createMany({ args, query }) {
          const result = await query(args);
          const rows = Array.isArray(args.data) ? args.data : [args.data];
          const paid = rows.some((r) => r.verb === 'course.purchased');
          await points.reached(paid ? 'confirm-in-transaction' : 'order-in-transaction');
          return result;
        },
      },
    },
  }) as unknown as Db;
}

/** Buys and confirms; a repeat of either answers what was done, as the commands do. */
async function buyAndConfirm(commerce: CommerceService, p: Parties, op: OrderOp, points?: FaultPoints) {
  const buyer = p.buyers[op.buyer] as Member;
  await points?.reached('order-received');
  let order: Awaited<ReturnType<CommerceService['requestPurchase']>>['order'] = null;
  try {
    order = (await commerce.requestPurchase(p.community, buyer, p.course, op.key, NOW)).order;
  } catch (error) {
    // Already bought and confirmed: the redelivered purchase is answered "already owned".
    if (error instanceof UserError && error.code === 'ALREADY_OWNED' && !points) return;
    throw error;
  }
  await points?.reached('order-committed');
  points?.ack(op.key, 'ordered');
  await points?.reached('confirm-received');
  if (order && order.status === 'pending') {
    try {
      await commerce.decide(p.community, p.creator, order.id, 'paid', NOW);
    } catch (error) {
      if (!(error instanceof UserError && error.code === 'ORDER_DECIDED')) throw error;
    }
  }
  await points?.reached('confirm-committed');
  points?.ack(op.key, 'confirmed');
  await points?.reached('acknowledged');
}

export const orderScenario: FaultScenario<OrderOp> = {
  name: 'order',
  steps: [
    'order-received',
    'order-in-transaction',
    'order-committed',
    'confirm-received',
    'confirm-in-transaction',
    'unlocking',
    'confirm-committed',
    'acknowledged',
  ],
  key: (op) => op.key,

  async prepare(db, caseKey, count) {
    const core = createCoreStores(db.prisma);
    const community = await core.communities.ensure('console', caseKey, { name: caseKey });
    const creator = await core.members.setRole(
      (
        await core.members.ensure(community.id, {
          platformUserId: `${caseKey}-c`,
          handle: 'creator',
          displayName: 'Lin',
        })
      ).id,
      'creator',
    );
    for (let i = 0; i < count; i++) {
      await core.members.ensure(community.id, {
        platformUserId: `${caseKey}-b${i}`,
        handle: `buyer${String(i).padStart(2, '0')}`,
        displayName: `Buyer ${i}`,
      });
    }
    const course = await core.courses.create({
      communityId: community.id,
      creatorId: creator.id,
      title: 'Paid course',
      description: 'A course that unlocks a role',
      tags: ['ai'],
      language: 'en',
      priceMinor: 4900,
      currency: 'CNY',
      paymentModel: 'one_off',
    });
    await new PrismaCommerceStore(db.prisma).setAccess({
      ...DEFAULT_ACCESS,
      courseId: course.id,
      communityId: community.id,
      unlockRoleId: 'role-paid',
      unlockChannelId: null,
      periodDays: 30,
    });
    return {
      communityId: community.id,
      ops: Array.from({ length: count }, (_, i) => ({ key: `${caseKey}:buy:${i}`, buyer: i })),
    };
  },

  async run(db, communityId, ops, points, control) {
    const p = await parties(db, communityId);
    const access: AccessGranter = {
      grant: () => points.reached('unlocking'),
      revoke: async () => {},
    };
    const commerce = commerceOn(instrumented(db, points), access);
    for (const op of ops) {
      if (control.draining()) return;
      points.current = op.key;
      await buyAndConfirm(commerce, p, op, points);
      await control.between();
    }
  },

  async afterFault(db, communityId, _ops, acks: Acks) {
    const t = tally();
    const ordered = [...(acks.get('ordered') ?? [])];
    const confirmed = [...(acks.get('confirmed') ?? [])];
    const orders = await db.prisma.courseOrder.findMany({ where: { communityId, requestKey: { in: ordered } } });
    t.expect(
      orders.length === ordered.length,
      `${ordered.length - orders.length} acknowledged orders missing`,
      'lost',
      ordered.length - orders.length,
    );
    const paid = orders.filter((o) => o.status === 'paid' && confirmed.includes(o.requestKey));
    t.expect(
      paid.length === confirmed.length,
      `${confirmed.length - paid.length} acknowledged payments missing`,
      'lost',
      confirmed.length - paid.length,
    );
    await checkCommerce(db, communityId, t);
    return t;
  },

  async redeliver(db, communityId, ops) {
    const p = await parties(db, communityId);
    const commerce = commerceOn(db.prisma, null);
    for (const op of ops) await buyAndConfirm(commerce, p, op);
  },

  async check(db, communityId, ops) {
    const t = tally();
    const p = await parties(db, communityId);
    const orders = await db.prisma.courseOrder.findMany({ where: { communityId } });
    for (const op of ops) {
      const buyer = p.buyers[op.buyer] as Member;
      const theirs = orders.filter((o) => o.memberId === buyer.id);
      t.expect(theirs.length >= 1, `${op.key}: no order`, 'lost');
      t.expect(theirs.length <= 1, `${op.key}: ${theirs.length} orders`, 'duplicated', theirs.length - 1);
      t.expect(
        theirs.every((o) => o.status === 'paid'),
        `${op.key}: order not paid`,
        'lost',
      );
      const entitlements = await db.prisma.entitlement.count({ where: { communityId, memberId: buyer.id } });
      t.expect(entitlements >= 1, `${op.key}: no access`, 'lost');
      t.expect(entitlements <= 1, `${op.key}: ${entitlements} accesses`, 'duplicated', entitlements - 1);
      for (const order of theirs) {
        for (const [verb, key] of [
          ['course.enrolled', `order:${order.id}:created`],
          ['course.purchased', `order:${order.id}:paid`],
        ] as const) {
          const n = await db.prisma.interactionEvent.count({
            where: { communityId, verb, objectId: p.course.id, actorId: buyer.id },
          });
          const keyed = await db.prisma.interactionEvent.count({ where: { dedupKey: key } });
          t.expect(keyed === 1 && n >= 1, `${op.key}: ${verb} missing`, 'lost');
          t.expect(n <= 1, `${op.key}: ${n} × ${verb}`, 'duplicated', n - 1);
        }
      }
    }
    await checkCommerce(db, communityId, t);
    return t;
  },
};

async function checkCommerce(db: Database, communityId: string, t: ReturnType<typeof tally>): Promise<void> {
  const counts = await new PrismaCommerceStore(db.prisma).integrity(communityId);
  t.expect(
    counts.paidWithoutEntitlement === 0,
    `${counts.paidWithoutEntitlement} paid orders without access`,
    'lost',
    counts.paidWithoutEntitlement,
  );
  t.expect(
    counts.entitlementsWithoutPaidOrder === 0,
    `${counts.entitlementsWithoutPaidOrder} accesses without a paid order`,
    'duplicated',
    counts.entitlementsWithoutPaidOrder,
  );
  await checkBooks(db, communityId, t);
}
