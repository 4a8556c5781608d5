import type {
  ChannelStore,
  CommunityStore,
  CourseStore,
  DeliveryGuard,
  EventLog,
  MemberStore,
} from '../../core/ports/stores.ts';
import { PrismaCourseStore, PrismaDeliveryGuard, PrismaEventLog } from './catalog-and-log-stores.ts';
import { PrismaChannelStore, PrismaCommunityStore, PrismaMemberStore } from './community-stores.ts';
import type { Db } from './database.ts';

export { type Database, type DatabaseTarget, openDatabase, parseDatabaseUrl } from './database.ts';

export interface CoreStores {
  communities: CommunityStore;
  members: MemberStore;
  channels: ChannelStore;
  courses: CourseStore;
  events: EventLog;
  deliveries: DeliveryGuard;
}

/** The foundation's stores over one Prisma client. Features add their own factories beside this one. */
export function createCoreStores(db: Db): CoreStores {
  return {
    communities: new PrismaCommunityStore(db),
    members: new PrismaMemberStore(db),
    channels: new PrismaChannelStore(db),
    courses: new PrismaCourseStore(db),
    events: new PrismaEventLog(db),
    deliveries: new PrismaDeliveryGuard(db),
  };
}
