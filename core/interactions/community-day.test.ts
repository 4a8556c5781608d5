import { describe, expect, it } from 'vitest';
import { dayKey, nextLocalMidnight, nextPeriodStart, periodStart, safeTimeZone } from './community-day.ts';

describe('community-local days', () => {
  it('puts the same instant on different days in different zones', () => {
    const at = new Date('2026-03-01T17:30:00Z');
    expect(dayKey(at, 'UTC')).toBe('2026-03-01');
    expect(dayKey(at, 'Asia/Shanghai')).toBe('2026-03-02');
    expect(dayKey(at, 'America/Los_Angeles')).toBe('2026-03-01');
  });

  it('resets at local midnight', () => {
    expect(nextLocalMidnight(new Date('2026-03-01T17:30:00Z'), 'Asia/Shanghai').toISOString()).toBe(
      '2026-03-02T16:00:00.000Z',
    );
    expect(nextLocalMidnight(new Date('2026-03-01T23:59:59Z'), 'UTC').toISOString()).toBe('2026-03-02T00:00:00.000Z');
  });

  it('handles the night clocks change', () => {
    // New York springs forward on 2026-03-08: midnight of the 9th is 04:00Z (EDT), not 05:00Z.
    expect(nextLocalMidnight(new Date('2026-03-08T12:00:00Z'), 'America/New_York').toISOString()).toBe(
      '2026-03-09T04:00:00.000Z',
    );
    // The evening before the change, midnight is still EST.
    expect(nextLocalMidnight(new Date('2026-03-07T20:00:00Z'), 'America/New_York').toISOString()).toBe(
      '2026-03-08T05:00:00.000Z',
    );
  });

  it('falls back to UTC for an unknown zone', () => {
    expect(safeTimeZone('Mars/Olympus')).toBe('UTC');
    expect(safeTimeZone(null)).toBe('UTC');
    expect(dayKey(new Date('2026-03-01T23:00:00Z'), 'Mars/Olympus')).toBe('2026-03-01');
  });
});

describe('calendar periods for monthly and seasonal leaderboards', () => {
  it('start at local midnight on the first of the month or quarter, in the community zone', () => {
    // 2026-12-31 20:00 UTC is already January 1st in Shanghai.
    const at = new Date('2026-12-31T20:00:00Z');
    expect(periodStart(at, 'Asia/Shanghai', 'month').toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(periodStart(at, 'UTC', 'month').toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(periodStart(at, 'Asia/Shanghai', 'season').toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(periodStart(at, 'UTC', 'season').toISOString()).toBe('2026-10-01T00:00:00.000Z');
  });

  it('reset at the next local first, across the year end and daylight saving', () => {
    expect(nextPeriodStart(new Date('2026-12-15T00:00:00Z'), 'Asia/Shanghai', 'month').toISOString()).toBe(
      '2026-12-31T16:00:00.000Z',
    );
    expect(nextPeriodStart(new Date('2026-11-20T00:00:00Z'), 'Asia/Shanghai', 'season').toISOString()).toBe(
      '2026-12-31T16:00:00.000Z',
    );
    // New York: March starts in EST (UTC-5), April in EDT (UTC-4).
    expect(nextPeriodStart(new Date('2026-03-10T12:00:00Z'), 'America/New_York', 'month').toISOString()).toBe(
      '2026-04-01T04:00:00.000Z',
    );
    expect(periodStart(new Date('2026-03-10T12:00:00Z'), 'America/New_York', 'month').toISOString()).toBe(
      '2026-03-01T05:00:00.000Z',
    );
  });
});
