import type { Clock } from '../../core/ports/clock.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { RateBudget } from '../../core/ports/rate-budget.ts';

/** Where the calls of each window are counted: this process's memory, or a table every process shares. */
export interface WindowCounter {
  /** Counts one call in the window starting at `windowStart` (ms) if fewer than `limit` were counted; says whether it did. */
  tryTake(platform: string, windowStart: number, limit: number): Promise<boolean>;
}

export interface WindowedBudgetOptions {
  counter: WindowCounter;
  /** Calls per window, by platform; a platform not listed is not limited. */
  limits: Readonly<Record<string, number>>;
  /** Length of a window. Default 1 000 ms. */
  windowMs?: number;
  clock: Clock;
  log: Logger;
  /** Waits until the next window (injected in tests). */
  sleep?: (ms: number) => Promise<void>;
  /** A call still waiting after this long is let through and logged: the platform's own 429 handling takes over. */
  maxWaitMs?: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A fixed-window budget: each platform may make `limit` calls in each `windowMs` window of wall-clock time, counted
 * wherever the counter keeps them. A call that finds its window full waits for the next one (with a little jitter,
 * so the waiting processes do not all come back in the same millisecond). Fixed windows allow up to twice the limit
 * across a window boundary; the platforms' own limits are per second with headroom, so the defaults stay below them.
 */
export class WindowedRateBudget implements RateBudget {
  readonly #o: Required<Omit<WindowedBudgetOptions, 'limits'>> & { limits: Readonly<Record<string, number>> };

  constructor(options: WindowedBudgetOptions) {
    this.#o = { windowMs: 1_000, sleep: realSleep, maxWaitMs: 30_000, ...options };
  }

  async take(platform: string): Promise<void> {
    const limit = this.#o.limits[platform];
    if (limit === undefined) return;
    const { windowMs, clock } = this.#o;
    const started = clock.now().getTime();
    for (;;) {
      const now = clock.now().getTime();
      const windowStart = now - (now % windowMs);
      if (await this.#o.counter.tryTake(platform, windowStart, limit)) return;
      if (now - started >= this.#o.maxWaitMs) {
        this.#o.log.warn({ platform, waitedMs: now - started }, 'rate budget still full: calling anyway');
        return;
      }
      await this.#o.sleep(windowStart + windowMs - now + Math.floor(Math.random() * Math.min(25, windowMs / 10)));
    }
  }
}

/** One process (SQLite): the windows live in memory. Only the current window of each platform is kept. */
export class MemoryWindowCounter implements WindowCounter {
  readonly #windows = new Map<string, { start: number; used: number }>();

  async tryTake(platform: string, windowStart: number, limit: number): Promise<boolean> {
    const window = this.#windows.get(platform);
    if (!window || window.start !== windowStart) {
      if (window && window.start > windowStart) return false; // a late caller of a past window
      this.#windows.set(platform, { start: windowStart, used: 1 });
      return limit > 0;
    }
    if (window.used >= limit) return false;
    window.used++;
    return true;
  }
}
