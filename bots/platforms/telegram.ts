import { startTelegram } from '../../adapters/telegram/adapter.ts';
import type { Config } from '../config.ts';
import type { StartVariables } from './start.ts';
import { type PlatformDeps, type RunningPlatform, refusalCounter } from './types.ts';

/** The variable behind each setting a start-up failure can be about (bots/platforms/start.ts prints it). */
export function startVariables(config: Config): StartVariables {
  return {
    token: { name: 'TELEGRAM_BOT_TOKEN' },
    apiUrl: { name: 'TELEGRAM_API_ROOT', value: config.TELEGRAM_API_ROOT ?? 'https://api.telegram.org (default)' },
    listen: { name: 'TELEGRAM_WEBHOOK_HOST:TELEGRAM_WEBHOOK_PORT' },
    webhook: { name: 'TELEGRAM_WEBHOOK_DOMAIN' },
  };
}

/** `npm run bot:telegram`: long polling, or a webhook when TELEGRAM_WEBHOOK_DOMAIN and TELEGRAM_WEBHOOK_SECRET are set. */
export async function start({
  core,
  config,
  log,
  payments,
  metrics,
  rateBudget,
  replyPages,
}: PlatformDeps): Promise<RunningPlatform> {
  if (!config.TELEGRAM_BOT_TOKEN) throw new Error('Configuration error: TELEGRAM_BOT_TOKEN — required for Telegram');
  const webhook =
    config.TELEGRAM_WEBHOOK_DOMAIN && config.TELEGRAM_WEBHOOK_SECRET
      ? {
          domain: config.TELEGRAM_WEBHOOK_DOMAIN,
          secretToken: config.TELEGRAM_WEBHOOK_SECRET,
          port: config.TELEGRAM_WEBHOOK_PORT,
          host: config.TELEGRAM_WEBHOOK_HOST,
          ...(metrics ? { onRefused: refusalCounter(metrics).onWebhookRefused } : {}),
        }
      : undefined;
  // Two processes polling one bot take each other's updates (Telegram answers 409): polling is for one process.
  if (!webhook && config.DATABASE_URL.provider === 'postgresql')
    log.warn(
      { setting: 'TELEGRAM_WEBHOOK_DOMAIN' },
      'telegram long polling: run it in one process only, or set TELEGRAM_WEBHOOK_DOMAIN/SECRET for several',
    );
  return startTelegram(
    core,
    {
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      ...(rateBudget ? { rateLimit: { budget: rateBudget } } : {}),
      ...(webhook ? { webhook } : {}),
      ...(config.TELEGRAM_STARS && payments ? { stars: { payments } } : {}),
      ...(replyPages ? { pages: replyPages } : {}),
    },
    log,
  );
}
