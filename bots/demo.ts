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
  options.log.info(
    { members: result.members.length, courses: result.courses.length, events: result.events },
    'demo community seeded',
  );
  return result.community.id;
}
