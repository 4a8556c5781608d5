import { describe, expect, it } from 'vitest';
import { ActivityState, DecayedCounter, HOUR_MS } from './activity.ts';
import { buildCatalog } from './catalog.ts';

const T0 = Date.UTC(2026, 0, 1);

describe('activity state', () => {
  it('decays counters by their half-life', () => {
    const c = new DecayedCounter(1, 12);
    c.add(0, T0, 4);
    expect(c.at(0, T0 + 12 * HOUR_MS)).toBeCloseTo(2);
    c.add(0, T0 + 12 * HOUR_MS, 2);
    expect(c.at(0, T0 + 24 * HOUR_MS)).toBeCloseTo(2);
  });

  it('keeps histories, co-occurrence, participants and the flow of new items', () => {
    const catalog = buildCatalog([
      { createdAt: T0, author: 9, topics: ['data', 'SQL'] },
      { createdAt: T0 + HOUR_MS, author: -1, topics: ['data'] },
      { createdAt: T0 + 2 * HOUR_MS, author: -1, topics: ['design'] },
    ]);
    expect(catalog.topicNames).toEqual(['data', 'sql', 'design']);
    const state = new ActivityState(catalog);
    state.observe(1, 0, T0 + 3 * HOUR_MS, 1);
    state.observe(1, 1, T0 + 4 * HOUR_MS, 3);
    state.observe(1, 1, T0 + 5 * HOUR_MS, 1);
    state.observe(2, 0, T0 + 5 * HOUR_MS, 1);
    const h = state.members.get(1)!;
    expect(h.items).toEqual([0, 1]);
    expect(h.strength).toEqual([1, 4]);
    expect(h.lastAt[1]).toBe(T0 + 5 * HOUR_MS);
    expect(h.authors.get(9)).toBe(1);
    expect(state.cooc[0]!.get(1)).toBe(1);
    expect(state.reach[0]).toBe(2);
    expect([...state.participants[0]!].map(([member]) => member)).toEqual([1, 2]);
    expect(state.createdBetween(T0, T0 + 3 * HOUR_MS)).toBe(2);
    const weights = state.topicWeights(1, T0 + 5 * HOUR_MS);
    expect(weights.get(0)! + weights.get(1)!).toBeCloseTo(1);
    expect(weights.get(0)!).toBeGreaterThan(weights.get(1)!);
  });

  it('makes an item live without entering anyone’s history when its author is active', () => {
    const catalog = buildCatalog([{ createdAt: T0, author: -1, topics: [] }]);
    const state = new ActivityState(catalog);
    state.bump(0, T0 + 10 * HOUR_MS);
    expect(state.lastActivity(0)).toBe(T0 + 10 * HOUR_MS);
    expect(state.members.size).toBe(0);
    expect(state.count[0]).toBe(0);
  });
});
