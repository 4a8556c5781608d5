import type { CoreStores } from '../../core/ports/stores.ts';
import { PrismaCourseStore, PrismaDeliveryStore, PrismaEventStore } from './catalog-and-log-stores.ts';
import { PrismaChannelStore, PrismaCommunityStore, PrismaMemberStore } from './community-stores.ts';
import { SqliteCourseStore } from './course-store-sqlite.ts';
import type { DatabaseDriver, Db } from './database.ts';
import { createDeliveryStore } from './delivery-store.ts';
import { SqliteEventStore } from './event-store-sqlite.ts';
import type { CommunityTable } from './feature-storage.ts';

export { type Database, type DatabaseTarget, openDatabase, parseDatabaseUrl } from './database.ts';

/** The framework's own tables with community rows (scheduled posts of every feature, Telegram's reply pages). */
export const CORE_COMMUNITY_TABLES: readonly CommunityTable[] = ['scheduledPost', 'replyPages'];

/**
 * The foundation's stores over one Prisma client. `communityTables` are the installed features' tables cleared when
 * a community is removed (bots/compose.ts collects them from the feature list). With the `driver`, the command
 * delivery lease runs on it (delivery-store.ts: it is on every command's path), and on SQLite the event log's reads
 * and the catalogue version (event-store-sqlite.ts, course-store-sqlite.ts: the recommender reads the whole log, and
 * both on every request); without, through Prisma.
 */
export function createCoreStores(
  db: Db,
  communityTables: readonly CommunityTable[] = [],
  driver?: DatabaseDriver,
): CoreStores {
  return {
    communities: new PrismaCommunityStore(db, [...communityTables, ...CORE_COMMUNITY_TABLES]),
    members: new PrismaMemberStore(db),
    channels: new PrismaChannelStore(db),
    courses: driver?.provider === 'sqlite' ? new SqliteCourseStore(db, driver.connection) : new PrismaCourseStore(db),
    events: driver?.provider === 'sqlite' ? new SqliteEventStore(db, driver.connection) : new PrismaEventStore(db),
    deliveries: driver ? createDeliveryStore(driver) : new PrismaDeliveryStore(db),
  };
}
