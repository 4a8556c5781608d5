import { defineFeature, type FeatureContext } from '../framework/feature.ts';
import { balanceCommand } from './commands/balance.ts';
import { leaderboardCommand } from './commands/leaderboard.ts';
import { pointsGrantCommand, pointsPolicyCommand, pointsRevokeCommand } from './commands/points.ts';
import { pointsAlertsCommand } from './commands/points-alerts.ts';
import { pointsFlagCommand, pointsFlagsCommand } from './commands/points-flags.ts';
import type { InteractionHandles } from './commands/shared.ts';
import { statsCommand } from './commands/stats.ts';
import { statsWeeklyCommand } from './commands/stats-weekly.ts';
import { tipCommand } from './commands/tip.ts';
import { tipsCommand } from './commands/tips.ts';
import { KolService } from './kol-service.ts';
import type { KolStore } from './kol-store.ts';
import { type LedgerAlertStore, LedgerIntegrityService, ledgerIntegrityCheck } from './ledger-integrity.ts';
import { LedgerService } from './ledger-service.ts';
import type { LedgerStore } from './ledger-store.ts';
import { interactionsMessages } from './messages.ts';
import { pointsWallet } from './points-wallet.ts';
import { TipGestures } from './tip-gestures.ts';
import { WeeklyReportService } from './weekly-report.ts';
import type { WeeklyReportStore } from './weekly-report-store.ts';

export interface InteractionStores {
  ledger: LedgerStore;
  ledgerAlerts: LedgerAlertStore;
  kol: KolStore;
  weeklyReport: WeeklyReportStore;
}

/** Tipping on the points ledger, KOL leaderboards and community analytics, and the weekly community report. */
export const interactionsFeature = defineFeature({
  name: 'interactions',
  messages: interactionsMessages,
  services: (ctx: FeatureContext<InteractionStores>): InteractionHandles => {
    const { core } = ctx;
    const ledger = new LedgerService({ store: ctx.stores.ledger, log: ctx.log });
    const ledgerIntegrity = new LedgerIntegrityService({
      checks: ctx.integrityChecks,
      alerts: ctx.stores.ledgerAlerts,
      communities: core.communities,
      translator: core.translator,
      messenger: ctx.messenger,
      clock: ctx.clock,
      log: ctx.log,
    });
    const kol = new KolService({ store: ctx.stores.kol, events: core.events, members: core.members, log: ctx.log });
    const weeklyReport = new WeeklyReportService({
      store: ctx.stores.weeklyReport,
      kol,
      ledger,
      communities: core.communities,
      translator: core.translator,
      posts: ctx.posts,
      clock: ctx.clock,
      log: ctx.log,
    });
    const tipGestures = new TipGestures({
      ledger,
      members: core.members,
      messenger: ctx.messenger,
      translator: core.translator,
      clock: ctx.clock,
      log: ctx.log,
    });
    return { ledger, ledgerIntegrity, kol, weeklyReport, tipGestures };
  },
  commands: [
    tipCommand,
    balanceCommand,
    tipsCommand,
    leaderboardCommand,
    pointsGrantCommand,
    pointsRevokeCommand,
    pointsPolicyCommand,
    pointsFlagsCommand,
    pointsFlagCommand,
    pointsAlertsCommand,
    statsCommand,
    statsWeeklyCommand,
  ],
  // "+1 @bob" messages and 👏 reactions tip through the same ledger as /tip.
  events: ({ tipGestures }) => [(event, scope) => tipGestures.onEvent(event, scope)],
  integrity: (_handles, { stores }) => [ledgerIntegrityCheck(stores.ledger)],
  // Points that buy something: commerce redeems them through this port (a keyed spend on the ledger).
  provides: ({ ledger }) => ({ points: pointsWallet(ledger) }),
  jobs: ({ kol, weeklyReport, ledgerIntegrity }, { clock }) => [
    // Leaderboard snapshots members asked for are recomputed every 10 minutes, so /leaderboard only reads.
    { name: 'kol:snapshots', schedule: { everyMs: 10 * 60_000 }, run: () => kol.refreshWanted(clock.now()) },
    // Weekly reports: a cheap minute look (one indexed read when nothing is due); the runner's rows make it once.
    { name: 'weekly-report', schedule: { everyMs: 60_000 }, runAtStart: true, run: () => weeklyReport.runDue() },
    // The balance and invariant check of the ledger (and of every feature's data); alerts go where moderators asked.
    { name: 'ledger:integrity', schedule: { everyMs: 60 * 60_000 }, run: () => ledgerIntegrity.checkAll() },
  ],
});
