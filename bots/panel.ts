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
import { LocalSignInLinks } from '../adapters/web/sign-in/local-links.ts';
import type { SignInMethod } from '../adapters/web/sign-in/method.ts';
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

/** The platform sign-ins whose settings are present. */
export function signInMethods(_config: Config): SignInMethod[] {
  return [];
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
  /** Sign-in methods other than local links (Discord, Slack, Telegram), already configured. */
  signIn?: readonly SignInMethod[];
}): Promise<RunningPanel> {
  const { app, config, log, clock } = options;
  const localLinks = new LocalSignInLinks(clock);
  const publicUrl = config.WEB_PUBLIC_URL;
  if (!config.WEB_SESSION_SECRET && options.signIn?.length)
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
    signIn: options.signIn ?? [],
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
