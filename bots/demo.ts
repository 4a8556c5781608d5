import type { PromotionService } from '../core/commerce/promotion-service.ts';
import type { Community } from '../core/domain/types.ts';
import type { CoreServices } from '../core/framework/core-services.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { Logger } from '../core/ports/logger.ts';
import { DEMO_PLATFORM_ID, seedDemoCommunity } from '../prisma/demo/seed.ts';

/** Seeds the embedded demo community on first start; `--reset-demo` rebuilds it from scratch. */
export async function ensureDemoCommunity(
  services: CoreServices,
  options: { clock: Clock; seed: number; reset: boolean; log: Logger },
): Promise<string> {
  const existing = (await services.communities.list()).find(
    (c) => c.platform === 'console' && c.platformId === DEMO_PLATFORM_ID,
  );
  if (existing && !options.reset) return existing.id;
  if (existing) await services.communities.remove(existing.id);
  const result = await seedDemoCommunity(services, { clock: options.clock, seed: options.seed });
  await openDemoPromotion(services, result.community, options.clock);
  options.log.info(
    { members: result.members.length, courses: result.courses.length, events: result.events },
    'demo community seeded',
  );
  return result.community.id;
}

/**
 * The demo's moderator has opened #general (the sandbox's channel) to course promotion, as a real community would
 * before its creators promote: without it `/course promote` would only explain how to ask for a channel.
 */
async function openDemoPromotion(services: CoreServices, community: Community, clock: Clock): Promise<void> {
  const promotions = (services as CoreServices & { promotions?: PromotionService }).promotions;
  const moderator = await services.members.findByHandle(community.id, 'mod');
  if (!promotions || !moderator) return;
  await promotions.allow(community, moderator, 'general', { weeklyQuota: 5 }, clock.now());
}
