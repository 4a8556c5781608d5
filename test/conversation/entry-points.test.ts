import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackAdapter } from '../../adapters/slack/adapter.ts';
import { loadConfig } from '../../bots/config.ts';
import { start as startDiscordPlatform } from '../../bots/platforms/discord.ts';
import { start as startSlackPlatform } from '../../bots/platforms/slack.ts';
import { start as startTelegramPlatform } from '../../bots/platforms/telegram.ts';
import type { RunningPlatform } from '../../bots/platforms/types.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { FAKE_APP_ID, FAKE_CHANNEL_ID, FAKE_GUILD_ID, type FakeDiscord, startFakeDiscord } from '../fakes/discord.ts';
import { type FakeSlack, slackPayloads, slackSender, startFakeSlack } from '../fakes/slack.ts';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/** Gateway intent bits (discord-api-types GatewayIntentBits). */
const GUILDS = 1 << 0;
const GUILD_MEMBERS = 1 << 1;
const MESSAGE_CONTENT = 1 << 15;

/**
 * The entry points `npm run bot:<platform>` uses, started from environment variables the way an operator sets them,
 * pointed at the fakes through the base-URL settings; each posts a notice through its Messenger.
 */
describe('platform entry points from configuration', () => {
  let app: TestApp;
  let discord: FakeDiscord;
  let slack: FakeSlack;
  let telegram: FakeTelegram;
  const running: RunningPlatform[] = [];

  beforeAll(async () => {
    app = await createTestApp();
    [discord, slack, telegram] = await Promise.all([startFakeDiscord(), startFakeSlack(), startFakeTelegram()]);
  });

  afterAll(async () => {
    for (const platform of running) await platform.stop();
    await Promise.all([discord?.close(), slack?.close(), telegram?.close()]);
    await app?.dispose();
  });

  it('starts Telegram from TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT', async () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot });
    const platform = await startTelegramPlatform({ core: app.core, config, log: silentLogger });
    running.push(platform);
    await platform.messenger.post({ platform: 'telegram', spaceId: '-1', channelId: '-1' }, { text: 'hello' });
    expect(telegram.calls.find((c) => c.method === 'sendMessage')?.payload).toMatchObject({
      chat_id: '-1',
      text: 'hello',
    });
  });

  it('starts Slack in Socket Mode from SLACK_BOT_TOKEN, SLACK_APP_TOKEN and SLACK_API_URL', async () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-entry',
      // Socket Mode: no listener is opened (HTTP mode is the next-but-one test, on SLACK_HOST=127.0.0.1).
      SLACK_APP_TOKEN: 'xapp-entry',
      SLACK_API_URL: slack.apiUrl,
    });
    const platform = await startSlackPlatform({ core: app.core, config, log: silentLogger });
    running.push(platform);
    await platform.messenger.post({ platform: 'slack', spaceId: 'T0COHORT', channelId: 'C1' }, { text: 'hello' });
    const post = slack.calls.find((c) => c.method === 'chat.postMessage');
    expect(post?.auth).toBe('Bearer xoxb-entry');
    expect(post?.payload.channel).toBe('C1');
  });

  it('starts Discord from DISCORD_TOKEN, DISCORD_APPLICATION_ID and DISCORD_API_URL', async () => {
    const config = loadConfig({
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: FAKE_APP_ID,
      DISCORD_API_URL: discord.apiUrl,
    });
    const platform = await startDiscordPlatform({ core: app.core, config, log: silentLogger });
    running.push(platform);
    await platform.messenger.post(
      { platform: 'discord', spaceId: FAKE_GUILD_ID, channelId: FAKE_CHANNEL_ID },
      { text: 'hello' },
    );
    const post = discord.rest.find(
      (c) => c.method === 'POST' && c.path.endsWith(`/channels/${FAKE_CHANNEL_ID}/messages`),
    );
    expect(post?.auth).toBe(`Bot ${discord.token}`);
    expect(discord.rest.some((c) => c.method === 'PUT' && c.path.endsWith('/commands'))).toBe(true);
    expect(platform.access).toBeDefined();
    // The privileged Server Members and Message Content intents are on by default.
    expect((discord.identifies.at(-1)?.intents ?? 0) & GUILD_MEMBERS).toBe(GUILD_MEMBERS);
    expect((discord.identifies.at(-1)?.intents ?? 0) & MESSAGE_CONTENT).toBe(MESSAGE_CONTENT);
  });

  it('leaves the privileged intents out when DISCORD_MEMBERS_INTENT and DISCORD_MESSAGE_CONTENT_INTENT are false', async () => {
    const config = loadConfig({
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: FAKE_APP_ID,
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_MEMBERS_INTENT: 'false',
      DISCORD_MESSAGE_CONTENT_INTENT: 'false',
    });
    const before = discord.identifies.length;
    running.push(await startDiscordPlatform({ core: app.core, config, log: silentLogger }));
    const identify = discord.identifies.slice(before).at(-1);
    expect(identify).toBeDefined();
    expect((identify?.intents ?? 0) & GUILD_MEMBERS).toBe(0);
    expect((identify?.intents ?? 0) & MESSAGE_CONTENT).toBe(0);
    // The rest of what the bot subscribes to stays: guilds, messages, reactions.
    expect((identify?.intents ?? 0) & GUILDS).toBe(GUILDS);
  });

  it('starts Slack in HTTP mode on SLACK_HOST and SLACK_PORT and answers a signed command there', async () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-http',
      SLACK_SIGNING_SECRET: 'entry-secret',
      SLACK_API_URL: slack.apiUrl,
      SLACK_HOST: '127.0.0.1',
      SLACK_PORT: '0',
    });
    const platform = (await startSlackPlatform({ core: app.core, config, log: silentLogger })) as SlackAdapter;
    running.push(platform);
    expect(platform.address?.address).toBe('127.0.0.1');
    expect(platform.access).toBeDefined();
    slack.addUser({ id: 'U0ENTRY', name: 'entry' });
    const response = await slackSender(
      `http://127.0.0.1:${platform.address?.port}/slack/events`,
      'entry-secret',
    ).slashCommand(
      slackPayloads.slashCommand('/help', 'tip', { id: 'U0ENTRY', name: 'entry' }, 'e1', slack.responseUrl('e1')),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Give a member some of your points as thanks');
  });
});
