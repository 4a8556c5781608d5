import type { ContentStores } from '../../core/content/ports.ts';
import type { PersonalDataSource, PersonalScope } from '../../core/ports/personal-data.ts';
import { PrismaDigestRunStore, PrismaDigestScheduleStore } from './content-digests.ts';
import { PrismaContentItemStore } from './content-items.ts';
import { PrismaQualityStore } from './content-quality.ts';
import { PrismaContentSourceStore } from './content-sources.ts';
import type { Db } from './database.ts';
import { defineStorage } from './feature-storage.ts';

/** The content feature's stores over one Prisma client (SQLite or PostgreSQL). */
export function createContentStores(db: Db): ContentStores {
  return {
    sources: new PrismaContentSourceStore(db),
    items: new PrismaContentItemStore(db),
    schedules: new PrismaDigestScheduleStore(db),
    runs: new PrismaDigestRunStore(db),
    quality: new PrismaQualityStore(db),
  };
}

/** The content feature's storage half (core half: core/content/feature.ts). */
export const contentStorage = defineStorage({
  stores: ({ prisma }) => createContentStores(prisma),
  personalData: (db) => [memberPostsSource(db)],
  communityTables: [
    'digestDelivery',
    'digestRun',
    'digestSchedule',
    'contentItem',
    'contentSource',
    'contentQualityInput',
    'communityQualityLayer',
  ],
});

/**
 * Members' own posts that became digest candidates. Must run before the event log source: the posts' events are
 * how we know which items were theirs.
 */
export function memberPostsSource(db: Db): PersonalDataSource {
  const theirItems = async ({ communityId, memberId }: PersonalScope) => {
    const posts = await db.interactionEvent.findMany({
      where: { communityId, actorId: memberId, verb: { in: ['message.posted', 'message.shared'] } },
      select: { objectId: true },
    });
    return posts.map((p) => `message:${p.objectId}`);
  };
  return {
    name: 'posts_in_digests',
    async export(scope) {
      const guids = await theirItems(scope);
      if (guids.length === 0) return [];
      return db.contentItem.findMany({
        where: { communityId: scope.communityId, guid: { in: guids } },
        select: { title: true, url: true, publishedAt: true, quality: true, dropReason: true },
      });
    },
    async forget(scope) {
      const guids = await theirItems(scope);
      if (guids.length === 0) return 0;
      const items = await db.contentItem.findMany({
        where: { communityId: scope.communityId, guid: { in: guids } },
        select: { id: true },
      });
      const ids = items.map((i) => i.id);
      await db.digestDelivery.deleteMany({ where: { communityId: scope.communityId, itemId: { in: ids } } });
      await db.contentQualityInput.deleteMany({ where: { itemId: { in: ids } } });
      return (await db.contentItem.deleteMany({ where: { id: { in: ids } } })).count;
    },
  };
}
