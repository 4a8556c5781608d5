import { describe, expect, it } from 'vitest';
import { timeOrderedId } from './time-ordered-id.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('time-ordered ids', () => {
  it('are UUID version 7 carrying the millisecond they were made in', () => {
    const at = Date.UTC(2026, 10, 20, 2, 0, 0);
    const id = timeOrderedId(at + 10_000_000);
    expect(id).toMatch(UUID_V7);
    expect(Number.parseInt(id.replace('-', '').slice(0, 12), 16)).toBe(at + 10_000_000);
  });

  it('sort in the order they were made, within one millisecond and past 4,096 of them', () => {
    const at = Date.UTC(2027, 0, 1);
    const ids = Array.from({ length: 10_000 }, () => timeOrderedId(at));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never go backwards when the clock does', () => {
    const later = timeOrderedId(Date.UTC(2028, 0, 1));
    const earlier = timeOrderedId(Date.UTC(2020, 0, 1));
    expect(earlier > later).toBe(true);
  });
});
