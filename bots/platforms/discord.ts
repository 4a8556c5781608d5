import { startDiscord } from '../../adapters/discord/adapter.ts';
import type { PlatformDeps, RunningPlatform } from './types.ts';

/** `npm run bot:discord`: the Gateway with DISCORD_TOKEN, plus the HTTP interactions endpoint with DISCORD_PUBLIC_KEY. */
export async function start({ core, config, log }: PlatformDeps): Promise<RunningPlatform> {
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
      moderatorRoleId: config.DISCORD_MODERATOR_ROLE_ID,
      guildId: config.DISCORD_GUILD_ID,
      memberEvents: config.DISCORD_MEMBERS_INTENT,
      messageContent: config.DISCORD_MESSAGE_CONTENT_INTENT,
    },
    log,
  );
}
