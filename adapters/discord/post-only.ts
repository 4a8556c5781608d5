import { REST } from 'discord.js';
import type { Logger } from '../../core/ports/logger.ts';
import type { RateBudget } from '../../core/ports/rate-budget.ts';
import type { PostOnlyPlatform } from '../shared/post-only.ts';
import { DiscordAccess } from './access.ts';
import { DiscordMessenger } from './messenger.ts';
import { DISCORD_REST_DEFAULTS } from './rest-options.ts';
import { makeRequestWithBytes } from './rest-request.ts';
import { discordRateLimitPolicy } from './send.ts';

/**
 * Discord for a process that only posts (a worker, the panel): the REST client with the bot token, no Gateway
 * connection and no interactions endpoint. Digests, notices and course roles go out; nothing comes in.
 */
export function discordPostOnly(
  options: { token: string; applicationId: string; apiUrl?: string; budget?: RateBudget },
  baseLog: Logger,
): PostOnlyPlatform {
  const log = baseLog.child({ ns: 'adapter:discord', mode: 'post-only' });
  const policy = discordRateLimitPolicy(log, options.budget ? { budget: options.budget } : {});
  const rest = new REST({
    ...DISCORD_REST_DEFAULTS,
    ...(options.apiUrl ? { api: options.apiUrl } : {}),
    rejectOnRateLimit: () => true,
    makeRequest: makeRequestWithBytes,
  }).setToken(options.token);
  return {
    name: 'discord',
    // The application's bot user has the application's id: only its own messages count as found.
    messenger: new DiscordMessenger(rest, policy, () => options.applicationId),
    access: new DiscordAccess(rest, policy, log),
    async stop() {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    },
  };
}
