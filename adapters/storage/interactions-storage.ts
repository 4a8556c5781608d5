import type { InteractionStores } from '../../core/interactions/feature.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { PersonalDataSource, PersonalScope } from '../../core/ports/personal-data.ts';
import type { Db } from './database.ts';
import { defineStorage } from './feature-storage.ts';
import { PrismaKolStore } from './interactions-kol-store.ts';
import { PrismaWeeklyReportStore } from './interactions-weekly-report-store.ts';
import { PrismaLedgerStore } from './ledger-prisma-store.ts';

/** Stores of the points ledger, the leaderboards and the weekly report over one Prisma client. */
export function createInteractionStores(db: Db, provider: 'sqlite' | 'postgresql' = 'sqlite'): InteractionStores {
  return {
    ledger: new PrismaLedgerStore(db, { provider }),
    kol: new PrismaKolStore(db),
    weeklyReport: new PrismaWeeklyReportStore(db),
  };
}

/** The interactions feature's storage half (core half: core/interactions/feature.ts). */
export const interactionsStorage = defineStorage({
  stores: (db, provider) => createInteractionStores(db, provider),
  personalData: (db, clock) => [ledgerSource(db), leaderboardSource(db, clock)],
  communityTables: [
    'ledgerPosting',
    'ledgerAudit',
    'ledgerFlag',
    'ledgerTipPair',
    'ledgerTransfer',
    'ledgerAccount',
    'ledgerPolicySetting',
    'leaderboardOptOut',
    'leaderboardSnapshot',
    'weeklyReportSetting',
  ],
});

/**
 * Points. Balances and postings stay (the ledger must still balance, and the other side of each tip keeps its
 * points), but free-text reasons and derived tipping patterns that name the member go.
 */
export function ledgerSource(db: Db): PersonalDataSource {
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
      const reasons = await db.ledgerTransfer.updateMany({
        where: { communityId, OR: [{ fromMemberId: memberId }, { toMemberId: memberId }], reason: { not: null } },
        data: { reason: null },
      });
      const audits = await db.ledgerAudit.updateMany({ where: { communityId, memberId }, data: { reason: '' } });
      const pairs = await db.ledgerTipPair.deleteMany({
        where: { communityId, OR: [{ fromMemberId: memberId }, { toMemberId: memberId }] },
      });
      const flags = await db.ledgerFlag.deleteMany({ where: { communityId, memberIds: { contains: memberId } } });
      return reasons.count + audits.count + pairs.count + flags.count;
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
