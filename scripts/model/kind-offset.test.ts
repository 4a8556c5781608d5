import { describe, expect, it } from 'vitest';
import { chooseQuestionOffset, MEDIAN_RULE_FLOOR } from './kind-offset.ts';

describe('chooseQuestionOffset', () => {
  // Questions are all good in absolute terms (score ≥ 3) but the logit ranks them within their kind, so an offset
  // for questions raises the absolute rule; the median rule (within kind) does not need one.
  const fit = [
    ...[4, 6, 8, 10].map((score) => ({ kind: 'question', score })),
    ...[0, 1, 3, 5].map((score) => ({ kind: 'answer', score })),
  ];
  const validation = [
    { kind: 'question', score: 4, logit: -1 },
    { kind: 'question', score: 9, logit: 0.5 },
    { kind: 'question', score: 5, logit: -0.8 },
    { kind: 'question', score: 10, logit: 0.6 },
    { kind: 'answer', score: 0, logit: -0.9 },
    { kind: 'answer', score: 4, logit: 0.4 },
    { kind: 'answer', score: -1, logit: -0.7 },
    { kind: 'answer', score: 6, logit: 0.7 },
  ];

  it('adds a positive offset for questions while the median rule stays above its floor', () => {
    const choice = chooseQuestionOffset(fit, validation);
    expect(choice?.offset).toBeGreaterThan(0);
    expect(choice?.absoluteAuc).toBe(1);
    expect(choice?.medianAuc).toBeGreaterThanOrEqual(MEDIAN_RULE_FLOOR);
    expect(choice?.tried?.find((t) => t.offset === 0)?.absoluteAuc).toBeLessThan(1);
  });

  it('returns null when the validation posts cannot rank either rule', () => {
    expect(chooseQuestionOffset(fit, [{ kind: 'answer', score: 5, logit: 0 }])).toBeNull();
  });
});
