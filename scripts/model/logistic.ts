import type { Random } from '../../core/ports/random.ts';

/**
 * L2-regularised logistic regression over sparse + dense features, full-batch Adam. Small and deterministic:
 * the data sets here have a few thousand examples, so a full pass per step is cheap and needs no shuffling.
 */
export interface Example {
  sparseIdx: Int32Array;
  sparseVal: Float32Array;
  dense: Float64Array;
  y: number;
  weight?: number;
}

export interface LogisticModel {
  sparse: Float64Array;
  dense: Float64Array;
  bias: number;
}

export interface LogisticOptions {
  nSparse: number;
  nDense: number;
  l2Sparse: number;
  l2Dense: number;
  steps: number;
  learningRate: number;
  random: Random;
}

export function predictLogit(m: LogisticModel, e: Example): number {
  let z = m.bias;
  for (let k = 0; k < e.sparseIdx.length; k++)
    z += (m.sparse[e.sparseIdx[k] as number] as number) * (e.sparseVal[k] as number);
  for (let j = 0; j < e.dense.length; j++) z += (m.dense[j] as number) * (e.dense[j] as number);
  return z;
}

export function trainLogistic(examples: readonly Example[], o: LogisticOptions): LogisticModel {
  const m: LogisticModel = {
    sparse: new Float64Array(o.nSparse),
    dense: Float64Array.from({ length: o.nDense }, () => (o.random() - 0.5) * 1e-3),
    bias: 0,
  };
  const P = o.nSparse + o.nDense + 1;
  const mom = new Float64Array(P);
  const vel = new Float64Array(P);
  const grad = new Float64Array(P);
  const b1 = 0.9;
  const b2 = 0.999;
  const totalWeight = examples.reduce((s, e) => s + (e.weight ?? 1), 0);
  for (let step = 1; step <= o.steps; step++) {
    grad.fill(0);
    for (const e of examples) {
      const p = 1 / (1 + Math.exp(-predictLogit(m, e)));
      const g = ((p - e.y) * (e.weight ?? 1)) / totalWeight;
      for (let k = 0; k < e.sparseIdx.length; k++)
        grad[e.sparseIdx[k] as number] = (grad[e.sparseIdx[k] as number] as number) + g * (e.sparseVal[k] as number);
      for (let j = 0; j < e.dense.length; j++)
        grad[o.nSparse + j] = (grad[o.nSparse + j] as number) + g * (e.dense[j] as number);
      grad[P - 1] = (grad[P - 1] as number) + g;
    }
    for (let i = 0; i < o.nSparse; i++) grad[i] = (grad[i] as number) + o.l2Sparse * (m.sparse[i] as number);
    for (let j = 0; j < o.nDense; j++)
      grad[o.nSparse + j] = (grad[o.nSparse + j] as number) + o.l2Dense * (m.dense[j] as number);
    const c1 = 1 - b1 ** step;
    const c2 = 1 - b2 ** step;
    for (let i = 0; i < P; i++) {
      const gi = grad[i] as number;
      if (gi === 0 && mom[i] === 0) continue;
      mom[i] = b1 * (mom[i] as number) + (1 - b1) * gi;
      vel[i] = b2 * (vel[i] as number) + (1 - b2) * gi * gi;
      const delta = (o.learningRate * ((mom[i] as number) / c1)) / (Math.sqrt((vel[i] as number) / c2) + 1e-8);
      if (i < o.nSparse) m.sparse[i] = (m.sparse[i] as number) - delta;
      else if (i < P - 1) m.dense[i - o.nSparse] = (m.dense[i - o.nSparse] as number) - delta;
      else m.bias -= delta;
    }
  }
  return m;
}

/** Area under the ROC curve (ties counted half), the quality eval's headline metric. */
export function auc(scores: readonly number[], labels: readonly number[]): number {
  const idx = scores.map((s, i) => [s, labels[i] as number] as const).sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  let pos = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (
      j + 1 < idx.length &&
      (idx[j + 1] as readonly [number, number])[0] === (idx[i] as readonly [number, number])[0]
    )
      j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if ((idx[k] as readonly [number, number])[1] === 1) {
        rankSum += avgRank;
        pos++;
      }
    }
    i = j + 1;
  }
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
