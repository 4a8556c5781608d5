import { PrismaEventStore } from '../../adapters/storage/catalog-and-log-stores.ts';
import { PrismaCommunityStore, PrismaMemberStore } from '../../adapters/storage/community-stores.ts';
import type { Database } from '../../adapters/storage/database.ts';
import { createLedgerStore } from '../../adapters/storage/interactions-storage.ts';
import type { Community, Member } from '../../core/domain/types.ts';
import type { LedgerPolicy } from '../../core/interactions/ledger-policy.ts';
import { LedgerService } from '../../core/interactions/ledger-service.ts';
import type { LedgerStore } from '../../core/interactions/ledger-store.ts';
import { silentLogger } from '../../core/ports/logger.ts';

/** A community with named members on a real database, and a ledger service over the real stores. */
export interface LedgerFixture {
  community: Community;
  members: Record<string, Member>;
  ledger: LedgerService;
  store: LedgerStore;
  events: PrismaEventStore;
}

export async function ledgerFixture(
  /** The database and its driver: each provider's ledger store runs its own prepared statements. */
  database: Pick<Database, 'prisma' | 'driver'>,
  options: {
    handles: string[];
    bots?: string[];
    timezone?: string;
    policy?: Partial<LedgerPolicy>;
    joinedAt?: Date;
    communityKey?: string;
  },
): Promise<LedgerFixture> {
  const db = database.prisma;
  const communities = new PrismaCommunityStore(db);
  const memberStore = new PrismaMemberStore(db);
  let community = await communities.ensure('console', options.communityKey ?? 'ledger-test', { name: 'Ledger test' });
  if (options.timezone) community = await communities.update(community.id, { timezone: options.timezone });
  const members: Record<string, Member> = {};
  for (const handle of [...options.handles, ...(options.bots ?? [])]) {
    members[handle] = await memberStore.ensure(community.id, {
      platformUserId: `u-${handle}`,
      handle,
      displayName: handle,
      isBot: options.bots?.includes(handle) ?? false,
    });
  }
  // Members are old-timers unless a test says otherwise, so "new account" flags only fire where intended.
  const joinedAt = options.joinedAt ?? new Date('2020-01-01T00:00:00Z');
  await db.member.updateMany({ where: { communityId: community.id }, data: { joinedAt } });
  for (const m of Object.values(members)) m.joinedAt = joinedAt;
  const store = createLedgerStore(database);
  const events = new PrismaEventStore(db);
  const ledger = new LedgerService({ store, log: silentLogger, policy: options.policy });
  return { community, members, ledger, store, events };
}
