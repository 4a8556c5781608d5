import { describe, expect, it } from 'vitest';
import { seededRandom } from '../ports/random.ts';
import { HOUR_MS } from './activity.ts';
import { buildCatalog } from './catalog.ts';
import { RecommenderEngine } from './engine.ts';
import { BUILD_AHEAD_SLICE, buildAheadProgress, prepareServing, scoreAllFast } from './fast-score.ts';
import { FEATURE_COUNT, queryContext } from './features.ts';
import type { RankerWeights } from './ranker.ts';

const MINUTE = 60_000;
const START = Date.UTC(2026, 0, 1);
/** More items than one slice, so the next minute's entry takes several requests to build. */
const ITEMS = 3 * BUILD_AHEAD_SLICE - 100;
const NOW = START + 60 * 24 * HOUR_MS;

/** A blend that uses every signal, so every item-level term is in the cached scores. */
const blend: RankerWeights = {
  weights: Float32Array.from({ length: FEATURE_COUNT }, (_, f) => ((f % 5) - 2) * 0.3 + 0.1),
  mean: new Float32Array(FEATURE_COUNT),
  std: new Float32Array(FEATURE_COUNT).fill(1),
};

/** The same seeded community every time: two calls give two engines in identical states. */
function engine(): RecommenderEngine {
  const random = seededRandom(11);
  const catalog = buildCatalog(
    Array.from({ length: ITEMS }, (_, i) => ({
      createdAt: START + (i / ITEMS) * (NOW - START),
      author: -1,
      topics: [`t${i % 7}`],
    })),
  );
  const e = new RecommenderEngine(catalog, seededRandom(2), { maxExamples: 0 });
  for (let k = 0; k < 6000; k++) {
    const at = START + (k / 6000) * (NOW - START - HOUR_MS);
    e.observe(Math.floor(random() * 300), Math.floor(random() * ITEMS), at, 1, false);
  }
  return e;
}

const scores = (e: RecommenderEngine, member: number, at: number) =>
  Array.from(scoreAllFast(e.sources, blend, queryContext(e.sources, member, at)));

describe('serving item-level cache', () => {
  it('builds the next minute ahead, a slice per request, to the same scores as a fresh build', () => {
    const served = engine();
    const fresh = engine();
    const minute = NOW + 7_000;
    // Requests through one minute, with events between them: on items the next minute's entry already holds
    // (they must be recomputed), on items it has not reached yet, and new trending activity.
    for (let r = 0; r < 4; r++) {
      const at = minute + r * 10_000;
      scores(served, r, at);
      expect(buildAheadProgress(served.state)).toEqual({
        at: NOW + MINUTE,
        filled: Math.min(ITEMS, (r + 1) * BUILD_AHEAD_SLICE),
      });
      for (const item of [r * 3, 5, ITEMS - 1 - r, 2 * BUILD_AHEAD_SLICE + r]) {
        served.observe(40 + r, item, at + 1_000, 2);
        fresh.observe(40 + r, item, at + 1_000, 2);
      }
    }
    const next = NOW + MINUTE + 3_000;
    for (const member of [0, 41, 299]) expect(scores(served, member, next)).toEqual(scores(fresh, member, next));
  });

  it('scores the item-level part at the minute start, whichever request opens the minute', () => {
    const early = engine();
    const late = engine();
    scores(early, 3, NOW + 1);
    expect(scores(early, 3, NOW + 59_000)).toEqual(scores(late, 3, NOW + 59_000));
    // …and it does move with the minute.
    expect(scores(early, 3, NOW + MINUTE + 59_000)).not.toEqual(scores(late, 3, NOW + 59_000));
  });

  it('readies the current and the next minute for a new snapshot', () => {
    const warmed = engine();
    prepareServing(warmed.sources, blend, NOW + 5);
    expect(buildAheadProgress(warmed.state)).toEqual({ at: NOW + MINUTE, filled: ITEMS });
    expect(scores(warmed, 8, NOW + MINUTE + 1)).toEqual(scores(engine(), 8, NOW + MINUTE + 1));
  });
});

describe('author signal', () => {
  it('scores the items of authors a member engaged with as the reference path does, and only those move', async () => {
    const { scoreAll } = await import('./hybrid.ts');
    const { F } = await import('./features.ts');
    const random = seededRandom(5);
    // Items by 12 authors (members 300–311), a fifth by nobody.
    const catalog = buildCatalog(
      Array.from({ length: 400 }, (_, i) => ({
        createdAt: START + (i / 400) * (NOW - START),
        author: i % 5 === 0 ? -1 : 300 + (i % 12),
        topics: [`t${i % 7}`],
      })),
    );
    const e = new RecommenderEngine(catalog, seededRandom(2), { maxExamples: 0 });
    for (let k = 0; k < 3000; k++) {
      const at = START + (k / 3000) * (NOW - START - HOUR_MS);
      e.observe(Math.floor(random() * 60), Math.floor(random() * 400), at, 1, false);
    }
    expect(blend.weights[F.author]).not.toBe(0);
    const without: RankerWeights = { ...blend, weights: Float32Array.from(blend.weights) };
    without.weights[F.author] = 0;
    for (const member of [0, 17, 59]) {
      expect(e.state.members.get(member)?.authors.size).toBeGreaterThan(0);
      const q = queryContext(e.sources, member, NOW);
      const fast = scoreAllFast(e.sources, blend, q);
      const reference = scoreAll(e.sources, blend, q);
      const noAuthor = scoreAllFast(e.sources, without, queryContext(e.sources, member, NOW));
      const engaged = e.state.members.get(member)?.authors as Map<number, number>;
      for (let i = 0; i < catalog.size; i++) {
        if (Number.isNaN(reference[i])) {
          expect(fast[i]).toBeNaN();
          continue;
        }
        expect(fast[i]).toBeCloseTo(reference[i] as number, 3);
        const author = catalog.authorOf[i] as number;
        if (!engaged.has(author)) expect(fast[i]).toBe(noAuthor[i]);
        else expect(fast[i]).not.toBe(noAuthor[i]);
      }
    }
  });
});
