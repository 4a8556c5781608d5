import { z } from 'zod';
import { LOCALES } from '../../core/domain/types.ts';
import type { PersonalDataSource, PersonalScope } from '../../core/ports/personal-data.ts';
import type { ReplyPageStore, StoredPages } from '../../core/ports/reply-pages.ts';
import type { Db } from './database.ts';

const PagesColumn = z.object({ pages: z.array(z.string()).min(1), keyboard: z.string().optional() });
const LocaleColumn = z.enum(LOCALES);

/** Reply pages in the ReplyPages table; expired rows are swept on each write, so the table holds about a day's worth. */
export class PrismaReplyPageStore implements ReplyPageStore {
  constructor(private readonly db: Db) {}

  async keep(id: string, stored: StoredPages, expiresAt: Date, now: Date): Promise<void> {
    await this.db.replyPages.deleteMany({ where: { expiresAt: { lte: now } } });
    const pages = JSON.stringify({ pages: stored.pages, ...(stored.keyboard ? { keyboard: stored.keyboard } : {}) });
    const { communityId, memberId } = stored.requester;
    await this.db.replyPages.create({
      data: { id, communityId, memberId, pages, locale: stored.locale, createdAt: now, expiresAt },
    });
  }

  async read(id: string, at: Date): Promise<StoredPages | null> {
    const row = await this.db.replyPages.findUnique({ where: { id } });
    if (!row || row.expiresAt.getTime() <= at.getTime()) return null;
    const column = readPages(row.pages);
    const locale = LocaleColumn.safeParse(row.locale);
    if (!column || !locale.success) return null;
    return { ...column, locale: locale.data, requester: { communityId: row.communityId, memberId: row.memberId } };
  }
}

/** A row this code did not write (or a newer version's) is treated as gone rather than shown half-read. */
function readPages(column: string): z.infer<typeof PagesColumn> | null {
  try {
    const parsed = PagesColumn.safeParse(JSON.parse(column));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The pages of long answers a member was shown (their profile, their recommendations …): kept up to a day, so they
 * are in the member's export as what they are, copies of answers, and erased with the rest of the member's data; a
 * page button on an old message then says the pages expired (ADR 0018). Rows past their expiry that the next write
 * has not swept yet are still kept, so they are exported and erased like the others.
 */
export function replyPagesSource(db: Db): PersonalDataSource {
  return {
    name: 'reply_pages',
    async export({ communityId, memberId }: PersonalScope) {
      const rows = await db.replyPages.findMany({
        where: { communityId, memberId },
        orderBy: { createdAt: 'asc' },
        select: { pages: true, locale: true, createdAt: true, expiresAt: true },
      });
      return rows.flatMap((row) => {
        const column = readPages(row.pages);
        if (!column) return [];
        return [{ shownAt: row.createdAt, expiresAt: row.expiresAt, locale: row.locale, pages: column.pages }];
      });
    },
    async forget({ communityId, memberId }: PersonalScope) {
      const { count } = await db.replyPages.deleteMany({ where: { communityId, memberId } });
      return count;
    },
  };
}
