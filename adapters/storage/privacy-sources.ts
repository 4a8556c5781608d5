import type { PersonalDataSource, PersonalScope } from '../../core/privacy/ports.ts';
import type { Db } from './database.ts';

/**
 * The foundation's and paid content's personal data. Each feature's storage adds its own source beside these;
 * bots/compose.ts lists them all for the privacy service.
 */
export function eventLogSource(db: Db): PersonalDataSource {
  return {
    name: 'events',
    async export({ communityId, memberId }: PersonalScope) {
      const rows = await db.interactionEvent.findMany({
        where: { communityId, actorId: memberId },
        orderBy: { occurredAt: 'asc' },
        select: { verb: true, objectType: true, objectId: true, occurredAt: true, metadata: true, platform: true },
      });
      return rows;
    },
    async forget({ communityId, memberId }: PersonalScope) {
      // Their own actions go; others' actions towards them stay (they belong to the others) but lose the link.
      const own = await db.interactionEvent.deleteMany({ where: { communityId, actorId: memberId } });
      const towards = await db.interactionEvent.updateMany({
        where: { communityId, targetMemberId: memberId },
        data: { targetMemberId: null },
      });
      return own.count + towards.count;
    },
  };
}

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
