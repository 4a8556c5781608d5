import { describe, expect, it } from 'vitest';
import { seededRandom } from '../ports/random.ts';
import { foldInUser, toSparseRows, trainAls, transpose } from './als.ts';

/** Two taste clusters: users 0–9 like items 0–4, users 10–19 like items 5–9. */
function clustered() {
  const row: number[] = [];
  const col: number[] = [];
  const random = seededRandom(3);
  for (let u = 0; u < 20; u++) {
    const base = u < 10 ? 0 : 5;
    for (let i = 0; i < 5; i++) {
      if (random() < 0.7) {
        row.push(u);
        col.push(base + i);
      }
    }
  }
  return toSparseRows(20, 10, {
    row: Int32Array.from(row),
    col: Int32Array.from(col),
    value: new Float32Array(row.length).fill(1),
  });
}

const dot = (a: Float32Array, ao: number, b: Float32Array, bo: number, k: number) => {
  let s = 0;
  for (let i = 0; i < k; i++) s += (a[ao + i] as number) * (b[bo + i] as number);
  return s;
};

describe('implicit ALS', () => {
  it('builds CSR rows, summing duplicate entries', () => {
    const m = toSparseRows(2, 3, {
      row: Int32Array.from([1, 0, 1, 1]),
      col: Int32Array.from([2, 1, 2, 0]),
      value: Float32Array.from([1, 2, 3, 4]),
    });
    expect(Array.from(m.rowPtr)).toEqual([0, 1, 3]);
    expect(Array.from(m.colIdx)).toEqual([1, 0, 2]);
    expect(Array.from(m.values)).toEqual([2, 4, 4]);
    const t = transpose(m);
    expect(Array.from(t.rowPtr)).toEqual([0, 1, 2, 3]);
    expect(Array.from(t.colIdx)).toEqual([1, 0, 1]);
  });

  it('scores a user’s own cluster above the other cluster', () => {
    const model = trainAls(clustered(), seededRandom(1), { factors: 2, iterations: 8, regularization: 1 });
    const k = model.factors;
    let inside = 0;
    let outside = 0;
    for (let u = 0; u < 20; u++) {
      for (let i = 0; i < 10; i++) {
        const s = dot(model.userFactors, u * k, model.itemFactors, i * k, k);
        if (u < 10 === i < 5) inside += s;
        else outside += s;
      }
    }
    expect(inside / 100).toBeGreaterThan(outside / 100 + 0.2);
  });

  it('folds in a new user from their history without retraining', () => {
    const model = trainAls(clustered(), seededRandom(1), { factors: 2, iterations: 8, regularization: 1 });
    const x = foldInUser(model, [6, 7], [1, 1]);
    const score = (i: number) => dot(x, 0, model.itemFactors, i * model.factors, model.factors);
    const same = (score(5) + score(8) + score(9)) / 3;
    const other = (score(0) + score(1) + score(2) + score(3) + score(4)) / 5;
    expect(same).toBeGreaterThan(other + 0.1);
  });

  it('is deterministic for a seed', () => {
    const a = trainAls(clustered(), seededRandom(9), { factors: 4, iterations: 2 });
    const b = trainAls(clustered(), seededRandom(9), { factors: 4, iterations: 2 });
    expect(Array.from(a.itemFactors)).toEqual(Array.from(b.itemFactors));
  });
});
