import type { Locale } from '../../domain/types.ts';
import { type CommandContext, commandsFor } from '../../framework/command.ts';
import type { CoreServices } from '../../framework/core-services.ts';
import type { KolService } from '../kol-service.ts';
import type { LedgerIntegrityService } from '../ledger-integrity.ts';
import type { LedgerService } from '../ledger-service.ts';
import type { TipGestures } from '../tip-gestures.ts';
import type { WeeklyReportService } from '../weekly-report.ts';

/** The interactions feature's handles, as its commands see them in `ctx.services`. */
export interface InteractionHandles {
  /** Points ledger: tips, balances, moderator adjustments. */
  ledger: LedgerService;
  /** The hourly balance and invariant check of the ledger and every feature's checks, and its alerts. */
  ledgerIntegrity: LedgerIntegrityService;
  /** KOL leaderboards and community analytics. */
  kol: KolService;
  /** The weekly community report (/stats weekly). */
  weeklyReport: WeeklyReportService;
  /** Tips given by a "+1 @member" message or a 👏 reaction. */
  tipGestures: TipGestures;
}

/** defineCommand for the interactions feature's commands. */
export const defineInteractionsCommand = commandsFor<InteractionHandles>();

/** A handler context of this feature, for helpers shared by several commands. */
export type InteractionContext<I> = CommandContext<I, CoreServices & InteractionHandles>;

/** "Nov 21, 00:00" in the member's language and the community's zone. */
export function formatLocalTime(at: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

/** Amount option: free text, parsed by the ledger so each kind of mistake gets its own message. */
export const AMOUNT_DESCRIPTION = {
  en: 'Whole number of points, e.g. 5',
  'zh-CN': '积分数（整数），例如 5',
} as const;
