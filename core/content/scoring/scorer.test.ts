import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CohortContentModel, createContentModel } from '../../../adapters/ml/index.ts';
import { silentLogger } from '../../ports/logger.ts';
import { createContentScorer } from './scorer.ts';

describe('content scorer with the shipped model', () => {
  let model: CohortContentModel;
  beforeAll(async () => {
    model = await createContentModel({ name: 'cohort-mini', allowRemote: false, log: silentLogger });
  });
  afterAll(async () => {
    await model.dispose();
  });

  it('scores a substantial, structured answer above a one-line reply on the same question', async () => {
    const scorer = createContentScorer({ model, combiner: model.qualityCombiner });
    const detailed = {
      kind: 'answer' as const,
      tags: ['entanglement', 'qiskit'],
      replyDelayHours: 1,
      html:
        '<p>A Bell state is prepared with a Hadamard on the first qubit followed by a CNOT:</p>' +
        '<pre><code>qc = QuantumCircuit(2)\nqc.h(0)\nqc.cx(0, 1)</code></pre>' +
        '<p>The state is $\\frac{1}{\\sqrt{2}}(|00\\rangle + |11\\rangle)$. Measuring both qubits gives correlated ' +
        'outcomes; see <a href="https://example.org/bell">the derivation</a> for why the amplitudes interfere.</p>',
    };
    const curt = {
      kind: 'answer' as const,
      tags: ['entanglement', 'qiskit'],
      replyDelayHours: 200,
      html: 'just google it',
    };
    const [a, b] = await scorer.score([detailed, curt]);
    expect(a?.quality).toBeGreaterThan(b?.quality as number);
    expect(a?.qualityFactors.length).toBeGreaterThan(0);
    expect(b?.qualityFactors.some((f) => f.effect < 0)).toBe(true);
    expect(a?.embedding).toHaveLength(model.dimensions);
    expect(a?.topics.map((t) => t.topic)).toContain('quantum');
  });

  it('keeps input order across batches', async () => {
    const scorer = createContentScorer({ model, combiner: model.qualityCombiner, batchSize: 3 });
    const inputs = Array.from({ length: 7 }, (_, i) => ({
      kind: 'post' as const,
      html: `post ${i} about qubits ${'x'.repeat(i * 40)}`,
    }));
    const all = await scorer.score(inputs);
    const [sixth] = await scorer.score([inputs[5] as (typeof inputs)[number]]);
    expect(all).toHaveLength(7);
    expect(all[5]?.quality).toBeCloseTo(sixth?.quality as number, 6);
    // The call is batched by length, not by arrival: reversed inputs give the same scores, reversed.
    const reversed = await scorer.score([...inputs].reverse());
    reversed.reverse().forEach((r, i) => {
      expect(r.quality).toBeCloseTo(all[i]?.quality as number, 6);
    });
  });
});
