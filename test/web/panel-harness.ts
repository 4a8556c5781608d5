import { existsSync } from 'node:fs';
import net from 'node:net';
import { type DemoFeedServer, startDemoFeedServer } from '../../adapters/feeds/demo-server.ts';
import type { PanelIdentity } from '../../adapters/web/server.ts';
import { loadConfig } from '../../bots/config.ts';
import { type RunningPanel, startPanel } from '../../bots/panel.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { type FakeOAuth, startFakeOAuth } from '../fakes/oauth.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const TELEGRAM_TOKEN = '123456:telegram-test-token';
export const GUILD_ID = '222222222222222222';
export const SLACK_TEAM = 'T0COHORT';
export const TELEGRAM_CHAT = '-1001234567890';

/** Whether browser tests can run here; CI installs Chromium, so there its absence is a failure, not a skip. */
export function chromiumAvailable(): boolean {
  const present = existsSync(CHROMIUM);
  if (!present && process.env.CI) throw new Error(`Chromium is missing at ${CHROMIUM}: CI must install it (.ci/run)`);
  if (!present) console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  return present;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface PanelHarness {
  app: TestApp;
  panel: RunningPanel;
  fake: FakeOAuth;
  feeds: DemoFeedServer;
  /** Community ids: the console demo, and one community per platform. */
  ids: { demo: string; discord: string; slack: string; telegram: string };
  /** A one-time sign-in link for a demo member, as the console prints for @admin. */
  demoLink(handle: string): Promise<string>;
  dispose(): Promise<void>;
}

/**
 * The real app on a throwaway database with the demo community, one community on each platform, the panel on a
 * free port of 127.0.0.1 with every sign-in configured against the fake OAuth server, and the demo feeds.
 */
export async function startPanelHarness(): Promise<PanelHarness> {
  const fake = await startFakeOAuth();
  const feeds = await startDemoFeedServer({ port: 0 });
  const port = await freePort();
  const env = {
    WEB_PORT: String(port),
    WEB_SESSION_SECRET: 'panel-test-session-secret-0123456789abcdef',
    DISCORD_TOKEN: 'fake.discord.token',
    DISCORD_APPLICATION_ID: fake.discord.clientId,
    DISCORD_CLIENT_SECRET: fake.discord.clientSecret,
    DISCORD_OAUTH_URL: `${fake.url}/discord`,
    DISCORD_API_URL: `${fake.url}/discord/api`,
    SLACK_BOT_TOKEN: 'xoxb-fake-bot',
    SLACK_SIGNING_SECRET: 'fake-signing-secret',
    SLACK_API_URL: `${fake.url}/slack/api/`,
    SLACK_CLIENT_ID: fake.slack.clientId,
    SLACK_CLIENT_SECRET: fake.slack.clientSecret,
    SLACK_OIDC_ISSUER: `${fake.url}/slack`,
    TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
    TELEGRAM_BOT_USERNAME: 'cohort_test_bot',
    TELEGRAM_API_ROOT: `${fake.url}/telegram`,
  };
  const app = await createTestApp({ demo: true, env });
  const { communities } = app.services;
  const discord = await communities.ensure('discord', GUILD_ID, { name: 'Discord Guild' });
  const slack = await communities.ensure('slack', SLACK_TEAM, { name: 'Slack Workspace' });
  const telegram = await communities.ensure('telegram', TELEGRAM_CHAT, { name: 'Telegram Group' });
  const config = loadConfig({ ...env, FEED_ALLOW_PRIVATE_NETWORKS: 'true' });
  const panel = await startPanel({ app, config, log: silentLogger, clock: app.clock });
  const demo = app.demoCommunityId as string;
  return {
    app,
    panel,
    fake,
    feeds,
    ids: { demo, discord: discord.id, slack: slack.id, telegram: telegram.id },
    async demoLink(handle) {
      const member = await app.services.members.findByHandle(demo, handle);
      if (!member) throw new Error(`no demo member @${handle}`);
      const who: PanelIdentity = {
        platform: 'console',
        platformUserId: member.platformUserId,
        name: member.displayName,
        communities: [{ id: demo }],
      };
      return panel.signInLink(who);
    },
    async dispose() {
      await panel.close();
      await feeds.close();
      await fake.close();
      await app.dispose();
    },
  };
}

/**
 * Chromium as the toolchain guide says to start it on a closed network: headless, no chatter. Playwright gives
 * every launch a fresh temporary profile of its own.
 */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}
