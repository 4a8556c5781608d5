import { kmeans } from 'ml-kmeans';
import type { Random } from '../ports/random.ts';

/**
 * Interest groups: K-means (ml-kmeans, k-means++ seeding) over members' interest vectors, with k chosen by the
 * mean silhouette (Rousseeuw 1987) over a seeded sample, and each group labelled by the topics its members weigh most.
 */
export interface GroupingInput {
  /** One L2-normalised interest vector per member (all the same length). */
  vectors: readonly Float32Array[];
  /** Topic weights per member (parallel to vectors), used only for labels. */
  /** Topic weights of the member in row r, used only for labels (read for at most `labelSample` members per group). */
  topicsOf(row: number): Map<string, number>;
}

export interface InterestGroup {
  index: number;
  /** Best first, at most `labelTopics`. */
  label: string[];
  size: number;
  centroid: Float32Array;
}

export interface Grouping {
  k: number;
  silhouette: number;
  /** Group per member, parallel to the input. */
  assignment: Int32Array;
  groups: InterestGroup[];
}

export interface GroupingOptions {
  minK: number;
  maxK: number;
  /** Silhouette is O(n²): it is computed on at most this many members. */
  silhouetteSample: number;
  labelTopics: number;
  /** K-means is fitted on at most this many members (seeded sample); everyone is then assigned to the nearest centroid. */
  maxFitMembers: number;
  seed: number;
}

export const DEFAULT_GROUPING: GroupingOptions = {
  minK: 2,
  maxK: 8,
  silhouetteSample: 600,
  labelTopics: 3,
  maxFitMembers: 2000,
  seed: 7,
};

function sqDist(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] as number) - (b[i] as number)) ** 2;
  return s;
}

/** Mean silhouette over `sample` (indexes into data) with Euclidean distance. */
export function silhouette(
  data: readonly number[][],
  clusters: readonly number[],
  k: number,
  sample: readonly number[],
): number {
  let total = 0;
  let counted = 0;
  for (const i of sample) {
    const sums = new Float64Array(k);
    const counts = new Float64Array(k);
    for (const j of sample) {
      if (i === j) continue;
      const c = clusters[j] as number;
      sums[c]! += Math.sqrt(sqDist(data[i] as number[], data[j] as number[]));
      counts[c]! += 1;
    }
    const own = clusters[i] as number;
    if ((counts[own] as number) === 0) continue; // a singleton's silhouette is 0 by convention
    const a = (sums[own] as number) / (counts[own] as number);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++)
      if (c !== own && (counts[c] as number) > 0) b = Math.min(b, (sums[c] as number) / (counts[c] as number));
    if (!Number.isFinite(b)) continue;
    total += (b - a) / Math.max(a, b, 1e-12);
    counted++;
  }
  return counted > 0 ? total / counted : 0;
}

function sampleIndexes(n: number, size: number, random: Random): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= size) return all;
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (n - i));
    [all[i], all[j]] = [all[j] as number, all[i] as number];
  }
  return all.slice(0, size);
}

export function groupMembers(input: GroupingInput, random: Random, options: Partial<GroupingOptions> = {}): Grouping {
  const opts = { ...DEFAULT_GROUPING, ...options };
  const n = input.vectors.length;
  const fitRows = sampleIndexes(n, opts.maxFitMembers, random);
  const data = fitRows.map((r) => Array.from(input.vectors[r] as Float32Array));
  if (n < 2 * opts.minK) {
    // Too few members to split: one group of everyone.
    const dims = input.vectors[0]?.length ?? 0;
    const centroid = new Float32Array(dims);
    for (const v of input.vectors) for (let a = 0; a < dims; a++) centroid[a]! += (v[a] as number) / Math.max(1, n);
    const assignment = new Int32Array(n);
    return { k: 1, silhouette: 0, assignment, groups: [group(0, centroid, assignment, input, opts.labelTopics)] };
  }
  const sample = sampleIndexes(data.length, opts.silhouetteSample, random);
  let best: { k: number; s: number; clusters: number[]; centroids: number[][] } | null = null;
  const maxK = Math.min(opts.maxK, Math.floor(data.length / 2));
  for (let k = opts.minK; k <= maxK; k++) {
    const result = kmeans(data, k, { initialization: 'kmeans++', seed: opts.seed + k, maxIterations: 50 });
    const s = silhouette(data, result.clusters, k, sample);
    if (!best || s > best.s + 1e-9) best = { k, s, clusters: result.clusters, centroids: result.centroids };
  }
  const chosen = best as NonNullable<typeof best>;
  const assignment = new Int32Array(n);
  if (fitRows.length === n)
    fitRows.forEach((r, j) => {
      assignment[r] = chosen.clusters[j] as number;
    });
  else {
    for (let r = 0; r < n; r++) {
      const v = input.vectors[r] as Float32Array;
      let bestD = Number.POSITIVE_INFINITY;
      chosen.centroids.forEach((c, g) => {
        const dd = sqDist(v, c);
        if (dd < bestD) {
          bestD = dd;
          assignment[r] = g;
        }
      });
    }
  }
  const groups = chosen.centroids.map((c, g) => group(g, Float32Array.from(c), assignment, input, opts.labelTopics));
  return { k: chosen.k, silhouette: chosen.s, assignment, groups };
}

const LABEL_SAMPLE = 2000;

function group(
  index: number,
  centroid: Float32Array,
  assignment: Int32Array,
  input: GroupingInput,
  labelTopics: number,
): InterestGroup {
  const weights = new Map<string, number>();
  let size = 0;
  assignment.forEach((g, m) => {
    if (g !== index) return;
    size++;
    // A few thousand members label a group as well as all of them do.
    if (size > LABEL_SAMPLE) return;
    for (const [t, w] of input.topicsOf(m)) weights.set(t, (weights.get(t) ?? 0) + w);
  });
  const label = [...weights.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, labelTopics)
    .map(([t]) => t);
  return { index, label, size, centroid };
}

/** The nearest group for a vector that was not in the grouping (a new member between recomputations). */
export function nearestGroup(grouping: Grouping, vector: Float32Array): number {
  let best = 0;
  let bestD = Number.POSITIVE_INFINITY;
  for (const g of grouping.groups) {
    const d = sqDist(g.centroid, vector);
    if (d < bestD) {
      bestD = d;
      best = g.index;
    }
  }
  return best;
}
