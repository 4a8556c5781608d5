import { createHash } from 'node:crypto';
import { CronExpressionParser } from 'cron-parser';
import type { JobSchedule } from '../../core/ports/jobs.ts';

/**
 * The slot a tick at `now` belongs to: the start of its `everyMs` window (aligned to the epoch, so every process
 * names the same window alike), or the cron match at or just before `now`. A timer fires a little late, never early
 * by more than the second allowed here.
 */
export function slotOf(schedule: JobSchedule, now: Date): Date {
  if ('everyMs' in schedule) return new Date(Math.floor(now.getTime() / schedule.everyMs) * schedule.everyMs);
  return CronExpressionParser.parse(schedule.cron, {
    tz: schedule.timezone,
    currentDate: new Date(now.getTime() + 1_000),
  })
    .prev()
    .toDate();
}

/** One stable UUID per job and slot: the queue's key that makes every process's announcement of a slot one run. */
export function slotId(jobName: string, slot: Date): string {
  const hex = createHash('sha256').update(`${jobName}\u0000${slot.toISOString()}`).digest('hex');
  // Shaped as an RFC 9562 version 8 (custom) UUID, which the uuid column accepts.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((Number.parseInt(hex[16] ?? '0', 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A pg-boss queue name for a job kind (letters, digits, `-` and `_` only). */
export function queueNameOf(kind: string): string {
  return `cohort-${kind.replace(/[^\w-]/g, '-')}`;
}
