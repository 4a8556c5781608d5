import type { PersonalDataSource, PersonalScope } from '../../core/ports/personal-data.ts';
import { PrismaCommerceStore } from './commerce-store.ts';
import type { Db } from './database.ts';
import { defineStorage } from './feature-storage.ts';

/** The commerce feature's storage half (core half: core/commerce/feature.ts). */
export const commerceStorage = defineStorage({
  stores: ({ prisma }) => new PrismaCommerceStore(prisma),
  personalData: (db) => [commerceSource(db)],
  communityTables: ['entitlement', 'courseOrder', 'courseAccess'],
});

/** Orders and entitlements: paid orders stay (accounting), with the member pseudonymised. */
export function commerceSource(db: Db): PersonalDataSource {
  return {
    name: 'purchases',
    async export({ communityId, memberId }: PersonalScope) {
      const [orders, entitlements] = await Promise.all([
        db.courseOrder.findMany({
          where: { communityId, memberId },
          select: { id: true, courseId: true, status: true, amountMinor: true, currency: true, createdAt: true },
        }),
        db.entitlement.findMany({
          where: { communityId, memberId },
          select: { courseId: true, source: true, startsAt: true, expiresAt: true },
        }),
      ]);
      return { orders, entitlements };
    },
    async forget({ communityId, memberId }: PersonalScope) {
      // Paid orders are accounting records and stay with the pseudonymised member; unpaid requests go.
      const pending = await db.courseOrder.deleteMany({ where: { communityId, memberId, status: { not: 'paid' } } });
      return pending.count;
    },
  };
}
