import type { Locale } from '../../domain/types.ts';
import { InternalError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import type { KolService } from '../kol-service.ts';
import type { LedgerService } from '../ledger-service.ts';

/** The ledger and leaderboard services, or a loud internal error when the bot was wired without them. */
export function ledgerOf(services: Services): LedgerService {
  if (!services.ledger) throw new InternalError('LEDGER_UNAVAILABLE', 'services.ledger is not configured');
  return services.ledger;
}

export function kolOf(services: Services): KolService {
  if (!services.kol) throw new InternalError('KOL_UNAVAILABLE', 'services.kol is not configured');
  return services.kol;
}

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
