import { auc } from './logistic.ts';

/**
 * The quality head learns "better than usual for its kind" (the local-rank target ranks a post among posts of
 * its own type), which is what the median rule asks. The absolute rule (Score ≥ 3 vs ≤ 0) also asks which kind
 * tends to be good: on a Q&A site most questions clear 3 votes while answers are split. A single log-odds offset
 * for questions trades one against the other. It is chosen on the time-ordered validation fifth (never on test
 * posts): among offsets that keep the median-rule AUC at or above MEDIAN_RULE_FLOOR (its target), the one with
 * the best mean AUC over both rules; if none does, the one with the best median-rule AUC.
 */
export const MEDIAN_RULE_FLOOR = 0.7;
export const QUESTION_OFFSETS = [
  -1, -0.5, -0.25, 0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.75, 1, 1.5, 2, 3,
];

export interface OffsetRow {
  kind: string;
  /** The post's vote score: only a label here, never an input. */
  score: number;
  /** The validation model's quality logit for the post. */
  logit: number;
}

export interface OffsetChoice {
  offset: number;
  absoluteAuc: number;
  medianAuc: number;
  /** Every offset tried, for the build log and the eval. */
  tried?: { offset: number; absoluteAuc: number; medianAuc: number }[];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  if (s.length === 0) return 0;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** `fit` holds the scores of the posts the validation model trained on (for the kinds' medians). */
export function chooseQuestionOffset(
  fit: readonly { kind: string; score: number }[],
  validation: readonly OffsetRow[],
): OffsetChoice | null {
  const medians = new Map<string, number>();
  for (const kind of new Set(fit.map((r) => r.kind)))
    medians.set(kind, median(fit.filter((r) => r.kind === kind).map((r) => r.score)));
  const absolute = validation.map((r) => (r.score >= 3 ? 1 : r.score <= 0 ? 0 : null));
  const relative = validation.map((r) => {
    const m = medians.get(r.kind);
    return m === undefined || r.score === m ? null : r.score > m ? 1 : 0;
  });
  const ruleAuc = (scores: number[], labels: (0 | 1 | null)[]) => {
    const s: number[] = [];
    const y: number[] = [];
    labels.forEach((l, i) => {
      if (l === null) return;
      s.push(scores[i] as number);
      y.push(l);
    });
    return auc(s, y);
  };
  const tried = QUESTION_OFFSETS.map((offset) => {
    const scores = validation.map((r) => r.logit + (r.kind === 'question' ? offset : 0));
    return { offset, absoluteAuc: ruleAuc(scores, absolute), medianAuc: ruleAuc(scores, relative) };
  }).filter((c) => Number.isFinite(c.absoluteAuc) && Number.isFinite(c.medianAuc));
  if (tried.length === 0) return null;
  const kept = tried.filter((c) => c.medianAuc >= MEDIAN_RULE_FLOOR);
  const pick = (list: OffsetChoice[], key: (c: OffsetChoice) => number) =>
    list.reduce((best, c) => (key(c) > key(best) ? c : best));
  const choice = kept.length > 0 ? pick(kept, (c) => c.absoluteAuc + c.medianAuc) : pick(tried, (c) => c.medianAuc);
  return { ...choice, tried };
}
