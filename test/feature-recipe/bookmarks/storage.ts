import { defineStorage } from '../../../adapters/storage/feature-storage.ts';
import type { Bookmark, BookmarkStore } from './ports.ts';

/**
 * The storage half. A real feature implements its store on Prisma here (adapters/storage/<feature>-storage.ts)
 * over its own schema file and lists its tables in `communityTables`; the toy keeps its rows in memory, since a test
 * cannot add a migration, and is otherwise written exactly as the recipe says.
 */
export class MemoryBookmarkStore implements BookmarkStore {
  readonly rows: Bookmark[] = [];

  async add(bookmark: Bookmark): Promise<void> {
    this.rows.push(bookmark);
  }

  async list(communityId: string, memberId: string): Promise<Bookmark[]> {
    return this.rows.filter((b) => b.communityId === communityId && b.memberId === memberId);
  }

  async removeAll(communityId: string, memberId: string): Promise<number> {
    const before = this.rows.length;
    this.rows.splice(
      0,
      this.rows.length,
      ...this.rows.filter((b) => b.communityId !== communityId || b.memberId !== memberId),
    );
    return before - this.rows.length;
  }
}

export function bookmarksStorage(store: MemoryBookmarkStore) {
  return defineStorage<BookmarkStore>({
    stores: () => store,
    // The member's bookmarks, in /privacy export and erased by /privacy forget.
    personalData: () => [
      {
        name: 'bookmarks',
        export: ({ communityId, memberId }) => store.list(communityId, memberId),
        forget: ({ communityId, memberId }) => store.removeAll(communityId, memberId),
      },
    ],
  });
}
