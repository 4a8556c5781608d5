import { describe, expect, it } from 'vitest';
import { HashedTextEmbedder, terms } from '../../bench/text-vectors.ts';
import { seededRandom } from '../ports/random.ts';
import { bootstrap, coverage, ndcgAt, recallAt } from './metrics.ts';
import { mmr } from './mmr.ts';
import { topK } from './topk.ts';

describe('topK', () => {
  it('returns the best indexes in order, skipping excluded and NaN', () => {
    const scores = Float32Array.from([0.1, 0.9, Number.NaN, 0.5, 0.7, 0.3]);
    const excluded = Uint8Array.from([0, 0, 0, 0, 1, 0]);
    expect(Array.from(topK(scores, 3, excluded))).toEqual([1, 3, 5]);
    expect(Array.from(topK(scores, 10))).toEqual([1, 4, 3, 5, 0]);
  });

  it('agrees with a full sort on random data', () => {
    const random = seededRandom(5);
    const scores = Float32Array.from({ length: 1000 }, () => random());
    const sorted = Array.from(scores.keys()).sort((a, b) => (scores[b] as number) - (scores[a] as number));
    expect(Array.from(topK(scores, 25))).toEqual(sorted.slice(0, 25));
  });
});

describe('MMR', () => {
  it('trades a near-duplicate for a different item', () => {
    // 0 and 1 are the same thing; 2 is different but slightly less relevant.
    const sim = (a: number, b: number) => (a + b === 1 ? 1 : 0);
    expect(mmr([0, 1, 2], [1, 0.95, 0.8], sim, 2, 1)).toEqual([0, 1]);
    expect(mmr([0, 1, 2], [1, 0.95, 0.8], sim, 2, 0.7)).toEqual([0, 2]);
  });
});

describe('metrics', () => {
  it('computes NDCG and recall for one held-out item', () => {
    expect(ndcgAt(0, 10)).toBe(1);
    expect(ndcgAt(1, 10)).toBeCloseTo(1 / Math.log2(3));
    expect(ndcgAt(10, 10)).toBe(0);
    expect(ndcgAt(-1, 10)).toBe(0);
    expect(recallAt(19, 20)).toBe(1);
    expect(recallAt(20, 20)).toBe(0);
  });

  it('measures catalogue coverage of top-k lists', () => {
    expect(
      coverage(
        [
          [0, 1, 2],
          [2, 3, 9],
        ],
        10,
        2,
      ),
    ).toBeCloseTo(0.4);
  });

  it('gives a seeded bootstrap interval around the mean', () => {
    const rows = Array.from({ length: 200 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const mean = (s: readonly number[]) => s.reduce((a, b) => a + b, 0) / s.length;
    const a = bootstrap(rows, mean, seededRandom(1), 500);
    const b = bootstrap(rows, mean, seededRandom(1), 500);
    expect(a).toEqual(b);
    expect(a.mean).toBeCloseTo(0.25);
    expect(a.low).toBeLessThan(0.25);
    expect(a.high).toBeGreaterThan(0.25);
    expect(a.high - a.low).toBeLessThan(0.15);
  });
});

describe('hashed text embeddings', () => {
  it('splits English words and Chinese bigrams', () => {
    expect(terms('<p>The SQL window functions</p>')).toEqual(['sql', 'window', 'functions']);
    expect(terms('数据分析')).toEqual(['数据', '据分', '分析']);
  });

  it('puts texts that share words closer than unrelated ones', () => {
    const e = new HashedTextEmbedder(128);
    const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * (b[i] as number), 0);
    const sql = e.embed('SQL window functions for analysts');
    expect(cos(sql, e.embed('learn SQL window functions'))).toBeGreaterThan(cos(sql, e.embed('options trading risk')));
    expect(cos(sql, sql)).toBeCloseTo(1);
  });
});
