import { type Telegram, TelegramError } from 'telegraf';
import type { Logger } from '../../core/ports/logger.ts';
import { type RateLimitPolicy, withRateLimitRetry } from '../shared/rate-limit.ts';
import type { TelegramMessage } from './encode.ts';

export function telegramRateLimitPolicy(log: Logger, overrides: Partial<RateLimitPolicy> = {}): RateLimitPolicy {
  return {
    platform: 'telegram',
    log,
    retryAfterMs: (error) =>
      error instanceof TelegramError && error.code === 429 ? (error.parameters?.retry_after ?? 1) * 1_000 : null,
    ...overrides,
  };
}

export interface SendTarget {
  chatId: string;
  threadId?: number;
  /** The member's message this answers; sent as a reply when it still exists. */
  replyTo?: number;
}

/** Parses a channel id as the adapter writes it: `chatId` or `chatId:threadId` for forum topics. */
export function targetOfChannel(channelId: string): SendTarget {
  const [chatId = channelId, thread] = channelId.split(':');
  return thread ? { chatId, threadId: Number(thread) } : { chatId };
}

function commonParams(target: SendTarget, index: number) {
  return {
    ...(target.threadId ? { message_thread_id: target.threadId } : {}),
    ...(index === 0 && target.replyTo
      ? { reply_parameters: { message_id: target.replyTo, allow_sending_without_reply: true } }
      : {}),
  };
}

function textParams(target: SendTarget, message: Extract<TelegramMessage, { kind: 'text' }>, index: number) {
  return {
    ...commonParams(target, index),
    parse_mode: 'HTML' as const,
    link_preview_options: { is_disabled: true },
    ...(message.keyboard ? { reply_markup: { inline_keyboard: message.keyboard } } : {}),
  };
}

/**
 * A one-message text answer as the body of the webhook's HTTP answer: Telegram carries out a method given there
 * ("answer the update with a Bot API call"), so the reply and the 200 that stops redelivery are one write.
 */
export function webhookSendMessage(target: SendTarget, message: Extract<TelegramMessage, { kind: 'text' }>) {
  return { method: 'sendMessage', chat_id: target.chatId, text: message.html, ...textParams(target, message, 0) };
}

/** Sends encoded messages in order; returns the id of the first one. */
export async function sendMessages(
  telegram: Telegram,
  target: SendTarget,
  messages: readonly TelegramMessage[],
  policy: RateLimitPolicy,
): Promise<string> {
  let firstId: string | undefined;
  for (const [index, message] of messages.entries()) {
    const common = commonParams(target, index);
    const sent =
      message.kind === 'text'
        ? await withRateLimitRetry('sendMessage', policy, () =>
            telegram.sendMessage(target.chatId, message.html, textParams(target, message, index)),
          )
        : message.kind === 'photo'
          ? await withRateLimitRetry('sendPhoto', policy, () =>
              telegram.sendPhoto(
                target.chatId,
                { source: Buffer.from(message.png), filename: message.filename },
                { ...common, caption: message.captionHtml, parse_mode: 'HTML' },
              ),
            )
          : await withRateLimitRetry('sendDocument', policy, () =>
              telegram.sendDocument(
                target.chatId,
                { source: Buffer.from(message.data), filename: message.filename },
                { ...common, caption: message.captionHtml, parse_mode: 'HTML' },
              ),
            );
    firstId ??= String(sent.message_id);
  }
  return firstId ?? '';
}
