/**
 * Weighted PageRank over a compressed sparse row (CSR) graph on typed arrays.
 * The graph is stored by *incoming* edges so each iteration is a pull: every node sums its in-neighbours'
 * rank times the normalised edge weight. That loop touches memory sequentially and needs no atomics or
 * object allocation, which is what keeps 1M edges well under the 2 s budget.
 */

export interface CsrGraph {
  readonly nodeCount: number;
  /** inStart[v]..inStart[v+1] index the edges that end at v. Length nodeCount + 1. */
  readonly inStart: Uint32Array;
  /** Source node of each incoming edge, grouped by target. */
  readonly inSource: Uint32Array;
  /** Edge weight divided by its source's total out-weight: the transition probability. */
  readonly inProbability: Float64Array;
  /** Total out-weight per node; 0 marks a dangling node. */
  readonly outWeight: Float64Array;
}

/**
 * Builds the CSR form from parallel edge arrays. Parallel edges are fine (their weights add up in effect);
 * self-loops and non-positive weights are dropped because they would let a member endorse themselves.
 */
export function buildCsr(
  nodeCount: number,
  sources: ArrayLike<number>,
  targets: ArrayLike<number>,
  weights: ArrayLike<number>,
): CsrGraph {
  const edgeCount = sources.length;
  if (targets.length !== edgeCount || weights.length !== edgeCount) {
    throw new RangeError('sources, targets and weights must have the same length');
  }
  const outWeight = new Float64Array(nodeCount);
  const inDegree = new Uint32Array(nodeCount + 1);
  let kept = 0;
  for (let e = 0; e < edgeCount; e++) {
    const s = sources[e] as number;
    const t = targets[e] as number;
    const w = weights[e] as number;
    if (s === t || !(w > 0)) continue;
    if (s >= nodeCount || t >= nodeCount || s < 0 || t < 0) throw new RangeError(`edge ${e} points outside the graph`);
    outWeight[s] = (outWeight[s] as number) + w;
    inDegree[t + 1] = (inDegree[t + 1] as number) + 1;
    kept++;
  }
  const inStart = new Uint32Array(nodeCount + 1);
  for (let v = 0; v < nodeCount; v++) inStart[v + 1] = (inStart[v] as number) + (inDegree[v + 1] as number);
  const cursor = inStart.slice(0, nodeCount);
  const inSource = new Uint32Array(kept);
  const inProbability = new Float64Array(kept);
  for (let e = 0; e < edgeCount; e++) {
    const s = sources[e] as number;
    const t = targets[e] as number;
    const w = weights[e] as number;
    if (s === t || !(w > 0)) continue;
    const slot = cursor[t] as number;
    cursor[t] = slot + 1;
    inSource[slot] = s;
    inProbability[slot] = w / (outWeight[s] as number);
  }
  return { nodeCount, inStart, inSource, inProbability, outWeight };
}

export interface PageRankOptions {
  /** Probability of following an edge rather than teleporting. */
  damping?: number;
  /** Stop when the L1 change between iterations falls below this. */
  tolerance?: number;
  maxIterations?: number;
  /**
   * Where teleports (and dangling nodes' rank) land; need not be normalised. Uniform when absent.
   * Seeding it with post quality is how the KOL score mixes content quality into influence.
   */
  personalization?: ArrayLike<number>;
}

export interface PageRankResult {
  /** Sums to 1. */
  scores: Float64Array;
  iterations: number;
  converged: boolean;
}

export function pageRank(graph: CsrGraph, options: PageRankOptions = {}): PageRankResult {
  const n = graph.nodeCount;
  const damping = options.damping ?? 0.85;
  const tolerance = options.tolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 100;
  if (n === 0) return { scores: new Float64Array(0), iterations: 0, converged: true };

  const teleport = new Float64Array(n);
  if (options.personalization) {
    let total = 0;
    for (let v = 0; v < n; v++) {
      const p = Math.max(0, Number(options.personalization[v] ?? 0));
      teleport[v] = p;
      total += p;
    }
    if (total > 0) for (let v = 0; v < n; v++) teleport[v] = (teleport[v] as number) / total;
    else teleport.fill(1 / n);
  } else {
    teleport.fill(1 / n);
  }

  let rank = new Float64Array(teleport);
  let next = new Float64Array(n);
  const { inStart, inSource, inProbability, outWeight } = graph;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    let dangling = 0;
    for (let v = 0; v < n; v++) if (outWeight[v] === 0) dangling += rank[v] as number;
    const base = 1 - damping + damping * dangling;
    let delta = 0;
    for (let v = 0; v < n; v++) {
      let acc = 0;
      const end = inStart[v + 1] as number;
      for (let e = inStart[v] as number; e < end; e++)
        acc += (rank[inSource[e] as number] as number) * (inProbability[e] as number);
      const value = damping * acc + base * (teleport[v] as number);
      next[v] = value;
      delta += Math.abs(value - (rank[v] as number));
    }
    [rank, next] = [next, rank];
    if (delta < tolerance) {
      converged = true;
      break;
    }
  }
  return { scores: rank, iterations, converged };
}
