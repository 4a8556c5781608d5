import type { Database } from '../../adapters/storage/database.ts';
import type { FaultPoints } from './fault-points.ts';

/**
 * One kind of operation the fault suite breaks at every step. The parent prepares a community and the operations,
 * a worker process runs them (announcing each step, see fault-points.ts) and is killed at one step; the parent then
 * checks what must hold right after the fault, redelivers every operation as a platform retrying would, and checks
 * that each took effect exactly once.
 */
export interface FaultScenario<Op = unknown> {
  name: string;
  /** The steps of one operation, in order: the suite injects each fault at each of them. */
  steps: readonly string[];
  /** Parent: seeds a community for one case and returns the operations (the fault hits `ops[faultIndex]`). */
  prepare(db: Database, caseKey: string, count: number): Promise<{ communityId: string; ops: Op[] }>;
  /** Worker: runs the operations one at a time, calling the fault points, stopping early once draining. */
  run(db: Database, communityId: string, ops: Op[], points: FaultPoints, control: RunControl): Promise<void>;
  key(op: Op): string;
  /** Parent, right after the fault: every acknowledged operation is there (`lost` counts those that are not). */
  afterFault(db: Database, communityId: string, ops: Op[], acks: Acks): Promise<Tally>;
  /** Parent: redelivers these operations (the same keys), as a platform retrying an unanswered request. */
  redeliver(db: Database, communityId: string, ops: Op[]): Promise<void>;
  /** Parent: each operation took effect once (`duplicated` counts extras, `lost` missing ones), and the books hold. */
  check(db: Database, communityId: string, ops: Op[]): Promise<Tally>;
}

export interface RunControl {
  /** True once SIGTERM arrived: finish the operation under way, start no other. */
  draining(): boolean;
  /** Awaited between operations (a bystander paces itself). */
  between(): Promise<void>;
}

/** What a worker acknowledged: `what` → keys (e.g. `tipped`, `ordered`, `confirmed`). */
export type Acks = Map<string, Set<string>>;

export interface Tally {
  invariants: number;
  lost: number;
  duplicated: number;
  /** Human-readable descriptions of every broken invariant. */
  failures: string[];
}

export function tally(): Tally & {
  expect(ok: boolean, what: string, kind?: 'lost' | 'duplicated' | 'broken', n?: number): void;
} {
  const t: Tally = { invariants: 0, lost: 0, duplicated: 0, failures: [] };
  return Object.assign(t, {
    expect(ok: boolean, what: string, kind: 'lost' | 'duplicated' | 'broken' = 'broken', n = 1) {
      t.invariants++;
      if (ok) return;
      if (kind === 'lost') t.lost += n;
      if (kind === 'duplicated') t.duplicated += n;
      t.failures.push(what);
    },
  });
}

export function merge(into: Tally, from: Tally): void {
  into.invariants += from.invariants;
  into.lost += from.lost;
  into.duplicated += from.duplicated;
  into.failures.push(...from.failures);
}
