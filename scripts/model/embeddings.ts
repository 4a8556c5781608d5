import type { Random } from '../../core/ports/random.ts';
import { CONCEPTS, ZH_STOPWORDS } from './lexicon.ts';
import type { Vocabulary } from './vocabulary.ts';

/**
 * Word vectors by random indexing (Kanerva et al.; Sahlgren 2005): each row gets a fixed random index vector,
 * and a word's context vector sums the index vectors of its neighbours across the corpus, so words used alike
 * point alike. Each row's final vector mixes its own index vector (lexical identity, for near-duplicates),
 * its centred context vector (distributional meaning) and the shared vectors of its lexicon concepts
 * (which align Chinese and English terms). Rows are then scaled by a smooth inverse frequency weight
 * (Arora et al. 2017), so a sum-pooled, normalised sentence vector is dominated by its informative words.
 */
export interface EmbeddingOptions {
  dimensions: number;
  window: number;
  random: Random;
}

function gaussianVector(random: Random, d: number): Float64Array {
  const v = new Float64Array(d);
  for (let i = 0; i < d; i += 2) {
    const u = Math.max(random(), 1e-12);
    const r = Math.sqrt(-2 * Math.log(u));
    const t = 2 * Math.PI * random();
    v[i] = r * Math.cos(t);
    if (i + 1 < d) v[i + 1] = r * Math.sin(t);
  }
  return normalise(v);
}
function normalise(v: Float64Array): Float64Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / n;
  return v;
}

export function buildEmbeddings(
  vocab: Vocabulary,
  sequences: readonly (readonly number[])[],
  o: EmbeddingOptions,
): { vectors: Float64Array[]; counts: Float64Array } {
  const V = vocab.rows.length;
  const D = o.dimensions;
  const index = Array.from({ length: V }, () => gaussianVector(o.random, D));
  const counts = new Float64Array(V);
  let total = 0;
  for (const seq of sequences)
    for (const id of seq) {
      counts[id] = (counts[id] as number) + 1;
      total++;
    }
  // Frequent context words carry little meaning: subsample their contribution (word2vec-style).
  const keep = Float64Array.from(counts, (c) => (c === 0 ? 1 : Math.min(1, Math.sqrt(1e-4 / (c / total)))));
  const context = Array.from({ length: V }, () => new Float64Array(D));
  for (const seq of sequences) {
    for (let i = 0; i < seq.length; i++) {
      const w = seq[i] as number;
      const ctx = context[w] as Float64Array;
      for (let j = Math.max(0, i - o.window); j <= Math.min(seq.length - 1, i + o.window); j++) {
        if (j === i) continue;
        const u = seq[j] as number;
        const weight = (keep[u] as number) / Math.abs(i - j);
        const r = index[u] as Float64Array;
        for (let d = 0; d < D; d++) ctx[d] = (ctx[d] as number) + weight * (r[d] as number);
      }
    }
  }
  // Centre: every context vector shares a common "this is text" direction that would make all words alike.
  const mean = new Float64Array(D);
  let seen = 0;
  for (let w = 0; w < V; w++) {
    if ((counts[w] as number) < 5) continue;
    normalise(context[w] as Float64Array);
    for (let d = 0; d < D; d++) mean[d] = (mean[d] as number) + ((context[w] as Float64Array)[d] as number);
    seen++;
  }
  for (let d = 0; d < D; d++) mean[d] = (mean[d] as number) / Math.max(1, seen);

  const conceptVectors = new Map(CONCEPTS.map((c) => [c.id, gaussianVector(o.random, D)] as const));
  const conceptsOf = new Map<number, string[]>();
  for (const c of CONCEPTS)
    for (const term of [...c.en, ...c.zh]) {
      const row = vocab.rowOf(term);
      if (row === undefined) continue;
      const list = conceptsOf.get(row) ?? [];
      if (!list.includes(c.id)) list.push(c.id);
      conceptsOf.set(row, list);
    }
  const zhStop = new Set(ZH_STOPWORDS.map((w) => vocab.rowOf(w)));

  const vectors: Float64Array[] = [];
  for (let w = 0; w < V; w++) {
    const row = vocab.rows[w] as Vocabulary['rows'][number];
    const v = new Float64Array(D);
    const n = counts[w] as number;
    const ownWeight = 0.55;
    for (let d = 0; d < D; d++) v[d] = ownWeight * ((index[w] as Float64Array)[d] as number);
    if (n >= 5) {
      const ctx = context[w] as Float64Array;
      const c = new Float64Array(D);
      for (let d = 0; d < D; d++) c[d] = (ctx[d] as number) - (mean[d] as number);
      normalise(c);
      const ctxWeight = 0.9 * (n / (n + 20));
      for (let d = 0; d < D; d++) v[d] = (v[d] as number) + ctxWeight * (c[d] as number);
    }
    const concepts = conceptsOf.get(w) ?? [];
    for (const id of concepts) {
      const g = conceptVectors.get(id) as Float64Array;
      for (let d = 0; d < D; d++) v[d] = (v[d] as number) + (1.1 / Math.sqrt(concepts.length)) * (g[d] as number);
    }
    normalise(v);
    // Smooth inverse frequency; Chinese rows rarely appear in the corpus, so they get fixed weights by kind.
    const p = n / Math.max(1, total);
    let sif = 1e-3 / (1e-3 + p);
    if (row.kind === 'special') sif = row.text === '[CLS]' ? 1e-3 : 0;
    else if (row.kind === 'punct') sif = Math.min(sif, 0.05);
    else if (row.kind === 'piece') sif = Math.min(sif, 0.25);
    else if (row.kind === 'cjk') sif = 0.35;
    else if (zhStop.has(w)) sif = 0.08;
    for (let d = 0; d < D; d++) v[d] = (v[d] as number) * sif;
    vectors.push(v);
  }
  return { vectors, counts };
}
