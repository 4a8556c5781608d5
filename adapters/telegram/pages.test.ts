import { describe, expect, it } from 'vitest';
import type { ReplyPageStore, StoredPages } from '../../core/ports/reply-pages.ts';
import { encodeReply } from './encode.ts';
import { onePage, PAGES_TTL_MS, pageData, parsePageData, readKeyboard } from './pages.ts';

/** The port in memory, recording what was kept. */
function memoryPages() {
  const kept = new Map<string, { stored: StoredPages; expiresAt: Date }>();
  const store: ReplyPageStore = {
    async keep(id, stored, expiresAt) {
      kept.set(id, { stored, expiresAt });
    },
    async read(id, at) {
      const entry = kept.get(id);
      return entry && entry.expiresAt > at ? entry.stored : null;
    },
  };
  return { store, kept };
}

const NOW = new Date('2026-12-03T07:00:00.000Z');
const ALICE = { communityId: 'c1', memberId: 'm-alice' };

describe('Telegram reply pages', () => {
  it('reads back only the callback data it writes', () => {
    expect(parsePageData(pageData('AbCdEf012_-x', 2))).toEqual({ id: 'AbCdEf012_-x', index: 2 });
    for (const data of [undefined, '/leaderboard', 'pg:short:1', 'pg:AbCdEf012_-x:-1', 'pg:AbCdEf012_-x:1:x'])
      expect(parsePageData(data)).toBeNull();
  });

  it('leaves a one-message answer, and one with a picture, as they are', async () => {
    const { store, kept } = memoryPages();
    const short = encodeReply({ text: 'hello' });
    expect(await onePage(short, store, { locale: 'en', requester: ALICE }, NOW)).toBe(short);
    const pictured = encodeReply({
      text: 'x'.repeat(5_000),
      image: { png: new Uint8Array([1]), filename: 'a.png', alt: 'chart' },
    });
    expect(await onePage(pictured, store, { locale: 'en', requester: ALICE }, NOW)).toBe(pictured);
    expect(kept.size).toBe(0);
  });

  it('keeps no pages nobody could erase: an answer whose member is unknown is left as it is', async () => {
    const { store, kept } = memoryPages();
    const long = encodeReply({ text: Array.from({ length: 3 }, () => 'z'.repeat(3_000)).join('\n\n') });
    expect(long.length).toBe(3);
    expect(await onePage(long, store, { locale: 'en' }, NOW)).toBe(long);
    expect(kept.size).toBe(0);
  });

  it('turns a long answer into its first page, keeping every page for a day with the reply’s own keyboard', async () => {
    const { store, kept } = memoryPages();
    const encoded = encodeReply({
      text: Array.from({ length: 3 }, (_, i) => `${i}${'y'.repeat(3_000)}`).join('\n\n'),
      buttons: [{ label: 'Top', action: '/leaderboard' }],
    });
    expect(encoded.length).toBe(3);
    const [first, ...rest] = await onePage(encoded, store, { locale: 'zh-CN', requester: ALICE }, NOW);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ kind: 'text', html: (encoded[0] as { html: string }).html });
    const keyboard = first?.kind === 'text' ? (first.keyboard ?? []) : [];
    expect(keyboard[0]?.map((b) => b.text)).toEqual(['1/3', '▶ 下一页']);
    expect(keyboard[1]).toEqual([{ text: 'Top', callback_data: '/leaderboard' }]);
    const [id = '', entry] = [...kept][0] ?? [];
    expect(entry?.expiresAt.getTime()).toBe(NOW.getTime() + PAGES_TTL_MS);
    expect(entry?.stored.pages).toHaveLength(3);
    expect(entry?.stored.requester).toEqual(ALICE);
    expect(readKeyboard(entry?.stored.keyboard)).toEqual([[{ text: 'Top', callback_data: '/leaderboard' }]]);
    expect(await store.read(id, new Date(NOW.getTime() + PAGES_TTL_MS))).toBeNull();
  });
});
