import type { Clock } from '../../core/ports/clock.ts';
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

/**
 * Members' own posts that became digest candidates. Must run before the event log source: the posts' events are
 * how we know which items were theirs.
 */
export function memberPostsSource(db: Db): PersonalDataSource {
  const theirItems = async ({ communityId, memberId }: PersonalScope) => {
    const posts = await db.interactionEvent.findMany({
      where: { communityId, actorId: memberId, verb: { in: ['message.posted', 'message.shared'] } },
      select: { objectId: true },
    });
    return posts.map((p) => `message:${p.objectId}`);
  };
  return {
    name: 'posts_in_digests',
    async export(scope) {
      const guids = await theirItems(scope);
      if (guids.length === 0) return [];
      return db.contentItem.findMany({
        where: { communityId: scope.communityId, guid: { in: guids } },
        select: { title: true, url: true, publishedAt: true, quality: true, dropReason: true },
      });
    },
    async forget(scope) {
      const guids = await theirItems(scope);
      if (guids.length === 0) return 0;
      const items = await db.contentItem.findMany({
        where: { communityId: scope.communityId, guid: { in: guids } },
        select: { id: true },
      });
      const ids = items.map((i) => i.id);
      await db.digestDelivery.deleteMany({ where: { communityId: scope.communityId, itemId: { in: ids } } });
      return (await db.contentItem.deleteMany({ where: { id: { in: ids } } })).count;
    },
  };
}

/**
 * Points. Balances and postings stay (the ledger must still balance, and the other side of each tip keeps its
 * points), but free-text reasons and derived tipping patterns that name the member go. Transfers the member made are
 * marked erased: their events go with the member's event log, and the ledger's integrity check then expects none.
 * Runs before the event log source, so a transfer never lacks its event without being marked.
 */
export function ledgerSource(db: Db, clock: Clock): PersonalDataSource {
  return {
    name: 'points',
    async export({ communityId, memberId }: PersonalScope) {
      const [account, transfers, audits] = await Promise.all([
        db.ledgerAccount.findFirst({ where: { communityId, memberId }, select: { balance: true } }),
        db.ledgerTransfer.findMany({
          where: { communityId, OR: [{ fromMemberId: memberId }, { toMemberId: memberId }] },
          select: { kind: true, fromMemberId: true, toMemberId: true, amount: true, reason: true, createdAt: true },
          orderBy: { createdAt: 'asc' },
        }),
        db.ledgerAudit.findMany({
          where: { communityId, memberId },
          select: { action: true, amount: true, reason: true, createdAt: true },
        }),
      ]);
      return { balance: account?.balance ?? 0, transfers, moderatorAdjustments: audits };
    },
    async forget({ communityId, memberId }: PersonalScope) {
      const erased = await db.ledgerTransfer.updateMany({
        where: { communityId, actorId: memberId, erasedAt: null },
        data: { erasedAt: clock.now() },
      });
      // The fingerprint covered the reason: with the reason gone, a replay of the key can no longer be compared.
      const reasons = await db.ledgerTransfer.updateMany({
        where: { communityId, OR: [{ fromMemberId: memberId }, { toMemberId: memberId }], reason: { not: null } },
        data: { reason: null, requestHash: null },
      });
      const audits = await db.ledgerAudit.updateMany({ where: { communityId, memberId }, data: { reason: '' } });
      const pairs = await db.ledgerTipPair.deleteMany({
        where: { communityId, OR: [{ fromMemberId: memberId }, { toMemberId: memberId }] },
      });
      const flags = await db.ledgerFlag.deleteMany({ where: { communityId, memberIds: { contains: memberId } } });
      return erased.count + reasons.count + audits.count + pairs.count + flags.count;
    },
  };
}

/** Leaderboard entries go; the tombstone stays opted out so a forgotten member never reappears on a board. */
export function leaderboardSource(db: Db, clock: Clock): PersonalDataSource {
  return {
    name: 'leaderboards',
    async export({ communityId, memberId }: PersonalScope) {
      const [optedOut, entries] = await Promise.all([
        db.leaderboardOptOut.findUnique({ where: { communityId_memberId: { communityId, memberId } } }),
        db.leaderboardEntry.findMany({
          where: { memberId, snapshot: { communityId } },
          select: { rank: true, score: true, snapshot: { select: { window: true, topic: true, computedAt: true } } },
        }),
      ]);
      return { optedOut: optedOut !== null, entries };
    },
    async forget({ communityId, memberId }: PersonalScope) {
      const entries = await db.leaderboardEntry.deleteMany({ where: { memberId, snapshot: { communityId } } });
      await db.leaderboardOptOut.upsert({
        where: { communityId_memberId: { communityId, memberId } },
        create: { communityId, memberId, createdAt: clock.now() },
        update: {},
      });
      return entries.count;
    },
  };
}

/** The interest group a member was placed in (profiles themselves are computed from the event log, erased above). */
export function interestGroupSource(db: Db): PersonalDataSource {
  return {
    name: 'interest_group',
    async export({ communityId, memberId }: PersonalScope) {
      return db.interestGroupMember.findUnique({
        where: { communityId_memberId: { communityId, memberId } },
        select: { groupIndex: true },
      });
    },
    async forget({ communityId, memberId }: PersonalScope) {
      return (await db.interestGroupMember.deleteMany({ where: { communityId, memberId } })).count;
    },
  };
}
