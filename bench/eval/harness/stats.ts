import { type Random, seededRandom } from '../../../core/ports/random.ts';

/**
 * Intervals for evaluation figures. A figure is a statistic over resampling units (members, users, posts): a plain
 * mean of per-unit values, or any function of the chosen units (Spearman ρ, AUC, coverage). Every method of a site
 * is computed on the same resamples, so the gain of one method over another is a paired difference with its own
 * interval. Over several seeds the figure is the mean of the per-seed figures; each resample evaluates every seed on
 * the same units, so the interval reflects the seed-averaged estimator (not the best seed).
 */
export interface Interval {
  mean: number;
  low: number;
  high: number;
}

/** A statistic over the units of one resample (indices may repeat). */
export type Statistic = (units: Int32Array) => number;

/** Per-unit values (mean statistic, fast path) or a statistic over a resample. */
export type Metric = Float64Array | Statistic;

export function meanOf(values: ArrayLike<number>): Statistic {
  return (units) => {
    let s = 0;
    for (let i = 0; i < units.length; i++) s += values[units[i] as number] as number;
    return units.length === 0 ? 0 : s / units.length;
  };
}

/**
 * Mean over observations grouped into clusters (e.g. every test interaction of a member): units are clusters, so the
 * interval respects that one member's interactions are not independent; the statistic is the observation mean.
 */
export function clusterMean(values: ArrayLike<number>, clusterOf: ArrayLike<number>, clusters: number): Statistic {
  const sum = new Float64Array(clusters);
  const count = new Float64Array(clusters);
  for (let i = 0; i < values.length; i++) {
    const c = clusterOf[i] as number;
    sum[c]! += values[i] as number;
    count[c]! += 1;
  }
  return (units) => {
    let s = 0;
    let n = 0;
    for (let i = 0; i < units.length; i++) {
      const c = units[i] as number;
      s += sum[c] as number;
      n += count[c] as number;
    }
    return n === 0 ? 0 : s / n;
  };
}

export function identity(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

export function resample(n: number, random: Random, out = new Int32Array(n)): Int32Array {
  for (let i = 0; i < n; i++) out[i] = Math.floor(random() * n);
  return out;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(p * sorted.length)))] as number);

/**
 * Percentile interval shifted onto the point figure: statistics such as coverage shrink under resampling with
 * replacement (duplicated units add nothing new), so the resampled distribution is moved back by its bias. For a
 * plain mean the shift is ~0.
 */
export function percentileInterval(mean: number, draws: number[], confidence = 0.95): Interval {
  const sorted = [...draws].sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  const bias = draws.length === 0 ? 0 : draws.reduce((a, b) => a + b, 0) / draws.length - mean;
  return { mean, low: percentile(sorted, tail) - bias, high: percentile(sorted, 1 - tail) - bias };
}

/** One site's methods, per seed: seeds[k][method] is that method's metric under seed k. */
export interface SiteMetrics {
  units: number;
  seeds: Record<string, Metric>[];
}

/** Seed-averaged per-unit values when every seed of a method is a plain per-unit vector of the same length. */
function collapse(site: SiteMetrics, method: string): Statistic {
  const metrics = site.seeds.map((s) => s[method]).filter((m): m is Metric => m !== undefined);
  if (metrics.length === 0) throw new Error(`no metric for ${method}`);
  if (metrics.every((m) => m instanceof Float64Array && m.length === site.units)) {
    const avg = new Float64Array(site.units);
    for (const m of metrics as Float64Array[]) for (let i = 0; i < avg.length; i++) avg[i]! += m[i] as number;
    for (let i = 0; i < avg.length; i++) avg[i]! /= metrics.length;
    return meanOf(avg);
  }
  const stats = metrics.map((m) => (m instanceof Float64Array ? meanOf(m) : m));
  return (units) => {
    let s = 0;
    for (const f of stats) s += f(units);
    return s / stats.length;
  };
}

export interface Comparison {
  method: string;
  baseline: string;
}

export interface Compared {
  /** method → figure with its interval. */
  figures: Record<string, Interval>;
  /** Spread of the point figure over seeds (min, max). */
  seedRange: Record<string, [number, number]>;
  /** `${method} vs ${baseline}` → paired gain with its interval. */
  gains: Record<string, Interval>;
}

export const gainKey = (c: Comparison) => `${c.method} vs ${c.baseline}`;

/**
 * Bootstraps every site (resampling its units) and the pooled row (the mean of the site figures, each site
 * resampled on its own: every community weighs the same, whatever its size). Methods and gains share resamples.
 */
export function compareSites(
  sites: readonly SiteMetrics[],
  comparisons: readonly Comparison[],
  options: { seed: number; resamples: number; confidence?: number },
): { sites: Compared[]; pooled: Compared } {
  const methods = [...new Set(sites.flatMap((s) => s.seeds.flatMap((k) => Object.keys(k))))];
  const random = seededRandom(options.seed ^ 0x5eed);
  const stats = sites.map(
    (s) => Object.fromEntries(methods.map((m) => [m, collapse(s, m)])) as Record<string, Statistic>,
  );
  const point = sites.map((s, i) => {
    const all = identity(s.units);
    return Object.fromEntries(methods.map((m) => [m, (stats[i] as Record<string, Statistic>)[m]!(all)]));
  });
  const draws = sites.map(() => Object.fromEntries(methods.map((m) => [m, [] as number[]])));
  const pooledDraws = Object.fromEntries(methods.map((m) => [m, [] as number[]]));
  const buffers = sites.map((s) => new Int32Array(s.units));
  for (let b = 0; b < options.resamples; b++) {
    const pooled = Object.fromEntries(methods.map((m) => [m, 0]));
    sites.forEach((s, i) => {
      const units = resample(s.units, random, buffers[i]);
      for (const m of methods) {
        const v = (stats[i] as Record<string, Statistic>)[m]!(units);
        draws[i]![m]!.push(v);
        pooled[m]! += v / sites.length;
      }
    });
    for (const m of methods) pooledDraws[m]!.push(pooled[m] as number);
  }
  const conf = options.confidence ?? 0.95;
  const build = (pt: Record<string, number>, d: Record<string, number[]>, seedRange: Compared['seedRange']) => {
    const figures = Object.fromEntries(methods.map((m) => [m, percentileInterval(pt[m] as number, d[m]!, conf)]));
    const gains: Record<string, Interval> = {};
    for (const c of comparisons) {
      if (!(c.method in pt) || !(c.baseline in pt)) continue;
      const diff = d[c.method]!.map((v, k) => v - (d[c.baseline]![k] as number));
      gains[gainKey(c)] = percentileInterval((pt[c.method] as number) - (pt[c.baseline] as number), diff, conf);
    }
    return { figures, seedRange, gains };
  };
  const siteRanges = sites.map((s) =>
    Object.fromEntries(
      methods.map((m) => {
        const all = identity(s.units);
        const perSeed = s.seeds
          .map((k) => k[m])
          .filter((x): x is Metric => x !== undefined)
          .map((x) => (x instanceof Float64Array ? meanOf(x)(all) : x(all)));
        return [m, [Math.min(...perSeed), Math.max(...perSeed)] as [number, number]];
      }),
    ),
  );
  const pooledPoint = Object.fromEntries(
    methods.map((m) => [m, point.reduce((a, p) => a + (p[m] as number), 0) / sites.length]),
  );
  const pooledRange = Object.fromEntries(
    methods.map((m) => {
      const lo = siteRanges.reduce((a, r) => a + (r[m]?.[0] ?? 0), 0) / sites.length;
      const hi = siteRanges.reduce((a, r) => a + (r[m]?.[1] ?? 0), 0) / sites.length;
      return [m, [lo, hi] as [number, number]];
    }),
  );
  return {
    sites: sites.map((_, i) => build(point[i] as Record<string, number>, draws[i]!, siteRanges[i]!)),
    pooled: build(pooledPoint, pooledDraws, pooledRange),
  };
}

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] as number;
  return xs.length === 0 ? 0 : s / xs.length;
}
