/**
 * A platform's request budget, shared by every process of one install (docs/adr/0017-shared-rate-limit-budget.md).
 * Platforms limit a bot as a whole (Discord about 50 requests a second, Telegram about 30 messages a second), not
 * per process: with two gateways and two workers, each must take its calls from one budget, or together they earn
 * 429s and, on Discord, a temporary ban. Adapters take a call before each platform request.
 */
export interface RateBudget {
  /** Resolves when `platform` may make one more call; waits for the next window when this one is used up. */
  take(platform: string): Promise<void>;
}

/** No budget: every call goes at once (tests and tools that make few calls). */
export const unlimitedBudget: RateBudget = { take: async () => undefined };
