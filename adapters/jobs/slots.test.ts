import { describe, expect, it } from 'vitest';
import { queueNameOf, slotId, slotOf } from './slots.ts';

describe('job slots', () => {
  it('names one window alike whenever in it a process ticks', () => {
    const every = { everyMs: 60_000 };
    expect(slotOf(every, new Date('2026-12-01T10:00:05Z'))).toEqual(new Date('2026-12-01T10:00:00Z'));
    expect(slotOf(every, new Date('2026-12-01T10:00:59.999Z'))).toEqual(new Date('2026-12-01T10:00:00Z'));
    expect(slotOf(every, new Date('2026-12-01T10:01:00Z'))).toEqual(new Date('2026-12-01T10:01:00Z'));
  });

  it('names a cron slot by its match in the schedule time zone, also for a tick a little late', () => {
    const cron = { cron: '0 9 * * 1', timezone: 'Asia/Shanghai' };
    // Monday 09:00 in Shanghai is 01:00 UTC.
    expect(slotOf(cron, new Date('2026-11-30T01:00:00.020Z'))).toEqual(new Date('2026-11-30T01:00:00Z'));
    expect(slotOf(cron, new Date('2026-11-30T03:00:00Z'))).toEqual(new Date('2026-11-30T01:00:00Z'));
  });

  it('gives one UUID per job and slot', () => {
    const slot = new Date('2026-12-01T10:00:00Z');
    const id = slotId('content:poll', slot);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(slotId('content:poll', new Date(slot))).toBe(id);
    expect(slotId('content:poll', new Date('2026-12-01T10:01:00Z'))).not.toBe(id);
    expect(slotId('content:learn', slot)).not.toBe(id);
    expect(queueNameOf('content:poll')).toBe('cohort-content-poll');
  });
});
