import { describe, expect, it } from 'vitest';
import { pageButtons, pageFooter, pageFromRows, pageOfList, pageRequest } from './paging.ts';

const t = (key: string, params: Record<string, unknown> = {}) => `${key} ${JSON.stringify(params)}`;

describe('paging', () => {
  it('reads one row more than a page to know whether a next one exists', () => {
    const request = pageRequest(2, 10);
    expect(request).toEqual({ page: 2, size: 10, offset: 10, fetch: 11 });
    const page = pageFromRows(
      Array.from({ length: 11 }, (_, i) => i + 10),
      request,
    );
    expect(page.items).toHaveLength(10);
    expect(page).toMatchObject({ hasPrevious: true, hasNext: true });
    expect(pageFromRows([20, 21], pageRequest(3, 10))).toMatchObject({ hasNext: false, items: [20, 21] });
  });

  it('offers ◀ / ▶ that re-run the command with page:N, and a footer with the total when known', () => {
    const page = pageOfList(
      Array.from({ length: 41 }, (_, i) => i),
      pageRequest(2, 10),
    );
    expect(pageButtons(page, '/courses data', t).map((b) => b.action)).toEqual([
      '/courses data page:1',
      '/courses data page:3',
    ]);
    expect(pageFooter(page, t)).toBe('common:paging.pageOf {"page":2,"pages":5,"total":41}');
    expect(pageFooter(pageOfList([1, 2], pageRequest(1, 10)), t)).toBeNull();
  });

  it('leaves out a button whose action would not fit Telegram callback data', () => {
    const page = pageOfList(
      Array.from({ length: 30 }, (_, i) => i),
      pageRequest(1, 10),
    );
    expect(pageButtons(page, `/leaderboard all ${'话题'.repeat(12)}`, t)).toEqual([]);
  });
});
