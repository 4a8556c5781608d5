import type { CoreStores } from '../../core/ports/stores.ts';
import { PrismaCourseStore, PrismaDeliveryStore, PrismaEventStore } from './catalog-and-log-stores.ts';
import { PrismaChannelStore, PrismaCommunityStore, PrismaMemberStore } from './community-stores.ts';
import type { Db } from './database.ts';
import type { CommunityTable } from './feature-storage.ts';

export { type Database, type DatabaseTarget, openDatabase, parseDatabaseUrl } from './database.ts';

/** The framework's own table with community rows (scheduled posts of every feature). */
export const CORE_COMMUNITY_TABLES: readonly CommunityTable[] = ['scheduledPost'];

/**
 * The foundation's stores over one Prisma client. `communityTables` are the installed features' tables cleared when
 * a community is removed (bots/compose.ts collects them from the feature list).
 */
export function createCoreStores(db: Db, communityTables: readonly CommunityTable[] = []): CoreStores {
  return {
    communities: new PrismaCommunityStore(db, [...communityTables, ...CORE_COMMUNITY_TABLES]),
    members: new PrismaMemberStore(db),
    channels: new PrismaChannelStore(db),
    courses: new PrismaCourseStore(db),
    events: new PrismaEventStore(db),
    deliveries: new PrismaDeliveryStore(db),
  };
}
