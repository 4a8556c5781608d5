import type { KolStore } from '../../core/interactions/kol-store.ts';
import type { LedgerStore } from '../../core/interactions/ledger-store.ts';
import type { WeeklyReportStore } from '../../core/interactions/weekly-report.ts';
import type { Db } from './database.ts';
import { PrismaKolStore } from './graph-kol-store.ts';
import { PrismaWeeklyReportStore } from './graph-weekly-report-store.ts';
import { PrismaLedgerStore } from './ledger-prisma-store.ts';

export interface InteractionStores {
  ledger: LedgerStore;
  kol: KolStore;
  weeklyReport: WeeklyReportStore;
}

/** Stores of the points ledger and the leaderboards over one Prisma client. */
export function createInteractionStores(db: Db, provider: 'sqlite' | 'postgresql' = 'sqlite'): InteractionStores {
  return {
    ledger: new PrismaLedgerStore(db, { provider }),
    kol: new PrismaKolStore(db),
    weeklyReport: new PrismaWeeklyReportStore(db),
  };
}
