import { seededRandom } from '../core/ports/random.ts';

/**
 * A model-free text embedding: sublinear term counts projected by a fixed random Gaussian per term (the hashing
 * trick with a Johnson–Lindenstrauss projection), L2-normalised. Latin words and CJK character bigrams are terms.
 * It is not cross-lingual and knows no synonyms; it stands in where the content model is absent (evaluation
 * baselines, tests) and it never looks at anything but the text itself.
 */
const STOP = new Set(
  'the and for are but not you your with this that have has had was were what when where which who why how can could would should will from into about there their them they then than its our out any all also just like more some such only very use using used one two get does did been being each other these those here what'.split(
    ' ',
  ),
);

export function terms(text: string): string[] {
  const plain = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/&[a-z]+;/g, ' ')
    .toLowerCase();
  const out: string[] = [];
  for (const m of plain.matchAll(/[\p{Script=Han}]+|[\p{L}\p{N}][\p{L}\p{N}'-]*/gu)) {
    const word = m[0];
    if (/\p{Script=Han}/u.test(word)) {
      if (word.length === 1) out.push(word);
      for (let i = 0; i + 1 < word.length; i++) out.push(word.slice(i, i + 2));
    } else if (word.length >= 3 && !STOP.has(word) && !/^\d+$/.test(word)) out.push(word);
  }
  return out;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class HashedTextEmbedder {
  readonly dims: number;
  readonly #cache = new Map<string, Float32Array>();
  constructor(dims = 128) {
    this.dims = dims;
  }

  #termVector(term: string): Float32Array {
    let v = this.#cache.get(term);
    if (!v) {
      const random = seededRandom(fnv1a(term));
      v = new Float32Array(this.dims);
      for (let a = 0; a < this.dims; a += 2) {
        // Box–Muller: two Gaussians per pair of uniforms.
        const r = Math.sqrt(-2 * Math.log(1 - random()));
        const th = 2 * Math.PI * random();
        v[a] = r * Math.cos(th);
        if (a + 1 < this.dims) v[a + 1] = r * Math.sin(th);
      }
      if (this.#cache.size < 200_000) this.#cache.set(term, v);
    }
    return v;
  }

  embed(text: string): Float32Array {
    const counts = new Map<string, number>();
    for (const t of terms(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
    const out = new Float32Array(this.dims);
    for (const [t, c] of counts) {
      const w = 1 + Math.log(c);
      const v = this.#termVector(t);
      for (let a = 0; a < this.dims; a++) out[a]! += w * (v[a] as number);
    }
    let s = 0;
    for (let a = 0; a < this.dims; a++) s += (out[a] as number) ** 2;
    if (s > 0) for (let a = 0; a < this.dims; a++) out[a]! /= Math.sqrt(s);
    return out;
  }
}

/** Row-major vectors for many texts. */
export function hashedTextVectors(texts: readonly string[], dims = 128): Float32Array {
  const embedder = new HashedTextEmbedder(dims);
  const out = new Float32Array(texts.length * dims);
  texts.forEach((t, i) => {
    out.set(embedder.embed(t), i * dims);
  });
  return out;
}

/**
 * A ContentModel without a model: hashed embeddings and neutral signals. The service falls back to it when no
 * content model is configured, and tests use it because it is instant and deterministic.
 */
export class HashedContentModel {
  readonly id = 'hashed-terms@1';
  readonly dimensions: number;
  readonly #embedder: HashedTextEmbedder;
  constructor(dims = 128) {
    this.dimensions = dims;
    this.#embedder = new HashedTextEmbedder(dims);
  }
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.#embedder.embed(t));
  }
  async signals(texts: readonly string[]): Promise<{ quality: number; sentiment: number; topics: [] }[]> {
    return texts.map(() => ({ quality: 0.5, sentiment: 0, topics: [] }));
  }
}
