/**
 * The web control panel's wiring (adapters/web): loaded by bots/run.ts with a dynamic import once the app is up,
 * so a start that never serves a page pays nothing for Fastify. Everything the panel does goes through the same
 * dispatcher and services as chat.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { HardenedListener } from '../adapters/shared/hardened-listener.ts';
import { startPanelListener } from '../adapters/web/listener.ts';
import { panelMessages } from '../adapters/web/messages.ts';
import type { PanelServices } from '../adapters/web/page.ts';
import { buildPanelServer, type PanelIdentity } from '../adapters/web/server.ts';
import { discordSignIn } from '../adapters/web/sign-in/discord.ts';
import { LocalSignInLinks } from '../adapters/web/sign-in/local-links.ts';
import type { SignInMethod } from '../adapters/web/sign-in/method.ts';
import { slackSignIn } from '../adapters/web/sign-in/slack.ts';
import { telegramSignIn } from '../adapters/web/sign-in/telegram.ts';
import { Translator } from '../core/i18n/translate.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { App } from './compose.ts';
import type { Config } from './config.ts';
import { catalog } from './features.ts';

export interface RunningPanel {
  /** Where the panel answers, e.g. http://127.0.0.1:4880. */
  url: string;
  listener: HardenedListener;
  /** A one-time sign-in link for this identity (the console sandbox prints one). */
  signInLink(who: PanelIdentity): string;
  close(): Promise<void>;
}

/** The address people open: WEB_PUBLIC_URL, or the listener itself. */
export function publicUrlOf(config: Config, port = config.WEB_PORT): string {
  const host = config.WEB_HOST === '0.0.0.0' ? '127.0.0.1' : config.WEB_HOST;
  return (config.WEB_PUBLIC_URL ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/$/, '');
}

/** The platform sign-ins whose settings are present. */
export function signInMethods(config: Config, app: App, clock: Clock, log: Logger, port?: number): SignInMethod[] {
  const base = publicUrlOf(config, port);
  const stores = { communities: app.services.communities, members: app.services.members };
  const methods: SignInMethod[] = [];
  if (config.DISCORD_APPLICATION_ID && config.DISCORD_CLIENT_SECRET)
    methods.push(
      discordSignIn({
        clientId: config.DISCORD_APPLICATION_ID,
        clientSecret: config.DISCORD_CLIENT_SECRET,
        redirectUri: `${base}/auth/discord/callback`,
        oauthUrl: config.DISCORD_OAUTH_URL ?? 'https://discord.com',
        apiUrl: config.DISCORD_API_URL ?? 'https://discord.com/api',
        ...(config.DISCORD_MODERATOR_ROLE_ID ? { moderatorRoleId: config.DISCORD_MODERATOR_ROLE_ID } : {}),
        stores,
      }),
    );
  if (config.SLACK_CLIENT_ID && config.SLACK_CLIENT_SECRET)
    methods.push(
      slackSignIn({
        clientId: config.SLACK_CLIENT_ID,
        clientSecret: config.SLACK_CLIENT_SECRET,
        redirectUri: `${base}/auth/slack/callback`,
        issuer: config.SLACK_OIDC_ISSUER ?? 'https://slack.com',
        ...(config.SLACK_BOT_TOKEN
          ? {
              bot: {
                token: config.SLACK_BOT_TOKEN,
                apiUrl: config.SLACK_API_URL ?? 'https://slack.com/api/',
                ...(config.SLACK_MODERATOR_GROUP_ID ? { moderatorGroupId: config.SLACK_MODERATOR_GROUP_ID } : {}),
              },
            }
          : {}),
        stores,
        clock,
        log,
      }),
    );
  if (config.TELEGRAM_BOT_TOKEN && config.TELEGRAM_BOT_USERNAME)
    methods.push(
      telegramSignIn({
        botToken: config.TELEGRAM_BOT_TOKEN,
        botUsername: config.TELEGRAM_BOT_USERNAME,
        apiRoot: config.TELEGRAM_API_ROOT ?? 'https://api.telegram.org',
        stores,
        clock,
        log,
      }),
    );
  return methods;
}

export function sessionKeyOf(secret: string | undefined): Buffer {
  // secretbox wants exactly 32 bytes: any secret of 32+ characters is hashed to that size.
  return secret ? createHash('sha256').update(secret).digest() : randomBytes(32);
}

export async function startPanel(options: {
  app: App;
  config: Config;
  log: Logger;
  clock: Clock;
  /** Sign-in methods other than local links; by default those the settings configure. */
  signIn?: readonly SignInMethod[];
}): Promise<RunningPanel> {
  const { app, config, log, clock } = options;
  const localLinks = new LocalSignInLinks(clock);
  const publicUrl = config.WEB_PUBLIC_URL;
  const signIn = options.signIn ?? signInMethods(config, app, clock, log);
  if (!config.WEB_SESSION_SECRET && signIn.length)
    log.warn('WEB_SESSION_SECRET is not set: panel sign-ins end whenever the app restarts');
  const server = await buildPanelServer({
    core: app.core,
    services: app.services as unknown as PanelServices,
    translator: new Translator({ ...catalog, panel: panelMessages }),
    clock,
    log,
    sessionKey: sessionKeyOf(config.WEB_SESSION_SECRET),
    secureCookies: publicUrl?.startsWith('https://') ?? false,
    localLinks,
    signIn,
  });
  const listener = await startPanelListener({ app: server, host: config.WEB_HOST, port: config.WEB_PORT, log });
  const host = config.WEB_HOST === '0.0.0.0' ? '127.0.0.1' : config.WEB_HOST;
  const url = (publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${listener.address.port}`).replace(
    /\/$/,
    '',
  );
  return {
    url,
    listener,
    signInLink: (who) => `${url}/login/${localLinks.issue(who)}`,
    async close() {
      await listener.close();
      await server.close();
    },
  };
}
