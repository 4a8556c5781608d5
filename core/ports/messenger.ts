import type { RichReply } from '../domain/reply.ts';
import type { Platform } from '../domain/types.ts';

/**
 * Outbound messages that no command triggered: scheduled digests, moderator notices, weekly reports.
 * Each platform adapter implements it; bots/ routes by the community's platform.
 */
export interface PostTarget {
  platform: Platform;
  /** The community's platform id (guild, team, chat). */
  spaceId: string;
  channelId: string;
}

export interface PostOptions {
  /**
   * A unique key the adapter carries inside the post (invisibly where the platform allows), so that `findPost` can
   * tell later whether a post whose acknowledgement was lost reached the platform. At most 25 characters.
   */
  nonce?: string;
}

/** What a platform's history says about a post we may have made. */
export type PostLookup =
  | { found: true; messageId: string }
  | { found: false }
  /** The platform offers no way to read past posts (Telegram's Bot API has no history). */
  | { found: 'unknown' };

/** One member, privately (a direct message). */
export interface DirectTarget {
  platform: Platform;
  spaceId: string;
  platformUserId: string;
}

export interface Messenger {
  /**
   * Posts and returns the platform's message id. Throws PlatformError when the platform refuses; `details.status`
   * is set when the platform answered, which means the post is not there.
   */
  post(target: PostTarget, reply: RichReply, options?: PostOptions): Promise<{ messageId: string }>;
  /** Looks in the target channel for our post carrying `nonce`, made at or after `since`. */
  findPost(target: PostTarget, nonce: string, since: Date): Promise<PostLookup>;
  /**
   * Sends a direct message to one member (renewal reminders, access ended). Optional: a platform without private
   * messages leaves it out, and callers keep the message to try again.
   */
  direct?(target: DirectTarget, reply: RichReply): Promise<{ messageId: string }>;
}
