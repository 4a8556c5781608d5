import { describe, expect, it } from 'vitest';
import { seededRandom } from '../ports/random.ts';
import { ActivityState, DecayedCounter, HOUR_MS } from './activity.ts';
import { buildCatalog, topicsOf } from './catalog.ts';

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

  it('keeps compact histories that read as the Map-based ones did (positions, owned, dismissed, topic weights)', () => {
    const random = seededRandom(7);
    const catalog = buildCatalog(
      Array.from({ length: 40 }, (_, i) => ({
        createdAt: T0,
        author: i % 5 === 0 ? 100 + (i % 3) : -1,
        topics: [`t${i % 7}`, `t${(i * 3) % 11}`],
      })),
    );
    const state = new ActivityState(catalog);
    // The reference: what a history held when it was Maps and Sets of objects.
    const ref = new Map<
      number,
      {
        items: number[];
        strength: number[];
        position: Map<number, number>;
        topics: Map<number, { w: number; at: number }>;
        owned: Set<number>;
        dismissed: Set<number>;
        authors: Map<number, number>;
      }
    >();
    const lambda = Math.LN2 / (24 * 60 * HOUR_MS);
    const decay = (w: number, from: number, to: number) => (to - from <= 0 ? w : w * Math.exp(-lambda * (to - from)));
    const addTopic = (t: Map<number, { w: number; at: number }>, topic: number, at: number, weight: number) => {
      const cur = t.get(topic);
      const w = cur ? decay(cur.w, cur.at, at) : 0;
      t.set(topic, { w: w + weight, at: Math.max(at, cur?.at ?? at) });
    };
    for (let e = 0; e < 3000; e++) {
      const member = Math.floor(random() ** 2 * 30);
      const item = Math.floor(random() * 40);
      const at = T0 + e * 600_000;
      const r = ref.get(member) ?? {
        items: [] as number[],
        strength: [] as number[],
        position: new Map(),
        topics: new Map(),
        owned: new Set<number>(),
        dismissed: new Set<number>(),
        authors: new Map(),
      };
      ref.set(member, r);
      if (random() < 0.05) {
        state.dismiss(member, item, at);
        r.dismissed.add(item);
        for (const t of topicsOf(catalog, item)) addTopic(r.topics, t, at, -0.5);
        continue;
      }
      const strength = 1 + Math.floor(random() * 3);
      const owns = random() < 0.4;
      state.observe(member, item, at, strength, owns);
      if (owns) r.owned.add(item);
      const known = r.position.get(item);
      if (known !== undefined) r.strength[known]! += strength;
      else {
        r.position.set(item, r.items.length);
        r.items.push(item);
        r.strength.push(strength);
      }
      for (const t of topicsOf(catalog, item)) addTopic(r.topics, t, at, strength);
      const author = catalog.authorOf[item] as number;
      if (author >= 0 && author !== member) r.authors.set(author, (r.authors.get(author) ?? 0) + 1);
    }
    const at = T0 + 3000 * 600_000;
    let longest = 0;
    for (const [member, r] of ref) {
      const h = state.history(member);
      longest = Math.max(longest, h.items.length);
      expect(h.items).toEqual(r.items);
      expect(h.strength).toEqual(r.strength);
      for (let item = 0; item < 40; item++) expect(h.positionOf(item)).toBe(r.position.get(item));
      expect([...h.owned]).toEqual([...r.owned]);
      expect([...h.dismissed]).toEqual([...r.dismissed]);
      expect([...h.authors]).toEqual([...r.authors]);
      const want = new Map<number, number>();
      let total = 0;
      for (const [t, { w, at: when }] of r.topics) {
        const v = decay(w, when, at);
        if (v > 0) {
          want.set(t, v);
          total += v;
        }
      }
      if (total > 0) for (const [t, v] of want) want.set(t, v / total);
      expect([...state.topicWeights(member, at)]).toEqual([...want]);
    }
    // Both sides of the index threshold were exercised.
    expect(longest).toBeGreaterThan(20);
  });
});
