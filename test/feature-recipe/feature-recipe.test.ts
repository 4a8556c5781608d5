import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { features, install } from '../../bots/features.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import type { BookmarksHandles } from './bookmarks/commands.ts';
import { bookmarksFeature } from './bookmarks/feature.ts';
import { bookmarksStorage, MemoryBookmarkStore } from './bookmarks/storage.ts';

/**
 * docs/CONTRIBUTING.md's "add a feature" recipe, followed for a toy feature (test/feature-recipe/bookmarks/: a
 * command, its messages, a store port and its storage half with a personal-data source), installed with one line.
 * It is wired, speaks both languages, and its data is exported and erased with everything else.
 */
describe('a feature added by the recipe', () => {
  let app: TestApp;
  const store = new MemoryBookmarkStore();

  beforeAll(async () => {
    app = await createTestApp({
      demo: true,
      features: [...features, install(bookmarksFeature, bookmarksStorage(store))],
    });
  });
  afterAll(() => app.dispose());

  it('is wired: its commands run, are listed, and its handle is in services', async () => {
    const saved = await app.console.run('@alice /bookmark add https://example.com/notes Design notes');
    expect(saved?.status).toBe('ok');
    expect(saved?.output).toContain('Saved “Design notes” to your bookmarks.');
    expect((await app.console.run('@alice /help'))?.output).toContain('/bookmark add <url> <title…>');
    expect((app.services as unknown as BookmarksHandles).bookmarks).toBe(store);
    const listed = await app.console.run('@alice /bookmark list');
    expect(listed?.reply?.items).toEqual([{ title: 'Design notes', url: 'https://example.com/notes' }]);
  });

  it('is localised: Chinese members read its strings in Chinese', async () => {
    const saved = await app.console.run('@chen /bookmark add https://example.cn/a 产品笔记');
    expect(saved?.output).toContain('已把「产品笔记」加入你的书签。');
    expect((await app.console.run('@li /bookmark list'))?.output).toContain('你还没有书签');
  });

  it('is exported and erased with the member’s other data', async () => {
    const exported = await app.console.run('@alice /privacy export');
    const data = JSON.parse(new TextDecoder().decode(exported!.reply!.file!.data)) as {
      sections: Record<string, Array<{ url: string }>>;
    };
    expect(data.sections.bookmarks?.map((b) => b.url)).toEqual(['https://example.com/notes']);
    expect((await app.console.run('@alice /privacy forget yes'))?.status).toBe('ok');
    expect(store.rows.map((b) => b.title)).toEqual(['产品笔记']);
  });
});
