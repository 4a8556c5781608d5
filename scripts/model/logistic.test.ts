import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../core/ports/random.ts';
import { roundToHalf } from './export-onnx.ts';
import { auc, type Example, predictLogit, trainLogistic } from './logistic.ts';

describe('auc', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one and 0.5 for ties', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(auc([1, 2], [1, 1])).toBeNaN();
  });
});

describe('trainLogistic', () => {
  it('learns a sparse token that decides the label and ignores a noise token', () => {
    const random = seededRandom(3);
    const examples: Example[] = Array.from({ length: 200 }, (_, i) => {
      const y = i % 2;
      return {
        sparseIdx: Int32Array.from([y === 1 ? 0 : 1, 2]),
        sparseVal: Float32Array.from([1, random()]),
        dense: new Float64Array(0),
        y,
      };
    });
    const m = trainLogistic(examples, {
      nSparse: 3,
      nDense: 0,
      l2Sparse: 1e-3,
      l2Dense: 0,
      steps: 200,
      learningRate: 0.1,
      random,
    });
    expect(m.sparse[0]).toBeGreaterThan(1);
    expect(m.sparse[1]).toBeLessThan(-1);
    expect(Math.abs(m.sparse[2] as number)).toBeLessThan(0.5);
    expect(predictLogit(m, examples[1] as Example)).toBeGreaterThan(0);
  });
});

describe('roundToHalf', () => {
  it('keeps about three significant digits, as the shipped float16 table does', () => {
    const values = Float32Array.from([0, 1, -0.333333, 1234.5678, 1e-5]);
    const rounded = roundToHalf(values);
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      expect(Math.abs((rounded[i] as number) - v)).toBeLessThanOrEqual(Math.max(Math.abs(v) * 1e-3, 1e-7));
    }
  });
});
