import { CronExpressionParser } from 'cron-parser';

/**
 * Cron slots in a schedule's own time zone. Five fields only (minute granularity): a digest every few seconds
 * is never what a moderator means, and it keeps slot keys exact to the minute.
 */
export function isValidCron(expression: string): boolean {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return false;
  try {
    CronExpressionParser.parse(expression, { tz: 'UTC' });
    return true;
  } catch {
    return false;
  }
}

export function isValidTimezone(timezone: string): boolean {
  return canonicalTimezone(timezone) !== null;
}

/**
 * The zone as the IANA database spells it (`asia/shanghai` → `Asia/Shanghai`, `utc` → `UTC`), or null when it is
 * not a zone. Stored in this form, so two spellings of one zone are one schedule and every label reads the same.
 */
export function canonicalTimezone(timezone: string): string | null {
  const trimmed = timezone.trim();
  if (!trimmed.includes('/') && trimmed.toUpperCase() !== 'UTC') return null;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/**
 * The latest slot at or before `now`. A few seconds of slack: a cron timer that fires a hair early still finds
 * its own slot rather than the previous one.
 */
export function latestSlot(expression: string, timezone: string, now: Date, slackMs = 5_000): Date {
  const cron = CronExpressionParser.parse(expression, { tz: timezone, currentDate: new Date(now.getTime() + slackMs) });
  return cron.prev().toDate();
}

export function nextSlot(expression: string, timezone: string, now: Date): Date {
  const cron = CronExpressionParser.parse(expression, { tz: timezone, currentDate: now });
  return cron.next().toDate();
}
