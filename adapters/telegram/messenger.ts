import { type Telegram, TelegramError } from 'telegraf';
import type { RichReply } from '../../core/domain/reply.ts';
import { PlatformError } from '../../core/errors.ts';
import type { DirectTarget, Messenger, PostLookup, PostTarget } from '../../core/ports/messenger.ts';
import { type RateLimitPolicy, withRateLimitRetry } from '../shared/rate-limit.ts';
import { encodeReply } from './encode.ts';
import { sendMessages, targetOfChannel } from './send.ts';

/**
 * Posts that no command triggered. The Bot API offers no way to read a chat's history, so a post whose answer was
 * lost cannot be looked up (`findPost` says so), and a refusal from Telegram is reported with its status: then the
 * post is known not to be there and can be sent again.
 */
export class TelegramMessenger implements Messenger {
  constructor(
    private readonly telegram: Telegram,
    private readonly policy: RateLimitPolicy,
  ) {}

  async post(target: PostTarget, reply: RichReply): Promise<{ messageId: string }> {
    try {
      return {
        messageId: await sendMessages(
          this.telegram,
          // A forum topic of the chat, when the source names one: `chat:topic` or a separate thread id.
          target.threadId && /^\d+$/.test(target.threadId)
            ? { chatId: targetOfChannel(target.channelId).chatId, threadId: Number(target.threadId) }
            : targetOfChannel(target.channelId),
          encodeReply(reply),
          this.policy,
        ),
      };
    } catch (error) {
      throw refusal(error, 'post', 'sendMessage');
    }
  }

  /**
   * Replaces one of our posts with editMessageText. Only a reply that is one text message can replace it in place;
   * anything longer or with a picture resolves false, so the caller posts anew.
   */
  async edit(target: PostTarget, messageId: string, reply: RichReply): Promise<boolean> {
    const messages = encodeReply(reply);
    const [only] = messages;
    if (!only || messages.length > 1 || only.kind !== 'text') return false;
    const { chatId } = targetOfChannel(target.channelId);
    try {
      await withRateLimitRetry('editMessageText', this.policy, () =>
        this.telegram.editMessageText(chatId, Number(messageId), undefined, only.html, {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(only.keyboard ? { reply_markup: { inline_keyboard: only.keyboard } } : {}),
        }),
      );
      return true;
    } catch (error) {
      // The post already says exactly this: it is in the state the caller wants.
      if (error instanceof TelegramError && /message is not modified/i.test(error.description)) return true;
      throw refusal(error, 'edit', 'editMessageText');
    }
  }

  /** A private chat's id is the user's id; Telegram refuses (403) until the member has started the bot. */
  async direct(target: DirectTarget, reply: RichReply): Promise<{ messageId: string }> {
    return this.post({ platform: 'telegram', spaceId: target.spaceId, channelId: target.platformUserId }, reply);
  }

  async findPost(): Promise<PostLookup> {
    return { found: 'unknown' };
  }
}

/** Telegram's refusal as a PlatformError with its status (the post is then known not to be there); others as they are. */
function refusal(error: unknown, what: string, route: string): unknown {
  if (!(error instanceof TelegramError)) return error;
  return new PlatformError(
    'TELEGRAM_REFUSED',
    `telegram refused the ${what}: ${error.description}`,
    { platform: 'telegram', status: error.code, route },
    { cause: error },
  );
}
