import type { CommerceStores, NewNotice } from '../../core/commerce/ports.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { PersonalDataSource, PersonalScope } from '../../core/ports/personal-data.ts';
import {
  PrismaCouponStore,
  PrismaLevelStore,
  PrismaNoticeStore,
  PrismaPromotionStore,
} from './commerce-extra-stores.ts';
import { insertNotices, PrismaCommerceStore } from './commerce-store.ts';
import type { Db } from './database.ts';
import { defineStorage } from './feature-storage.ts';

/** The commerce feature's storage half (core half: core/commerce/feature.ts). */
export const commerceStorage = defineStorage<CommerceStores>({
  stores: ({ prisma }) => ({
    orders: new PrismaCommerceStore(prisma),
    coupons: new PrismaCouponStore(prisma),
    promotions: new PrismaPromotionStore(prisma),
    notices: new PrismaNoticeStore(prisma),
    levels: new PrismaLevelStore(prisma),
  }),
  personalData: (db, clock) => [commerceSource(db, clock)],
  communityTables: [
    'entitlement',
    'courseOrder',
    'courseAccess',
    'courseCoupon',
    'promoChannel',
    'coursePromotion',
    'memberNotice',
    'levelSettings',
    'levelReward',
    'memberLevel',
  ],
});

/**
 * Orders and entitlements: paid orders stay (accounting), with the member pseudonymised. A creator who is erased
 * stops selling: their courses are archived, pending orders for them cancelled, and every buyer is told.
 */
export function commerceSource(db: Db, clock: Clock): PersonalDataSource {
  return {
    name: 'purchases',
    async export({ communityId, memberId }: PersonalScope) {
      const [orders, entitlements, coupons, notices, level] = await Promise.all([
        db.courseOrder.findMany({
          where: { communityId, memberId },
          select: { id: true, courseId: true, status: true, amountMinor: true, currency: true, createdAt: true },
        }),
        db.entitlement.findMany({
          where: { communityId, memberId },
          select: { courseId: true, source: true, startsAt: true, expiresAt: true },
        }),
        db.courseCoupon.findMany({
          where: { communityId, OR: [{ memberId }, { creatorId: memberId }] },
          select: { code: true, kind: true, value: true, currency: true, pointsSpent: true, createdAt: true },
        }),
        db.memberNotice.findMany({
          where: { communityId, memberId },
          select: { kind: true, dueAt: true, sentAt: true },
        }),
        db.memberLevel.findUnique({ where: { communityId_memberId: { communityId, memberId } } }),
      ]);
      return { orders, entitlements, coupons, notices, level };
    },
    async forget({ communityId, memberId }: PersonalScope) {
      const at = clock.now();
      const archived = await archiveCreatorCourses(db, communityId, memberId, at);
      // Paid orders are accounting records and stay with the pseudonymised member; unpaid requests go.
      const pending = await db.courseOrder.deleteMany({ where: { communityId, memberId, status: 'pending' } });
      const notices = await db.memberNotice.deleteMany({ where: { communityId, memberId } });
      const level = await db.memberLevel.deleteMany({ where: { communityId, memberId } });
      return archived + pending.count + notices.count + level.count;
    },
  };
}

/** Takes an erased creator's courses off sale and tells their buyers (notices sent by the commerce notices job). */
async function archiveCreatorCourses(db: Db, communityId: string, creatorId: string, at: Date): Promise<number> {
  const courses = await db.course.findMany({ where: { communityId, creatorId }, select: { id: true, title: true } });
  if (courses.length === 0) return 0;
  return db.$transaction(async (tx) => {
    const notices: NewNotice[] = [];
    for (const course of courses) {
      await tx.courseAccess.upsert({
        where: { courseId: course.id },
        create: { courseId: course.id, communityId, archivedAt: at },
        update: { archivedAt: at },
      });
      const owners = await tx.entitlement.findMany({
        where: {
          communityId,
          courseId: course.id,
          revokedAt: null,
          OR: [{ expiresAt: null }, { expiresAt: { gt: at } }],
        },
        select: { memberId: true },
      });
      const waiting = await tx.courseOrder.findMany({
        where: { communityId, courseId: course.id, status: 'pending' },
        select: { id: true, memberId: true },
      });
      await tx.courseOrder.updateMany({
        where: { id: { in: waiting.map((o) => o.id) } },
        data: { status: 'cancelled', decidedAt: at },
      });
      await tx.coursePromotion.updateMany({
        where: { communityId, courseId: course.id, status: 'pending' },
        data: { status: 'rejected', decidedAt: at },
      });
      for (const memberId of new Set([...owners.map((o) => o.memberId), ...waiting.map((o) => o.memberId)])) {
        notices.push({
          communityId,
          memberId,
          kind: 'archived',
          key: `archived:${course.id}:${memberId}`,
          params: {
            title: course.title,
            courseId: course.id,
            hadOrder: waiting.some((o) => o.memberId === memberId) ? 1 : 0,
          },
          dueAt: at,
        });
      }
    }
    await insertNotices(tx, notices);
    return courses.length;
  });
}
