/**
 * Where the webhook listeners report a refused request (bad signature or secret, stale timestamp, oversized body):
 * one process-wide observer, because the listeners are opened deep inside each platform adapter and the ops port is
 * the only reader. Reporting never throws.
 */
export interface RequestRefusal {
  /** The listener's name (`discord-interactions`, `telegram-webhook`, `slack-events`, `stripe-webhooks`). */
  endpoint: string;
  /** The HTTP status it answered (401, 403, 405, 413, …): a bounded label. */
  status: number;
}

let observer: ((refusal: RequestRefusal) => void) | null = null;

/** Sets the observer (the ops port's metrics); `null` removes it. */
export function observeRefusals(next: ((refusal: RequestRefusal) => void) | null): void {
  observer = next;
}

export function reportRefusal(refusal: RequestRefusal): void {
  try {
    observer?.(refusal);
  } catch {
    // Counting must never break answering.
  }
}
