/**
 * The time split every evaluation uses, so no weight, threshold or offset is ever chosen on the figures it reports:
 * the last `testShare` of the timeline is the test period; within the training period, its last `validationShare`
 * is the validation slice. Choices are made by fitting on [start, validationStart) and scoring on
 * [validationStart, testStart); the chosen setting is then refitted on the whole training period.
 */
export interface TimeSplit {
  start: number;
  validationStart: number;
  testStart: number;
  end: number;
}

export function timeSplit(
  times: ArrayLike<number>,
  options: { testShare?: number; validationShare?: number } = {},
): TimeSplit {
  const testShare = options.testShare ?? 0.2;
  const validationShare = options.validationShare ?? 0.2;
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < times.length; i++) {
    start = Math.min(start, times[i] as number);
    end = Math.max(end, times[i] as number);
  }
  if (!Number.isFinite(start)) return { start: 0, validationStart: 0, testStart: 0, end: 0 };
  const testStart = end - (end - start) * testShare;
  const validationStart = testStart - (testStart - start) * validationShare;
  return { start, validationStart, testStart, end };
}

/** Splits by count instead of time (the k-th fifth of items in time order), for data with bursty timelines. */
export function countSplit(n: number, options: { testShare?: number; validationShare?: number } = {}) {
  const testStart = Math.floor(n * (1 - (options.testShare ?? 0.2)));
  const validationStart = Math.floor(testStart * (1 - (options.validationShare ?? 0.2)));
  return { validationStart, testStart };
}

/**
 * Picks the candidate with the best validation score (the first on ties, so list the simplest first). Returns every
 * candidate's score too, for the model card.
 */
export function chooseOnValidation<T>(
  candidates: readonly T[],
  score: (candidate: T) => number,
): { best: T; scores: { candidate: T; score: number }[] } {
  if (candidates.length === 0) throw new Error('no candidates');
  const scores = candidates.map((candidate) => ({ candidate, score: score(candidate) }));
  let best = scores[0] as { candidate: T; score: number };
  for (const s of scores) if (s.score > best.score) best = s;
  return { best: best.candidate, scores };
}
