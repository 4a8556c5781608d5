import { webApi } from '@slack/bolt';
import type { Logger } from '../../core/ports/logger.ts';
import type { PostOnlyPlatform } from '../shared/post-only.ts';
import { SlackAccess } from './access.ts';
import { boltLogger } from './logger.ts';
import { SlackMessenger } from './messenger.ts';
import { slackRateLimitPolicy } from './send.ts';

/**
 * Slack for a process that only posts: the Web API client with the bot token, no Socket Mode connection and no
 * events endpoint. One auth.test learns the bot's user id, so a post looked up later is known to be ours.
 */
export async function slackPostOnly(
  options: { botToken: string; apiUrl?: string },
  baseLog: Logger,
): Promise<PostOnlyPlatform> {
  const log = baseLog.child({ ns: 'adapter:slack', mode: 'post-only' });
  const policy = slackRateLimitPolicy(log);
  const client = new webApi.WebClient(options.botToken, {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    logger: boltLogger(log),
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2_000 },
  });
  const auth = await client.auth.test();
  return {
    name: 'slack',
    messenger: new SlackMessenger(client, policy, auth.user_id),
    access: new SlackAccess(client, policy, log),
    async stop() {},
  };
}
