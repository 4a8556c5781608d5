import { PlatformError } from '../../core/errors.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { RateBudget } from '../../core/ports/rate-budget.ts';

/**
 * Every platform call the adapters make goes through here. The SDKs are configured to reject a rate-limited
 * call instead of queueing it silently; this waits the time the platform asked for and retries, and when the
 * wait is too long or retries run out it throws a PlatformError (`RATE_LIMITED`) that callers log or report.
 */
export interface RateLimitPolicy {
  platform: string;
  /** Returns the wait the platform asked for in ms, or null when the error is not a rate limit. */
  retryAfterMs(error: unknown): number | null;
  maxRetries?: number;
  /** A longer requested wait is reported instead of waited out. */
  maxWaitMs?: number;
  log: Logger;
  sleep?: (ms: number) => Promise<void>;
  /** The budget shared with the install's other processes: each attempt takes a call from it first. */
  budget?: RateBudget;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRateLimitRetry<T>(
  route: string,
  policy: RateLimitPolicy,
  call: () => Promise<T>,
): Promise<T> {
  const maxRetries = policy.maxRetries ?? 3;
  const maxWaitMs = policy.maxWaitMs ?? 15_000;
  const sleep = policy.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      await policy.budget?.take(policy.platform);
      return await call();
    } catch (error) {
      const waitMs = policy.retryAfterMs(error);
      if (waitMs === null) throw error;
      if (attempt >= maxRetries || waitMs > maxWaitMs) {
        policy.log.error({ route, attempt, retryAfterMs: waitMs }, 'rate limited: giving up');
        throw new PlatformError(
          'RATE_LIMITED',
          `${policy.platform} rate limit on ${route}`,
          { platform: policy.platform, status: 429, route, retryAfterMs: waitMs },
          { cause: error },
        );
      }
      policy.log.warn({ route, attempt, retryAfterMs: waitMs }, 'rate limited: waiting before retry');
      await sleep(waitMs);
    }
  }
}
