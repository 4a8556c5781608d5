import type { RichReply } from '../domain/reply.ts';
import type { Community } from '../domain/types.ts';
import type { Messenger } from '../ports/messenger.ts';
import type { Promotion } from './types.ts';

/** Posts a promotion card a moderator approved in the channel it was meant for (not where the moderator is). */
export class PromotionPublisher {
  constructor(private readonly messenger: Messenger) {}

  async publish(community: Community, promotion: Promotion, card: RichReply): Promise<void> {
    await this.messenger.post(
      { platform: community.platform, spaceId: community.platformId, channelId: promotion.channelId },
      card,
      { nonce: `promo:${promotion.id}` },
    );
  }
}
