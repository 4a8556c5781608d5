import type { Logger } from '../ports/logger.ts';

/**
 * Platforms give a bot a few seconds to acknowledge (Discord and Slack: 3 s). The dispatcher acknowledges a slow
 * command before it runs, and any other command as soon as it has run for `afterMs` without finishing. The adapter
 * learns whether the acknowledgement happened, so it knows to follow up instead of answering.
 */
export const DEFAULT_ACK_AFTER_MS = 2_000;

export class Acknowledgement {
  readonly #acknowledge: (() => Promise<unknown>) | undefined;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #pending: Promise<void> | null = null;
  #acknowledged = false;
  #settled = false;

  /**
   * Starts the deadline at once: the time spent finding the member and the command counts too. `acknowledge`
   * resolving `false` acknowledged nothing (the delivery turned out to be a duplicate).
   */
  constructor(acknowledge: (() => Promise<unknown>) | undefined, afterMs: number, log: Logger) {
    this.#acknowledge = acknowledge;
    this.#log = log;
    if (acknowledge) {
      this.#timer = setTimeout(() => void this.now(), afterMs);
      this.#timer.unref();
    }
  }

  /** Acknowledges now (a slow command, before it runs), at most once. */
  now(): Promise<void> {
    clearTimeout(this.#timer);
    if (!this.#acknowledge || this.#settled) return Promise.resolve();
    this.#pending ??= this.#acknowledge().then(
      (done) => {
        this.#acknowledged = done !== false;
      },
      // The reply then goes out as a direct answer, which may still be in time; either way it is logged.
      (error: unknown) => this.#log.warn({ err: error }, 'acknowledging the command failed'),
    );
    return this.#pending;
  }

  /** The work is done: nothing is acknowledged after this. Resolves with whether the platform was acknowledged. */
  async settle(): Promise<boolean> {
    this.#settled = true;
    clearTimeout(this.#timer);
    if (this.#pending) await this.#pending;
    return this.#acknowledged;
  }
}
