import type { RESTOptions } from 'discord.js';

/**
 * How often discord.js's REST client drops its idle per-route queues (its default: every hour). Each interaction
 * answered through REST (a follow-up, the edit of "thinking…") gets a queue of its own, because the route's major
 * parameter is the webhook id with the interaction's token: a gateway kept every one of the last hour's, a few
 * thousand in a 10-minute soak. A queue is only idle once nothing waits in it and no rate limit holds it, and the
 * learnt bucket hashes are kept apart (24 h), so sweeping each minute drops nothing a later request needs.
 */
export const REST_HANDLER_SWEEP_MS = 60_000;

/** Options every Discord REST client of the app shares (the adapter's, its gateway client's, post-only). */
export const DISCORD_REST_DEFAULTS = {
  handlerSweepInterval: REST_HANDLER_SWEEP_MS,
} satisfies Partial<RESTOptions>;
