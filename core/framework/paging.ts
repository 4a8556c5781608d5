import { MAX_BUTTON_ACTION_BYTES, type ReplyButton } from '../domain/reply.ts';
import type { Translate } from '../i18n/translate.ts';
import { option } from './options.ts';

/**
 * Paging for list commands (/leaderboard, /tips, /courses, /orders): one `page` option, one way to read a page from a
 * store (ask for one row more than the page holds, so "is there a next page?" costs no count), and the same
 * ◀ / ▶ buttons and "Page 2 of 5" footer everywhere. A button re-runs the command line with `page:N`.
 */

/** The `page` option: named only (`page:2`), so it never swallows a positional word such as a topic. */
export const pageOption = option.integer({
  description: { en: 'Page number, e.g. page:2', 'zh-CN': '页码，例如 page:2' },
  min: 1,
  max: 10_000,
  named: true,
});

export interface PageRequest {
  /** 1-based. */
  page: number;
  size: number;
  /** Rows to skip. */
  offset: number;
  /** Rows to read: one more than the page holds. */
  fetch: number;
}

export function pageRequest(page: number | undefined, size: number): PageRequest {
  const p = Math.max(1, Math.floor(page ?? 1));
  return { page: p, size, offset: (p - 1) * size, fetch: size + 1 };
}

export interface Page<T> {
  items: T[];
  page: number;
  size: number;
  /** Rows before this page: the first item's position is `offset + 1`. */
  offset: number;
  hasPrevious: boolean;
  hasNext: boolean;
  /** When the caller knows it (a list it holds in memory): shown as "Page 2 of 5 · 41 in all". */
  total?: number;
}

/** A page from `fetch` rows read at `offset` (the extra row only says that a next page exists). */
export function pageFromRows<T>(rows: readonly T[], request: PageRequest, total?: number): Page<T> {
  return {
    items: rows.slice(0, request.size),
    page: request.page,
    size: request.size,
    offset: request.offset,
    hasPrevious: request.page > 1,
    hasNext: rows.length > request.size,
    ...(total !== undefined ? { total } : {}),
  };
}

/** A page of a list held in memory. */
export function pageOfList<T>(all: readonly T[], request: PageRequest): Page<T> {
  return pageFromRows(all.slice(request.offset, request.offset + request.fetch), request, all.length);
}

/** True when the member asked for a page past the end (a stale button): the reply says so instead of "empty". */
export function isPastEnd(page: Page<unknown>): boolean {
  return page.items.length === 0 && page.page > 1;
}

/**
 * ◀ / ▶ buttons re-running `commandLine` (the command and the arguments that chose the list, without `page:`).
 * A button whose action would not fit a platform's callback data is left out rather than cut.
 */
export function pageButtons(page: Page<unknown>, commandLine: string, t: Translate): ReplyButton[] {
  const buttons: ReplyButton[] = [];
  const add = (label: string, target: number) => {
    const action = `${commandLine.trim()} page:${target}`;
    if (new TextEncoder().encode(action).length <= MAX_BUTTON_ACTION_BYTES) buttons.push({ label, action });
  };
  if (page.hasPrevious) add(t('common:paging.previous'), page.page - 1);
  if (page.hasNext) add(t('common:paging.next'), page.page + 1);
  return buttons;
}

/** "Page 2 of 5 · 41 in all", or "Page 2" when the total is unknown; null for a single page. */
export function pageFooter(page: Page<unknown>, t: Translate): string | null {
  if (!page.hasPrevious && !page.hasNext) return null;
  if (page.total !== undefined) {
    return t('common:paging.pageOf', {
      page: page.page,
      pages: Math.max(1, Math.ceil(page.total / page.size)),
      total: page.total,
    });
  }
  return t('common:paging.page', { page: page.page });
}
