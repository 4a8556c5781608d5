import type { InteractionStores } from '../../core/interactions/feature.ts';
import type { LedgerStore } from '../../core/interactions/ledger-store.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { PersonalDataSource, PersonalScope } from '../../core/ports/personal-data.ts';
import type { Database, Db } from './database.ts';
import { defineStorage } from './feature-storage.ts';
import { PrismaKolStore } from './interactions-kol-store.ts';
import { PrismaWeeklyReportStore } from './interactions-weekly-report-store.ts';
import { PrismaLedgerAlertStore } from './ledger-alert-store.ts';
import { PostgresLedgerStore } from './ledger-store-postgres.ts';
import { SqliteLedgerStore } from './ledger-store-sqlite.ts';

/** The ledger for the database's provider: both implement the one port, each on its own driver's fast path. */
export function createLedgerStore(database: Pick<Database, 'prisma' | 'driver'>): LedgerStore {
  const { driver } = database;
  return driver.provider === 'sqlite'
    ? new SqliteLedgerStore(database.prisma, driver.connection)
    : new PostgresLedgerStore(database.prisma, driver.pool);
}

/** Stores of the points ledger, its integrity alerts, the leaderboards and the weekly report over one database. */
export function createInteractionStores(database: Pick<Database, 'prisma' | 'driver'>): InteractionStores {
  return {
    ledger: createLedgerStore(database),
    ledgerAlerts: new PrismaLedgerAlertStore(database.prisma),
    kol: new PrismaKolStore(database.prisma),
    weeklyReport: new PrismaWeeklyReportStore(database.prisma),
  };
}

/** The interactions feature's storage half (core half: core/interactions/feature.ts). */
export const interactionsStorage = defineStorage({
  stores: (database) => createInteractionStores(database),
  personalData: (db, clock) => [ledgerSource(db, clock), leaderboardSource(db, clock)],
  communityTables: [
    'ledgerPosting',
    'ledgerAudit',
    'ledgerFlag',
    'ledgerTipPair',
    'ledgerTransfer',
    'ledgerAccount',
    'ledgerPolicySetting',
    'ledgerAlertSetting',
    'leaderboardOptOut',
    'leaderboardSnapshot',
    'weeklyReportSetting',
  ],
});

/**
 * Points. Balances and postings stay (the ledger must still balance, and the other side of each tip keeps its
 * points), but free-text reasons and derived tipping patterns that name the member go. Transfers the member made are
 * marked erased: their events go with the member's event log, and the ledger's integrity check then expects none.
 * Runs before the event log source (which is always last), so a transfer never lacks its event without being marked.
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
