import { startSlack } from '../../adapters/slack/adapter.ts';
import type { Config } from '../config.ts';
import type { StartVariables } from './start.ts';
import { type PlatformDeps, type RunningPlatform, refusalCounter } from './types.ts';

/** The variable behind each setting a start-up failure can be about (bots/platforms/start.ts prints it). */
export function startVariables(config: Config): StartVariables {
  return {
    token: { name: 'SLACK_BOT_TOKEN' },
    appToken: { name: 'SLACK_APP_TOKEN' },
    apiUrl: { name: 'SLACK_API_URL', value: config.SLACK_API_URL ?? 'https://slack.com/api/ (default)' },
    listen: { name: 'SLACK_HOST:SLACK_PORT' },
  };
}

/** `npm run bot:slack`: Socket Mode with SLACK_APP_TOKEN, otherwise the signed HTTP endpoint on SLACK_PORT. */
export async function start({ core, config, log, metrics, rateBudget }: PlatformDeps): Promise<RunningPlatform> {
  if (!config.SLACK_BOT_TOKEN) throw new Error('Configuration error: SLACK_BOT_TOKEN — required for Slack');
  return startSlack(
    core,
    {
      botToken: config.SLACK_BOT_TOKEN,
      signingSecret: config.SLACK_SIGNING_SECRET,
      appToken: config.SLACK_APP_TOKEN,
      apiUrl: config.SLACK_API_URL,
      port: config.SLACK_PORT,
      host: config.SLACK_HOST,
      moderatorGroupId: config.SLACK_MODERATOR_GROUP_ID,
      ...refusalCounter(metrics),
      ...(rateBudget ? { rateLimit: { budget: rateBudget } } : {}),
    },
    log,
  );
}
