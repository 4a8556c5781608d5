import { describe, expect, it } from 'vitest';
import { dayKey, nextLocalMidnight, safeTimeZone } from './community-day.ts';

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
