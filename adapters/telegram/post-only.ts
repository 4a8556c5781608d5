import { Telegram } from 'telegraf';
import type { Logger } from '../../core/ports/logger.ts';
import type { PostOnlyPlatform } from '../shared/post-only.ts';
import { TelegramAccess } from './access.ts';
import { TelegramMessenger } from './messenger.ts';
import { telegramRateLimitPolicy } from './send.ts';

/**
 * Telegram for a process that only posts: telegraf's Bot API client on its own, never `launch()`ed, so it takes no
 * updates (neither long polling nor a webhook) and never competes with the gateway for them.
 */
export function telegramPostOnly(options: { token: string; apiRoot?: string }, baseLog: Logger): PostOnlyPlatform {
  const log = baseLog.child({ ns: 'adapter:telegram', mode: 'post-only' });
  const policy = telegramRateLimitPolicy(log);
  const telegram = new Telegram(options.token, {
    apiRoot: options.apiRoot ?? 'https://api.telegram.org',
    webhookReply: false,
  });
  return {
    name: 'telegram',
    messenger: new TelegramMessenger(telegram, policy),
    access: new TelegramAccess(telegram, policy, log),
    async stop() {},
  };
}
