import type { Channel, Community, Locale, Member, PermissionLevel, Platform } from '../../core/domain/types.ts';
import type { ChannelStore, CommunityStore, MemberIdentity, MemberStore } from '../../core/ports/stores.ts';
import type { Db } from './database.ts';
import type { CommunityTable } from './feature-storage.ts';
import type { Community as CommunityRow, Member as MemberRow, Prisma } from './generated/sqlite/client.ts';
import { isUniqueViolation } from './prisma-errors.ts';

const toCommunity = (row: CommunityRow): Community => ({
  id: row.id,
  platform: row.platform as Platform,
  platformId: row.platformId,
  name: row.name,
  timezone: row.timezone,
  locale: (row.locale as Locale | null) ?? null,
  createdAt: row.createdAt,
});

export const toMember = (row: MemberRow): Member => ({
  id: row.id,
  communityId: row.communityId,
  platformUserId: row.platformUserId,
  handle: row.handle,
  displayName: row.displayName,
  locale: (row.locale as Locale | null) ?? null,
  role: row.role as PermissionLevel,
  isBot: row.isBot,
  joinedAt: row.joinedAt,
});

/** Create-or-find that tolerates a concurrent creator (another process, another shard). */
async function createOrFind<T>(create: () => Promise<T>, find: () => Promise<T | null>): Promise<T> {
  const existing = await find();
  if (existing) return existing;
  try {
    return await create();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const raced = await find();
    if (!raced) throw error;
    return raced;
  }
}

type CommunityRows = { deleteMany(args: { where: { communityId: string } }): Prisma.PrismaPromise<unknown> };

export class PrismaCommunityStore implements CommunityStore {
  constructor(
    private readonly db: Db,
    /** Tables with community rows and no foreign key to Community: every installed feature's, and the framework's. */
    private readonly communityTables: readonly CommunityTable[] = [],
  ) {}

  async ensure(platform: Platform, platformId: string, defaults: { name: string }): Promise<Community> {
    const row = await createOrFind(
      () => this.db.community.create({ data: { platform, platformId, name: defaults.name } }),
      () => this.db.community.findUnique({ where: { platform_platformId: { platform, platformId } } }),
    );
    return toCommunity(row);
  }

  async get(id: string): Promise<Community | null> {
    const row = await this.db.community.findUnique({ where: { id } });
    return row ? toCommunity(row) : null;
  }

  async update(id: string, patch: Partial<Pick<Community, 'name' | 'timezone' | 'locale'>>): Promise<Community> {
    return toCommunity(await this.db.community.update({ where: { id }, data: patch }));
  }

  async list(): Promise<Community[]> {
    return (await this.db.community.findMany({ orderBy: { createdAt: 'asc' } })).map(toCommunity);
  }

  async remove(id: string): Promise<void> {
    // Feature tables keep no foreign key to Community (each feature's schema stands alone), so each feature names
    // them in its storage half and they are cleared here, in one transaction; core tables cascade from the row.
    const where = { communityId: id };
    // Its commands in flight name their community by platform space, as the platform did (they are kept before the
    // community is looked up), so they are found by it; with their records gone, no sweep answers them.
    const community = await this.db.community.findUnique({
      where: { id },
      select: { platform: true, platformId: true },
    });
    const inFlight = community ? { platform: community.platform, spaceId: community.platformId } : { key: { in: [] } };
    await this.db.$transaction([
      ...this.communityTables.map((table) => (this.db[table] as unknown as CommunityRows).deleteMany({ where })),
      this.db.resumableCommand.deleteMany({ where: inFlight }),
      this.db.community.delete({ where: { id } }),
    ]);
  }
}

export class PrismaMemberStore implements MemberStore {
  constructor(private readonly db: Db) {}

  async ensure(communityId: string, identity: MemberIdentity): Promise<Member> {
    const where = { communityId_platformUserId: { communityId, platformUserId: identity.platformUserId } };
    const handle = identity.handle.toLowerCase();
    const row = await createOrFind(
      () =>
        this.db.member.create({
          data: {
            communityId,
            platformUserId: identity.platformUserId,
            handle,
            displayName: identity.displayName,
            locale: identity.locale ?? null,
            isBot: identity.isBot ?? false,
            joinedAt: identity.joinedAt,
          },
        }),
      () => this.db.member.findUnique({ where }),
    );
    // Keep names fresh without a write on every message.
    if (row.displayName !== identity.displayName || row.handle !== handle) {
      return toMember(await this.db.member.update({ where, data: { displayName: identity.displayName, handle } }));
    }
    return toMember(row);
  }

  async get(id: string): Promise<Member | null> {
    const row = await this.db.member.findUnique({ where: { id } });
    return row ? toMember(row) : null;
  }

  async getMany(ids: readonly string[]): Promise<Member[]> {
    if (ids.length === 0) return [];
    return (await this.db.member.findMany({ where: { id: { in: [...ids] } } })).map(toMember);
  }

  async findByPlatformUserId(communityId: string, platformUserId: string): Promise<Member | null> {
    const row = await this.db.member.findUnique({
      where: { communityId_platformUserId: { communityId, platformUserId } },
    });
    return row ? toMember(row) : null;
  }

  async findByHandle(communityId: string, handle: string): Promise<Member | null> {
    const row = await this.db.member.findFirst({
      where: { communityId, handle: handle.toLowerCase() },
      orderBy: { joinedAt: 'asc' },
    });
    return row ? toMember(row) : null;
  }

  async list(communityId: string, page: { limit?: number; offset?: number } = {}): Promise<Member[]> {
    const rows = await this.db.member.findMany({
      where: { communityId },
      orderBy: { joinedAt: 'asc' },
      take: page.limit,
      skip: page.offset,
    });
    return rows.map(toMember);
  }

  count(communityId: string): Promise<number> {
    return this.db.member.count({ where: { communityId } });
  }

  async setRole(id: string, role: PermissionLevel): Promise<Member> {
    return toMember(await this.db.member.update({ where: { id }, data: { role } }));
  }

  async setLocale(id: string, locale: Locale | null): Promise<Member> {
    return toMember(await this.db.member.update({ where: { id }, data: { locale } }));
  }

  async pseudonymize(id: string, alias: string): Promise<void> {
    await this.db.member.update({
      where: { id },
      data: { platformUserId: `${alias}:${id}`, handle: alias, displayName: alias, locale: null, role: 'member' },
    });
  }
}

export class PrismaChannelStore implements ChannelStore {
  constructor(private readonly db: Db) {}

  async ensure(communityId: string, platformChannelId: string, name: string): Promise<Channel> {
    const row = await createOrFind(
      () => this.db.channel.create({ data: { communityId, platformChannelId, name } }),
      () =>
        this.db.channel.findUnique({ where: { communityId_platformChannelId: { communityId, platformChannelId } } }),
    );
    return { id: row.id, communityId: row.communityId, platformChannelId: row.platformChannelId, name: row.name };
  }

  async get(id: string): Promise<Channel | null> {
    const row = await this.db.channel.findUnique({ where: { id } });
    return row
      ? { id: row.id, communityId: row.communityId, platformChannelId: row.platformChannelId, name: row.name }
      : null;
  }
}
