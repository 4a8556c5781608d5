import type { PostOnlyPlatform } from '../adapters/shared/post-only.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { RateBudget } from '../core/ports/rate-budget.ts';
import type { Config } from './config.ts';

/**
 * The post-only side of every platform whose bot token is set: what a worker or web process posts through, without
 * a connection of its own. A platform whose client cannot be made (Slack's auth.test refused) is logged and left out:
 * its posts then fail with PLATFORM_NOT_RUNNING and the scheduled-post runner retries them.
 * Each platform's SDK is imported only when its token is set: loaded together they were most of a console start's
 * time and ~40 MiB of its memory (docs/adr/0008-start-up.md).
 */
export async function startPostOnlyPlatforms(
  config: Config,
  log: Logger,
  budget?: RateBudget,
): Promise<PostOnlyPlatform[]> {
  const platforms: PostOnlyPlatform[] = [];
  if (config.DISCORD_TOKEN && config.DISCORD_APPLICATION_ID) {
    const { discordPostOnly } = await import('../adapters/discord/post-only.ts');
    platforms.push(
      discordPostOnly(
        {
          token: config.DISCORD_TOKEN,
          applicationId: config.DISCORD_APPLICATION_ID,
          apiUrl: config.DISCORD_API_URL,
          ...(budget ? { budget } : {}),
        },
        log,
      ),
    );
  }
  if (config.SLACK_BOT_TOKEN) {
    const { slackPostOnly } = await import('../adapters/slack/post-only.ts');
    try {
      platforms.push(
        await slackPostOnly(
          { botToken: config.SLACK_BOT_TOKEN, apiUrl: config.SLACK_API_URL, ...(budget ? { budget } : {}) },
          log,
        ),
      );
    } catch (error) {
      log.error(
        { err: error, platform: 'slack' },
        'slack post-only client not started (SLACK_BOT_TOKEN/SLACK_API_URL)',
      );
    }
  }
  if (config.TELEGRAM_BOT_TOKEN) {
    const { telegramPostOnly } = await import('../adapters/telegram/post-only.ts');
    platforms.push(
      telegramPostOnly(
        { token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT, ...(budget ? { budget } : {}) },
        log,
      ),
    );
  }
  return platforms;
}
