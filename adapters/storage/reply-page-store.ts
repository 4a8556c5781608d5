import { z } from 'zod';
import { LOCALES } from '../../core/domain/types.ts';
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
    await this.db.replyPages.create({ data: { id, pages, locale: stored.locale, expiresAt } });
  }

  async read(id: string, at: Date): Promise<StoredPages | null> {
    const row = await this.db.replyPages.findUnique({ where: { id } });
    if (!row || row.expiresAt.getTime() <= at.getTime()) return null;
    // A row this code did not write (or a newer version's) is treated as gone rather than shown half-read.
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.pages);
    } catch {
      return null;
    }
    const column = PagesColumn.safeParse(parsed);
    const locale = LocaleColumn.safeParse(row.locale);
    if (!column.success || !locale.success) return null;
    return { ...column.data, locale: locale.data };
  }
}
