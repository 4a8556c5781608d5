import { startTelegram } from '../../adapters/telegram/adapter.ts';
import type { PlatformDeps, RunningPlatform } from './types.ts';

/** `npm run bot:telegram`: long polling, or a webhook when TELEGRAM_WEBHOOK_DOMAIN and TELEGRAM_WEBHOOK_SECRET are set. */
export async function start({ core, config, log }: PlatformDeps): Promise<RunningPlatform> {
  if (!config.TELEGRAM_BOT_TOKEN) throw new Error('Configuration error: TELEGRAM_BOT_TOKEN — required for Telegram');
  const webhook =
    config.TELEGRAM_WEBHOOK_DOMAIN && config.TELEGRAM_WEBHOOK_SECRET
      ? {
          domain: config.TELEGRAM_WEBHOOK_DOMAIN,
          secretToken: config.TELEGRAM_WEBHOOK_SECRET,
          port: config.TELEGRAM_WEBHOOK_PORT,
          host: '0.0.0.0',
        }
      : undefined;
  return startTelegram(
    core,
    { token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT, ...(webhook ? { webhook } : {}) },
    log,
  );
}
