import { describe, expect, it } from 'vitest';
import { averageRanks, spearman, topKOverlap } from './rank-correlation.ts';

describe('rank statistics', () => {
  it('gives tied values the average of their ranks', () => {
    expect(Array.from(averageRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
  });

  it('computes Spearman ρ: 1 for monotone, -1 for reversed, tie-corrected otherwise', () => {
    expect(spearman([1, 2, 3, 4], [10, 100, 1000, 10000])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // scipy.stats.spearmanr([1,2,3,4,5],[2,1,4,3,3]) = 0.5642880936468347
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 3])).toBeCloseTo(0.5642880936468347, 10);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBe(0);
  });

  it('counts the overlap of the top k', () => {
    expect(topKOverlap([5, 4, 3, 2, 1], [1, 4, 5, 2, 3], 2)).toBe(1);
    expect(topKOverlap([5, 4, 3], [5, 4, 3], 3)).toBe(3);
  });
});
