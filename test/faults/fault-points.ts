import { writeSync } from 'node:fs';

/**
 * Fault points inside a worker process of the fault suite. The worker announces `STEP <name>` on stdout when the
 * operation chosen for the fault reaches the chosen step, then holds there for a while: long enough for the parent
 * to deliver kill -9 or SIGTERM at exactly that step, short enough that a SIGTERM (handled once the hold ends) lets
 * the operation finish, as a drained process does. Acknowledgements (`ACK <key>`) are written synchronously, so
 * what the parent reads was acknowledged before any signal.
 */

/** How long a fault point holds. A kill arrives within milliseconds; the hold only bounds a SIGTERM's wait. */
export const HOLD_MS = 1_000;

export interface FaultPoints {
  /** The key of the operation running now (workers run their operations one at a time). */
  current: string | null;
  /** An async point: the event loop keeps turning (a SIGTERM handler runs during the hold). */
  reached(step: string): Promise<void>;
  /** A point inside synchronous work (a SQLite transaction): nothing else runs during the hold. */
  reachedSync(step: string): void;
  ack(key: string, what?: string): void;
}

export function faultPoints(fault: { step: string; key: string } | null): FaultPoints {
  const hit = (step: string, current: string | null) => fault !== null && fault.step === step && fault.key === current;
  const announce = (step: string) => writeSync(1, `STEP ${step}\n`);
  const points: FaultPoints = {
    current: null,
    async reached(step) {
      if (!hit(step, points.current)) return;
      announce(step);
      await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
    },
    reachedSync(step) {
      if (!hit(step, points.current)) return;
      announce(step);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, HOLD_MS);
    },
    ack(key, what = 'done') {
      writeSync(1, `ACK ${what} ${key}\n`);
    },
  };
  return points;
}
