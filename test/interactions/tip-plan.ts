import { seededRandom } from '../../core/ports/random.ts';

/**
 * The deterministic workload of the two-process concurrency test: both worker processes and the checking test
 * regenerate the same plan from the same seed, so nothing but the database is shared between them.
 */
export const PLAN = {
  // Enough members that two random tips rarely share an account (real communities are sparse); the same-account
  // races are exercised on purpose by the duplicates and the poor members below.
  members: 400,
  tips: 10_000,
  /** Each worker re-sends this many of the *other* worker's keys (cross-process duplicates)… */
  crossDuplicates: 600,
  /** …and this many of its own, concurrently with the originals (same-process duplicates). */
  ownDuplicates: 300,
  /** Members who start with a balance of `poorBalance` and no allowance, and race to overspend it. */
  poorMembers: 10,
  poorBalance: 10,
  poorAttemptsPerWorker: 15,
  seed: 2026,
};

export interface PlannedTip {
  key: string;
  from: number;
  to: number;
  amount: number;
}

export function tipPlan(): PlannedTip[] {
  const random = seededRandom(PLAN.seed);
  const tips: PlannedTip[] = [];
  for (let i = 0; i < PLAN.tips; i++) {
    const from = Math.floor(random() * PLAN.members);
    let to = Math.floor(random() * (PLAN.members - 1));
    if (to >= from) to++;
    tips.push({ key: `tip-${i}`, from, to, amount: 1 + Math.floor(random() * 5) });
  }
  return tips;
}

/** What worker `w` (0 or 1) sends, in order: its half of the plan with duplicates mixed in. */
export function workerDeliveries(w: number): PlannedTip[] {
  const all = tipPlan();
  const mine = all.filter((_, i) => i % 2 === w);
  const theirs = all.filter((_, i) => i % 2 !== w);
  const random = seededRandom(PLAN.seed + 1 + w);
  const out = [...mine];
  for (let i = 0; i < PLAN.crossDuplicates; i++) out.push(theirs[Math.floor(random() * theirs.length)] as PlannedTip);
  for (let i = 0; i < PLAN.ownDuplicates; i++) out.push(mine[Math.floor(random() * mine.length)] as PlannedTip);
  // Shuffle so duplicates arrive interleaved with originals (Fisher–Yates, seeded).
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as PlannedTip, out[i] as PlannedTip];
  }
  return out;
}

/** The overspend race: every poor member tries to give 1 point `poorAttemptsPerWorker` times from each worker. */
export function poorDeliveries(w: number): PlannedTip[] {
  const out: PlannedTip[] = [];
  for (let p = 0; p < PLAN.poorMembers; p++) {
    for (let a = 0; a < PLAN.poorAttemptsPerWorker; a++) {
      out.push({ key: `poor-${w}-${p}-${a}`, from: PLAN.members + p, to: (p + a) % PLAN.members, amount: 1 });
    }
  }
  return out;
}
