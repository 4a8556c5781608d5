import { type Telegram, TelegramError } from 'telegraf';
import type { RichReply } from '../../core/domain/reply.ts';
import { PlatformError } from '../../core/errors.ts';
import type { DirectTarget, Messenger, PostLookup, PostTarget } from '../../core/ports/messenger.ts';
import type { RateLimitPolicy } from '../shared/rate-limit.ts';
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
          targetOfChannel(target.channelId),
          encodeReply(reply),
          this.policy,
        ),
      };
    } catch (error) {
      if (!(error instanceof TelegramError)) throw error;
      throw new PlatformError(
        'TELEGRAM_REFUSED',
        `telegram refused the post: ${error.description}`,
        { platform: 'telegram', status: error.code, route: 'sendMessage' },
        { cause: error },
      );
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
