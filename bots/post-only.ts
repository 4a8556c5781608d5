import { discordPostOnly } from '../adapters/discord/post-only.ts';
import type { PostOnlyPlatform } from '../adapters/shared/post-only.ts';
import { slackPostOnly } from '../adapters/slack/post-only.ts';
import { telegramPostOnly } from '../adapters/telegram/post-only.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { Config } from './config.ts';

/**
 * The post-only side of every platform whose bot token is set: what a worker or web process posts through, without
 * a connection of its own. A platform whose client cannot be made (Slack's auth.test refused) is logged and left out:
 * its posts then fail with PLATFORM_NOT_RUNNING and the scheduled-post runner retries them.
 */
export async function startPostOnlyPlatforms(config: Config, log: Logger): Promise<PostOnlyPlatform[]> {
  const platforms: PostOnlyPlatform[] = [];
  if (config.DISCORD_TOKEN && config.DISCORD_APPLICATION_ID)
    platforms.push(
      discordPostOnly(
        { token: config.DISCORD_TOKEN, applicationId: config.DISCORD_APPLICATION_ID, apiUrl: config.DISCORD_API_URL },
        log,
      ),
    );
  if (config.SLACK_BOT_TOKEN) {
    try {
      platforms.push(await slackPostOnly({ botToken: config.SLACK_BOT_TOKEN, apiUrl: config.SLACK_API_URL }, log));
    } catch (error) {
      log.error(
        { err: error, platform: 'slack' },
        'slack post-only client not started (SLACK_BOT_TOKEN/SLACK_API_URL)',
      );
    }
  }
  if (config.TELEGRAM_BOT_TOKEN)
    platforms.push(telegramPostOnly({ token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT }, log));
  return platforms;
}
