import type { InteractionEvent } from '../domain/types.ts';

/**
 * Where, in the newest events of the log (oldest first), folding with learning on should start so that about
 * `window` learning examples are built: a fit reads only the newest `window`, and each example costs a query, so
 * the ones before would be built to be thrown away. An example is built for a member's first interaction with a
 * course (a repeat is not a choice among alternatives); `firstTouch` says whether an event is one, given what was
 * folded before `tail` (pairs repeated within `tail` are counted here). A little slack covers the first touches
 * that still build none (a course the member cannot be offered). 0 when the tail holds fewer.
 */
export function learningStart(
  tail: readonly InteractionEvent[],
  window: number,
  firstTouch: (event: InteractionEvent) => { pair: string } | null,
  slack = 1.05,
): number {
  const first = new Uint8Array(tail.length);
  const seen = new Set<string>();
  tail.forEach((event, i) => {
    const touch = firstTouch(event);
    if (!touch || seen.has(touch.pair)) return;
    seen.add(touch.pair);
    first[i] = 1;
  });
  let wanted = Math.ceil(window * slack);
  for (let i = tail.length - 1; i >= 0; i--) {
    if (first[i] && --wanted === 0) return i;
  }
  return 0;
}
