import { startDiscord } from '../../adapters/discord/adapter.ts';
import type { Config } from '../config.ts';
import type { StartVariables } from './start.ts';
import { type PlatformDeps, type RunningPlatform, refusalCounter } from './types.ts';

/** The variable behind each setting a start-up failure can be about (bots/platforms/start.ts prints it). */
export function startVariables(config: Config): StartVariables {
  return {
    token: { name: 'DISCORD_TOKEN' },
    apiUrl: { name: 'DISCORD_API_URL', value: config.DISCORD_API_URL ?? 'https://discord.com/api (default)' },
    listen: { name: 'DISCORD_INTERACTIONS_HOST:DISCORD_INTERACTIONS_PORT' },
    intents: { name: 'DISCORD_MEMBERS_INTENT / DISCORD_MESSAGE_CONTENT_INTENT (the privileged intents)' },
  };
}

/** `npm run bot:discord`: the Gateway with DISCORD_TOKEN, plus the HTTP interactions endpoint with DISCORD_PUBLIC_KEY. */
export async function start({
  core,
  config,
  log,
  payments,
  metrics,
  rateBudget,
}: PlatformDeps): Promise<RunningPlatform> {
  if (!config.DISCORD_APPLICATION_ID)
    throw new Error('Configuration error: DISCORD_APPLICATION_ID — required for Discord');
  return startDiscord(
    core,
    {
      token: config.DISCORD_TOKEN,
      applicationId: config.DISCORD_APPLICATION_ID,
      apiUrl: config.DISCORD_API_URL,
      publicKey: config.DISCORD_PUBLIC_KEY,
      interactionsPort: config.DISCORD_PUBLIC_KEY ? config.DISCORD_INTERACTIONS_PORT : undefined,
      interactionsHost: config.DISCORD_INTERACTIONS_HOST,
      moderatorRoleId: config.DISCORD_MODERATOR_ROLE_ID,
      guildId: config.DISCORD_GUILD_ID,
      shards: config.DISCORD_SHARDS,
      memberEvents: config.DISCORD_MEMBERS_INTENT,
      messageContent: config.DISCORD_MESSAGE_CONTENT_INTENT,
      ...refusalCounter(metrics),
      ...(rateBudget ? { rateLimit: { budget: rateBudget } } : {}),
      ...(config.DISCORD_PREMIUM && payments ? { premium: { payments } } : {}),
    },
    log,
  );
}
