import { describe, expect, it } from 'vitest';
import { seededRandom } from '../ports/random.ts';
import { buildCsr, pageRank } from './pagerank.ts';

/** Straightforward dense power iteration: the reference the CSR version must agree with. */
function densePageRank(n: number, edges: [number, number, number][], damping = 0.85): number[] {
  const out = new Array(n).fill(0);
  for (const [s, t, w] of edges) if (s !== t) out[s] += w;
  let rank = new Array(n).fill(1 / n);
  for (let it = 0; it < 500; it++) {
    const dangling = rank.reduce((acc, r, v) => acc + (out[v] === 0 ? r : 0), 0);
    const next = new Array(n).fill((1 - damping) / n + (damping * dangling) / n);
    for (const [s, t, w] of edges) if (s !== t) next[t] += (damping * rank[s] * w) / out[s];
    rank = next;
  }
  return rank;
}

describe('pageRank', () => {
  it('agrees with a dense reference on a random weighted graph with dangling nodes and parallel edges', () => {
    const random = seededRandom(7);
    const n = 40;
    const edges: [number, number, number][] = [];
    for (let i = 0; i < 200; i++) {
      edges.push([Math.floor(random() * (n - 5)), Math.floor(random() * n), 0.1 + random() * 3]);
    }
    const csr = buildCsr(
      n,
      edges.map((e) => e[0]),
      edges.map((e) => e[1]),
      edges.map((e) => e[2]),
    );
    const { scores, converged } = pageRank(csr, { tolerance: 1e-13, maxIterations: 500 });
    expect(converged).toBe(true);
    const reference = densePageRank(n, edges);
    for (let v = 0; v < n; v++) expect(scores[v]).toBeCloseTo(reference[v] as number, 9);
    expect(scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('ranks the member everyone points at first and ignores self-loops', () => {
    // 1, 2, 3 all endorse 0; 0 endorses itself a lot, which must not count.
    const csr = buildCsr(4, [1, 2, 3, 0], [0, 0, 0, 0], [1, 1, 1, 100]);
    const { scores } = pageRank(csr);
    expect(csr.inSource.length).toBe(3);
    expect(scores[0]).toBeGreaterThan(scores[1] as number);
    expect(scores[1]).toBeCloseTo(scores[2] as number, 12);
  });

  it('follows the heavier edge', () => {
    const csr = buildCsr(3, [0, 0], [1, 2], [5, 1]);
    const { scores } = pageRank(csr);
    expect(scores[1]).toBeGreaterThan(scores[2] as number);
  });

  it('sends teleports where personalization says', () => {
    const csr = buildCsr(3, [0], [1], [1]);
    const { scores } = pageRank(csr, { personalization: [0, 0, 1] });
    expect(scores[2]).toBeGreaterThan(scores[0] as number);
    expect(scores[0]).toBe(0);
  });

  it('rejects edges outside the graph and handles the empty graph', () => {
    expect(() => buildCsr(2, [0], [5], [1])).toThrow(RangeError);
    expect(pageRank(buildCsr(0, [], [], [])).scores.length).toBe(0);
  });
});
