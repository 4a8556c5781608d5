import { describe, expect, it } from 'vitest';
import { seededRandom } from '../ports/random.ts';
import { CountRow } from './count-row.ts';

describe('a row of counts', () => {
  it('holds what a Map would, in the same order, through growth and collisions', () => {
    const random = seededRandom(7);
    const row = new CountRow();
    const map = new Map<number, number>();
    for (let n = 0; n < 20_000; n++) {
      // Keys bunched together and spread far apart, many repeated.
      const key = random() < 0.5 ? Math.floor(random() * 300) : Math.floor(random() * 1_000_000) * 64;
      row.add(key, 1);
      map.set(key, (map.get(key) ?? 0) + 1);
    }
    expect(row.size).toBe(map.size);
    expect([...row]).toEqual([...map]);
    expect(Array.from({ length: row.size }, (_, e) => row.keyAt(e))).toEqual([...map.keys()]);
    expect(row.get(123_456_789)).toBeUndefined();
    expect(row.get(0)).toBe(map.get(0));
  });

  it('is empty until something is added', () => {
    const row = new CountRow();
    expect(row.size).toBe(0);
    expect(row.get(3)).toBeUndefined();
    expect([...row]).toEqual([]);
  });
});
