import type { Random } from '../ports/random.ts';

/** Offline ranking metrics for leave-last-out evaluation (one held-out item per member). */

/** NDCG@k with a single relevant item: 1/log2(rank + 2) when it is within the top k (rank is 0-based, −1 = absent). */
export function ndcgAt(rank: number, k: number): number {
  return rank >= 0 && rank < k ? 1 / Math.log2(rank + 2) : 0;
}

export function recallAt(rank: number, k: number): number {
  return rank >= 0 && rank < k ? 1 : 0;
}

/** Share of the catalogue that appears in at least one member's top-k list. */
export function coverage(lists: readonly ArrayLike<number>[], catalogueSize: number, k: number): number {
  const seen = new Set<number>();
  for (const list of lists) for (let i = 0; i < Math.min(k, list.length); i++) seen.add(list[i] as number);
  return catalogueSize > 0 ? seen.size / catalogueSize : 0;
}

export interface Interval {
  mean: number;
  low: number;
  high: number;
}

/**
 * Bootstrap over members: resamples members with replacement and recomputes `statistic` on each
 * resample (so coverage, which is not a mean, gets an interval too).
 */
export function bootstrap<T>(
  rows: readonly T[],
  statistic: (sample: readonly T[]) => number,
  random: Random,
  resamples = 1000,
  confidence = 0.95,
): Interval {
  const mean = statistic(rows);
  if (rows.length === 0) return { mean: 0, low: 0, high: 0 };
  const values: number[] = [];
  const sample: T[] = new Array(rows.length);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < rows.length; i++) sample[i] = rows[Math.floor(random() * rows.length)] as T;
    values.push(statistic(sample));
  }
  values.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  const at = (p: number) => values[Math.min(values.length - 1, Math.max(0, Math.floor(p * values.length)))] as number;
  // Bias-corrected percentile interval: statistics such as coverage shrink under resampling with replacement
  // (duplicated members add no new items), so the resampled distribution is shifted back onto the estimate.
  const bias = values.reduce((a, b) => a + b, 0) / values.length - mean;
  return { mean, low: at(tail) - bias, high: at(1 - tail) - bias };
}
