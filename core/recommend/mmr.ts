/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998): greedily picks the item that best trades relevance
 * against similarity to what is already picked, so a list is not ten variations of one thing.
 * `relevance` should be on a comparable scale to `similarity` (the caller min-max scales it to [0, 1]).
 */
export function mmr(
  candidates: ArrayLike<number>,
  relevance: ArrayLike<number>,
  similarity: (a: number, b: number) => number,
  k: number,
  lambda: number,
): number[] {
  const n = candidates.length;
  const picked: number[] = [];
  const used = new Uint8Array(n);
  const maxSim = new Float64Array(n);
  while (picked.length < Math.min(k, n)) {
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < n; c++) {
      if (used[c]) continue;
      const s = lambda * (relevance[c] as number) - (1 - lambda) * (maxSim[c] as number);
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    if (best < 0) break;
    used[best] = 1;
    const item = candidates[best] as number;
    picked.push(item);
    for (let c = 0; c < n; c++) {
      if (used[c]) continue;
      const s = similarity(item, candidates[c] as number);
      if (s > (maxSim[c] as number)) maxSim[c] = s;
    }
  }
  return picked;
}
