import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PrismaCouponStore } from '../../adapters/storage/commerce-extra-stores.ts';
import { PrismaCommerceStore } from '../../adapters/storage/commerce-store.ts';
import { createCoreStores } from '../../adapters/storage/index.ts';
import { CommerceService } from '../../core/commerce/commerce-service.ts';
import type { Community, Course, Member } from '../../core/domain/types.ts';
import { UserError } from '../../core/errors.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const NOW = new Date('2026-11-20T02:00:00.000Z');

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UserError) return error.code;
    throw error;
  }
  return 'OK';
}

/** Orders, confirmations and grants write their events in their own transaction, and a reused key is a conflict. */
describe.each(['sqlite', 'postgresql'] as const)('paid content and its events on %s', (provider) => {
  let db: TestDatabase;
  let commerce: CommerceService;
  let store: PrismaCommerceStore;
  let community: Community;
  let buyer: Member;
  let creator: Member;
  let paid: Course;
  let other: Course;

  const eventsOf = async (verb: 'course.enrolled' | 'course.purchased') =>
    db.prisma.interactionEvent.findMany({ where: { communityId: community.id, verb } });

  beforeEach(async () => {
    db = await createTestDatabase(provider);
    const core = createCoreStores(db.prisma);
    store = new PrismaCommerceStore(db.prisma);
    commerce = new CommerceService({
      store,
      courses: core.courses,
      members: core.members,
      communities: core.communities,
      access: null,
      log: silentLogger,
    });
    community = await core.communities.ensure('console', 'outbox', { name: 'Outbox' });
    buyer = await core.members.ensure(community.id, { platformUserId: 'u-b', handle: 'buyer', displayName: 'Buyer' });
    creator = await core.members.setRole(
      (await core.members.ensure(community.id, { platformUserId: 'u-c', handle: 'lin', displayName: 'Lin' })).id,
      'creator',
    );
    const course = (title: string, priceMinor: number) =>
      core.courses.create({
        communityId: community.id,
        creatorId: creator.id,
        title,
        description: title,
        tags: ['ai'],
        language: 'en',
        priceMinor,
        currency: 'CNY',
        paymentModel: 'one_off',
      });
    paid = await course('Paid', 1990);
    other = await course('Other', 990);
  });
  afterEach(async () => {
    await db.drop();
  });

  it('writes an order with its event, and refuses its key reused for another course', async () => {
    const first = await commerce.requestPurchase(community, buyer, paid, 'console:k1', NOW);
    expect(first.created).toBe(true);
    const enrolled = await eventsOf('course.enrolled');
    expect(enrolled).toHaveLength(1);
    expect(enrolled[0]).toMatchObject({
      actorId: buyer.id,
      objectId: paid.id,
      targetMemberId: creator.id,
      dedupKey: `order:${first.order!.id}:created`,
      metadata: { orderId: first.order!.id, intent: 'purchase' },
    });

    expect(await errorCode(commerce.requestPurchase(community, buyer, other, 'console:k1', NOW))).toBe(
      'IDEMPOTENCY_KEY_REUSED',
    );
    expect(await db.prisma.courseOrder.count({ where: { communityId: community.id } })).toBe(1);
    expect(await eventsOf('course.enrolled')).toHaveLength(1);
    // The same request again is a replay: the same order, nothing new.
    const again = await commerce.requestPurchase(community, buyer, paid, 'console:k1', NOW);
    expect(again).toMatchObject({ created: false, order: { id: first.order!.id } });
    expect(await eventsOf('course.enrolled')).toHaveLength(1);
  });

  it('confirms a payment with its entitlement and event together, once', async () => {
    const { order } = await commerce.requestPurchase(community, buyer, paid, 'console:k2', NOW);
    const decided = await commerce.decide(community, creator, order!.id, 'paid', NOW);
    expect(decided.entitlement).toMatchObject({ memberId: buyer.id, courseId: paid.id, orderId: order!.id });
    expect(await errorCode(commerce.decide(community, creator, order!.id, 'paid', NOW))).toBe('ORDER_DECIDED');
    const purchased = await eventsOf('course.purchased');
    expect(purchased.map((e) => [e.actorId, e.dedupKey, e.metadata])).toEqual([
      [buyer.id, `order:${order!.id}:paid`, { orderId: order!.id, priceMinor: 1990, currency: 'CNY' }],
    ]);
    expect(await store.integrity(community.id)).toEqual({ paidWithoutEntitlement: 0, entitlementsWithoutPaidOrder: 0 });
  });

  it('leaves an order pending, with no entitlement, when its event cannot be written', async () => {
    const { order } = await commerce.requestPurchase(community, buyer, paid, 'console:k3', NOW);
    const refusedEvent = {
      communityId: 'no-such-community',
      actorId: buyer.id,
      verb: 'course.purchased' as const,
      objectType: 'course',
      objectId: paid.id,
      targetMemberId: null,
      channelId: null,
      platform: 'console' as const,
      occurredAt: NOW,
      metadata: {},
    };
    const entitlement = {
      communityId: community.id,
      memberId: buyer.id,
      courseId: paid.id,
      source: 'purchase' as const,
      orderId: order!.id,
      startsAt: NOW,
      expiresAt: null,
      createdAt: NOW,
    };
    await expect(
      store.decideOrder(order!.id, { status: 'paid', by: creator.id, at: NOW, entitlement }, [refusedEvent]),
    ).rejects.toThrow();
    expect((await store.getOrder(community.id, order!.id))?.status).toBe('pending');
    expect(await store.entitlements(community.id, buyer.id)).toEqual([]);
    expect(await store.integrity(community.id)).toEqual({ paidWithoutEntitlement: 0, entitlementsWithoutPaidOrder: 0 });
  });

  it('records a free course taken and a course given as enrolments', async () => {
    const free = await commerce.requestPurchase(
      community,
      buyer,
      { ...paid, id: other.id, priceMinor: 0 },
      'console:k4',
      NOW,
    );
    expect(free.kind).toBe('granted');
    const { entitlement: gift } = await commerce.grant(community, creator, buyer, paid, NOW);
    expect(gift.source).toBe('grant');
    const intents = (await eventsOf('course.enrolled')).map((e) => (e.metadata as { intent: string }).intent).sort();
    expect(intents).toEqual(['free', 'gift']);
  });

  it('makes one entitlement of two grants at once, with one enrolment event', async () => {
    const both = await Promise.all([
      commerce.grant(community, creator, buyer, paid, NOW),
      commerce.grant(community, creator, buyer, paid, NOW),
    ]);
    expect(both.map((g) => g.created).sort()).toEqual([false, true]);
    expect(both[0].entitlement.id).toBe(both[1].entitlement.id);
    expect(await db.prisma.entitlement.count({ where: { communityId: community.id, courseId: paid.id } })).toBe(1);
    expect(await eventsOf('course.enrolled')).toHaveLength(1);
  });

  it('gives a coupon’s last use to one of two buyers racing for it', async () => {
    const coupons = new PrismaCouponStore(db.prisma);
    await coupons.create({
      id: 'last-use',
      communityId: community.id,
      code: 'LAST',
      creatorId: creator.id,
      courseId: null,
      kind: 'percent',
      value: 50,
      currency: null,
      expiresAt: null,
      maxUses: 1,
      uses: 0,
      firstPurchaseOnly: false,
      memberId: null,
      sourceKey: null,
      pointsSpent: 0,
      fundedAt: null,
      createdAt: NOW,
    });
    const withCoupons = new CommerceService({
      store,
      coupons,
      courses: createCoreStores(db.prisma).courses,
      members: createCoreStores(db.prisma).members,
      communities: createCoreStores(db.prisma).communities,
      access: null,
      log: silentLogger,
    });
    const second = await createCoreStores(db.prisma).members.ensure(community.id, {
      platformUserId: 'u-b2',
      handle: 'buyer2',
      displayName: 'Buyer 2',
    });
    const codes = await Promise.all(
      [buyer, second].map((m, i) =>
        errorCode(withCoupons.requestPurchase(community, m, paid, `race:${i}`, NOW, { coupon: 'last' })),
      ),
    );
    expect(codes.sort()).toEqual(['COUPON_USED_UP', 'OK']);
    expect((await coupons.byCode(community.id, 'LAST'))!.uses).toBe(1);
    const orders = await db.prisma.courseOrder.findMany({ where: { communityId: community.id } });
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ amountMinor: 995, discountMinor: 995, couponId: 'last-use' });
  });
});
