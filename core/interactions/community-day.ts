/**
 * Calendar days in the community's time zone. Daily allowances reset at local midnight, so a member in
 * Shanghai gets a fresh allowance at 00:00 CST, not at 08:00. Day keys are `YYYY-MM-DD` strings: they compare
 * and store the same on SQLite and PostgreSQL and never pass through a Date in the database.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** A zone Intl does not know (a typo in settings) falls back to UTC rather than breaking every tip. */
export function safeTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return 'UTC';
  try {
    formatter(timeZone);
    return timeZone;
  } catch {
    return 'UTC';
  }
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(at: Date, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatter(safeTimeZone(timeZone)).formatToParts(at)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts['year'] as number,
    month: parts['month'] as number,
    day: parts['day'] as number,
    hour: parts['hour'] as number,
    minute: parts['minute'] as number,
    second: parts['second'] as number,
  };
}

/** The community-local calendar day of an instant, e.g. `2026-03-08`. */
export function dayKey(at: Date, timeZone: string): string {
  const p = localParts(at, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Milliseconds the zone is ahead of UTC at an instant (whole seconds; sub-second zones do not exist). */
function offsetMs(at: Date, timeZone: string): number {
  const p = localParts(at, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant the next local day starts: when today's allowance resets. DST-aware. */
export function nextLocalMidnight(at: Date, timeZone: string): Date {
  const p = localParts(at, timeZone);
  const wallMidnight = Date.UTC(p.year, p.month - 1, p.day + 1, 0, 0, 0);
  // The offset at midnight may differ from now's (a DST change tonight): settle it in two steps.
  let guess = wallMidnight - offsetMs(at, timeZone);
  guess = wallMidnight - offsetMs(new Date(guess), timeZone);
  // Zones that skip midnight itself (a DST jump at 00:00) start the day at the first instant after the gap.
  if (dayKey(new Date(guess), timeZone) === dayKey(at, timeZone)) guess += 3_600_000;
  return new Date(guess);
}

/** The instant a local wall-clock midnight (`year`, `month` 1-based, `day`) happens in the zone. DST-aware. */
function localMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day, 0, 0, 0);
  let guess = wall - offsetMs(new Date(wall), timeZone);
  guess = wall - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

/** Calendar periods that leaderboards reset on: a month, or a season (a calendar quarter). */
export type CalendarPeriod = 'month' | 'season';

/** First month (1-based) of the period that contains `month`. */
function periodFirstMonth(period: CalendarPeriod, month: number): number {
  return period === 'month' ? month : Math.floor((month - 1) / 3) * 3 + 1;
}

/** When the current month or season began in the community's zone (local midnight of its first day). */
export function periodStart(at: Date, timeZone: string, period: CalendarPeriod): Date {
  const zone = safeTimeZone(timeZone);
  const p = localParts(at, zone);
  return localMidnight(p.year, periodFirstMonth(period, p.month), 1, zone);
}

/** When the next month or season begins in the community's zone: when its leaderboard resets. */
export function nextPeriodStart(at: Date, timeZone: string, period: CalendarPeriod): Date {
  const zone = safeTimeZone(timeZone);
  const p = localParts(at, zone);
  const next = periodFirstMonth(period, p.month) + (period === 'month' ? 1 : 3);
  // Date.UTC rolls month 13 over into January of the next year.
  const rolled = new Date(Date.UTC(p.year, next - 1, 1));
  return localMidnight(rolled.getUTCFullYear(), rolled.getUTCMonth() + 1, 1, zone);
}
