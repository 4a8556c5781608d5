import { PrismaCourseStore } from '../../adapters/storage/catalog-and-log-stores.ts';
import { PrismaCouponStore } from '../../adapters/storage/commerce-extra-stores.ts';
import { PrismaCommerceStore } from '../../adapters/storage/commerce-store.ts';
import { PrismaCommunityStore, PrismaMemberStore } from '../../adapters/storage/community-stores.ts';
import type { Database } from '../../adapters/storage/database.ts';
import { createLedgerStore } from '../../adapters/storage/interactions-storage.ts';
import { CommerceService } from '../../core/commerce/commerce-service.ts';
import type { CouponStore } from '../../core/commerce/ports.ts';
import { RedemptionService } from '../../core/commerce/redemption.ts';
import { DEFAULT_ACCESS } from '../../core/commerce/types.ts';
import type { Community, Course, Member } from '../../core/domain/types.ts';
import { LedgerService } from '../../core/interactions/ledger-service.ts';
import { pointsWallet } from '../../core/interactions/points-wallet.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import type { PointsWallet } from '../../core/ports/points.ts';
import type { FaultPoints } from './fault-points.ts';
import { type FaultScenario, tally } from './scenario.ts';
import { checkBooks, TIP_POLICY } from './tip-scenario.ts';

/**
 * Points redeemed for a coupon, broken at each step: received, the coupon written (unusable, its points not yet
 * taken), the points spent through the ledger, the coupon funded, acknowledged. Each redemption of the case costs
 * exactly 10 points ($10 off a $100 course at 1 point a dollar, capped at 10%), so every member's balance is exact:
 * one coupon per redemption, funded, and its points taken once.
 */

export interface RedeemOp {
  key: string;
  member: number;
}

const MEMBERS = 3;
const COST = 10;
const NOW = new Date('2026-11-20T02:00:00.000Z');
const handle = (i: number) => `r${i}`;

async function parties(db: Database, communityId: string) {
  const community = (await new PrismaCommunityStore(db.prisma).get(communityId)) as Community;
  const members = (await new PrismaMemberStore(db.prisma).list(communityId, { limit: 100 }))
    .filter((m) => /^r\d+$/.test(m.handle))
    .sort((a, b) => a.handle.localeCompare(b.handle));
  const course = (await new PrismaCourseStore(db.prisma).list(communityId))[0] as Course;
  return { community, members, course };
}

function redemptionOn(db: Database, points?: FaultPoints): RedemptionService {
  const members = new PrismaMemberStore(db.prisma);
  const commerce = new CommerceService({
    store: new PrismaCommerceStore(db.prisma),
    courses: new PrismaCourseStore(db.prisma),
    members,
    communities: new PrismaCommunityStore(db.prisma),
    access: null,
    log: silentLogger,
  });
  const coupons: CouponStore = new PrismaCouponStore(db.prisma);
  const wallet: PointsWallet = pointsWallet(
    new LedgerService({ store: createLedgerStore(db), log: silentLogger, policy: TIP_POLICY }),
  );
  if (!points) return new RedemptionService({ commerce, coupons, wallet: () => wallet, log: silentLogger });
  // The fault points sit between the redemption's own steps, in the stores it calls.
  const instrumentedCoupons: CouponStore = {
    byCode: (c, code) => coupons.byCode(c, code),
    bySourceKey: (c, k) => coupons.bySourceKey(c, k),
    list: (c, f) => coupons.list(c, f),
    expire: (c, id, at) => coupons.expire(c, id, at),
    async create(coupon) {
      const made = await coupons.create(coupon);
      await points.reached('coupon-written');
      return made;
    },
    async markFunded(id, at) {
      await coupons.markFunded(id, at);
      await points.reached('funded');
    },
  };
  const instrumentedWallet: PointsWallet = {
    balance: (c, m, now) => wallet.balance(c, m, now),
    async spend(input) {
      const outcome = await wallet.spend(input);
      await points.reached('spent');
      return outcome;
    },
  };
  return new RedemptionService({
    commerce,
    coupons: instrumentedCoupons,
    wallet: () => instrumentedWallet,
    log: silentLogger,
  });
}

export const redemptionScenario: FaultScenario<RedeemOp> = {
  name: 'redemption',
  steps: ['received', 'coupon-written', 'spent', 'funded', 'acknowledged'],
  key: (op) => op.key,

  async prepare(db, caseKey, count) {
    const community = await new PrismaCommunityStore(db.prisma).ensure('console', caseKey, { name: caseKey });
    const memberStore = new PrismaMemberStore(db.prisma);
    const members: Member[] = [];
    for (let i = 0; i < MEMBERS; i++) {
      members.push(
        await memberStore.ensure(community.id, {
          platformUserId: `${caseKey}-${i}`,
          handle: handle(i),
          displayName: handle(i),
        }),
      );
    }
    const course = await new PrismaCourseStore(db.prisma).create({
      communityId: community.id,
      creatorId: (members[0] as Member).id,
      title: 'Points course',
      description: '',
      tags: [],
      language: 'en',
      priceMinor: 10_000,
      currency: 'USD',
      paymentModel: 'one_off',
    });
    await new PrismaCommerceStore(db.prisma).setAccess({
      ...DEFAULT_ACCESS,
      courseId: course.id,
      communityId: community.id,
      pointsPerUnit: 1,
      pointsCapPercent: 10,
    });
    // Starting balances come from a treasurer outside the redeeming members (staff cannot grant to themselves).
    const treasurer = await memberStore.ensure(community.id, {
      platformUserId: `${caseKey}-treasurer`,
      handle: 'treasurer',
      displayName: 'treasurer',
    });
    const ledger = new LedgerService({ store: createLedgerStore(db), log: silentLogger, policy: TIP_POLICY });
    for (const [i, member] of members.entries()) {
      await ledger.adjust({
        community,
        moderator: treasurer,
        member,
        action: 'grant',
        amount: COST * count + 5,
        reason: 'starting balance',
        idempotencyKey: `${caseKey}:seed:${i}`,
        now: NOW,
      });
    }
    const ops = Array.from({ length: count }, (_, i) => ({ key: `${caseKey}:redeem:${i}`, member: i % MEMBERS }));
    return { communityId: community.id, ops };
  },

  async run(db, communityId, ops, points, control) {
    const { community, members, course } = await parties(db, communityId);
    const redemption = redemptionOn(db, points);
    for (const op of ops) {
      if (control.draining()) return;
      points.current = op.key;
      await points.reached('received');
      await redemption.redeem(community, members[op.member] as Member, course, op.key, NOW);
      points.ack(op.key, 'redeemed');
      await points.reached('acknowledged');
      await control.between();
    }
  },

  async afterFault(db, communityId, _ops, acks) {
    const t = tally();
    const acked = [...(acks.get('redeemed') ?? [])];
    const funded = await db.prisma.courseCoupon.count({
      where: { communityId, sourceKey: { in: acked.map((k) => `redeem:${k}`) }, fundedAt: { not: null } },
    });
    t.expect(
      funded === acked.length,
      `${acked.length - funded} acknowledged redemptions without a funded coupon`,
      'lost',
      acked.length - funded,
    );
    await checkBooks(db, communityId, t);
    return t;
  },

  async redeliver(db, communityId, ops) {
    const { community, members, course } = await parties(db, communityId);
    const redemption = redemptionOn(db);
    for (const op of ops) await redemption.redeem(community, members[op.member] as Member, course, op.key, NOW);
  },

  async check(db, communityId, ops) {
    const t = tally();
    const coupons = await db.prisma.courseCoupon.findMany({ where: { communityId } });
    const bySource = new Map(coupons.map((c) => [c.sourceKey, c]));
    const missing = ops.filter((op) => !bySource.get(`redeem:${op.key}`)?.fundedAt).length;
    t.expect(missing === 0, `${missing} redemptions without a funded coupon`, 'lost', missing);
    const extra = coupons.length - ops.length;
    t.expect(extra === 0, `${extra} coupons more than redemptions`, 'duplicated', Math.max(0, extra));
    const spends = await db.prisma.ledgerTransfer.findMany({ where: { communityId, kind: 'revoke' } });
    t.expect(
      spends.length === ops.length,
      `${spends.length} points spends for ${ops.length} redemptions`,
      spends.length > ops.length ? 'duplicated' : 'lost',
      Math.abs(spends.length - ops.length),
    );
    t.expect(
      spends.every((s) => s.amount === COST),
      'a redemption spent other than its price in points',
    );
    const { members } = await parties(db, communityId);
    const accounts = await db.prisma.ledgerAccount.findMany({ where: { communityId, key: { startsWith: 'member:' } } });
    const balance = new Map(accounts.map((a) => [a.memberId, a.balance]));
    members.forEach((m, i) => {
      const want = COST * ops.length + 5 - COST * ops.filter((op) => op.member === i).length;
      t.expect(balance.get(m.id) === want, `${m.handle} has ${balance.get(m.id)} points, expected ${want}`);
    });
    await checkBooks(db, communityId, t);
    return t;
  },
};
