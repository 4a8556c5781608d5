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
  /** The group's leading topics, best first (twice the label's length): whether an older label still fits. */
  topics?: string[];
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
  const topics = [...weights.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, labelTopics * 2)
    .map(([t]) => t);
  return { index, label: topics.slice(0, labelTopics), topics, size, centroid };
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

/**
 * Keeps interest groups recognisable across retrains: each new group takes the index and label of the previous group
 * it shares the most members with (greedy on overlap, largest first, each old group used once), and keeps the old label
 * while its topics are still among the group's leading ones, so "Group 2 · data, ai" does not become "Group 1 ·
 * ai, data" because K-means numbered its clusters differently or two topic weights swapped. Indexes stay 0..k-1
 * (the engine indexes arrays by them): an old group whose index is k or more cannot be matched, and unmatched new
 * groups take the smallest free indexes with their own labels.
 */
export function alignGroups(
  previous: { groups: readonly InterestGroup[]; members: ReadonlyMap<number, number> } | null,
  next: Grouping,
  members: readonly number[],
  /** The new group's topics, best first (longer than a label), to decide whether the old label still holds. */
  topicsOf: (group: InterestGroup) => readonly string[] = (g) => g.topics ?? g.label,
): Grouping {
  if (!previous || previous.groups.length === 0) return next;
  const overlap = new Map<string, number>();
  members.forEach((m, row) => {
    const old = previous.members.get(m);
    if (old === undefined) return;
    const key = `${next.assignment[row]}|${old}`;
    overlap.set(key, (overlap.get(key) ?? 0) + 1);
  });
  const pairs = [...overlap.entries()]
    .map(([key, count]) => {
      const [g, old] = key.split('|').map(Number) as [number, number];
      return { g, old, count };
    })
    .sort((a, b) => b.count - a.count || a.g - b.g || a.old - b.old);
  const renumber = new Map<number, number>();
  const usedOld = new Set<number>();
  for (const p of pairs) {
    if (p.old >= next.k || renumber.has(p.g) || usedOld.has(p.old)) continue;
    renumber.set(p.g, p.old);
    usedOld.add(p.old);
  }
  const free = Array.from({ length: next.k }, (_, i) => i).filter((i) => !usedOld.has(i));
  for (const g of next.groups) if (!renumber.has(g.index)) renumber.set(g.index, free.shift() as number);
  const oldLabels = new Map(previous.groups.map((g) => [g.index, g.label]));
  const groups = next.groups
    .map((g): InterestGroup => {
      const index = renumber.get(g.index) as number;
      const matched = usedOld.has(index);
      const old = matched ? oldLabels.get(index) : undefined;
      const leading = new Set(topicsOf(g));
      const keep = old && old.length > 0 && old.every((topic) => leading.has(topic));
      return { ...g, index, label: keep ? [...old] : g.label };
    })
    .sort((a, b) => a.index - b.index);
  const assignment = Int32Array.from(next.assignment, (g) => renumber.get(g) as number);
  return { ...next, assignment, groups };
}
