import type { ContentStores } from '../../core/content/ports.ts';
import { PrismaDigestRunStore, PrismaDigestScheduleStore } from './content-digests.ts';
import { PrismaContentItemStore } from './content-items.ts';
import { PrismaContentSourceStore } from './content-sources.ts';
import type { Db } from './database.ts';

/** The content feature's stores over one Prisma client (SQLite or PostgreSQL). */
export function createContentStores(db: Db): ContentStores {
  return {
    sources: new PrismaContentSourceStore(db),
    items: new PrismaContentItemStore(db),
    schedules: new PrismaDigestScheduleStore(db),
    runs: new PrismaDigestRunStore(db),
  };
}
