import type { KolStore } from '../../core/interactions/kol-store.ts';
import type { LedgerStore } from '../../core/interactions/ledger-store.ts';
import type { WeeklyReportStore } from '../../core/interactions/weekly-report.ts';
import type { Database } from './database.ts';
import { PrismaKolStore } from './graph-kol-store.ts';
import { PrismaWeeklyReportStore } from './graph-weekly-report-store.ts';
import { PostgresLedgerStore } from './ledger-store-postgres.ts';
import { SqliteLedgerStore } from './ledger-store-sqlite.ts';

export interface InteractionStores {
  ledger: LedgerStore;
  kol: KolStore;
  weeklyReport: WeeklyReportStore;
}

/** The ledger for the database's provider: both implement the one port, each on its own driver's fast path. */
export function createLedgerStore(database: Pick<Database, 'prisma' | 'driver'>): LedgerStore {
  const { driver } = database;
  return driver.provider === 'sqlite'
    ? new SqliteLedgerStore(database.prisma, driver.connection)
    : new PostgresLedgerStore(database.prisma, driver.pool);
}

/** Stores of the points ledger and the leaderboards over one database. */
export function createInteractionStores(database: Pick<Database, 'prisma' | 'driver'>): InteractionStores {
  return {
    ledger: createLedgerStore(database),
    kol: new PrismaKolStore(database.prisma),
    weeklyReport: new PrismaWeeklyReportStore(database.prisma),
  };
}
