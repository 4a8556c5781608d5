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

export interface Messenger {
  /** Posts and returns the platform's message id. Throws PlatformError when the platform refuses. */
  post(target: PostTarget, reply: RichReply): Promise<{ messageId: string }>;
}
