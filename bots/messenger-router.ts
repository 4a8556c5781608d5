import type { RichReply } from '../core/domain/reply.ts';
import { PlatformError } from '../core/errors.ts';
import type { DirectTarget, Messenger, PostLookup, PostOptions, PostTarget } from '../core/ports/messenger.ts';

/**
 * One Messenger for features (digests, notices, reports) that routes each post to the platform of its target.
 * Platforms register as they start; a post for a platform that is not running fails with a typed error
 * instead of disappearing.
 */
export class MessengerRouter implements Messenger {
  readonly #routes = new Map<string, Messenger>();

  register(platform: string, messenger: Messenger): void {
    this.#routes.set(platform, messenger);
  }

  async post(target: PostTarget, reply: RichReply, options?: PostOptions): Promise<{ messageId: string }> {
    return this.#route(target).post(target, reply, options);
  }

  async findPost(target: PostTarget, nonce: string, since: Date): Promise<PostLookup> {
    return this.#route(target).findPost(target, nonce, since);
  }

  async direct(target: DirectTarget, reply: RichReply): Promise<{ messageId: string }> {
    const messenger = this.#route(target);
    if (!messenger.direct) {
      throw new PlatformError('DIRECT_UNSUPPORTED', `${target.platform} sends no direct messages`, {
        platform: target.platform,
      });
    }
    return messenger.direct(target, reply);
  }

  #route(target: { platform: string }): Messenger {
    const messenger = this.#routes.get(target.platform);
    if (!messenger) {
      throw new PlatformError('PLATFORM_NOT_RUNNING', `no running adapter for ${target.platform}`, {
        platform: target.platform,
      });
    }
    return messenger;
  }
}
