import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoFeedServer, startDemoFeedServer } from '../../adapters/feeds/demo-server.ts';
import { ingestItems } from '../../core/content/ingest/ingest.ts';
import { prepareItem } from '../../core/content/ingest/prepare.ts';
import { createContentScorer } from '../../core/content/scoring/scorer.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { createContentHarness } from './support/harness.ts';
import { tinyModel } from './support/tiny-model.ts';

const SPEC = 'https://demo.cohort.example/product/one-page-spec';

/**
 * De-duplication keeps the original: the Chinese repost (转载) arrives first, the English original after it; the
 * original is what digests pick, and the repost is listed as "also in".
 */
describe('dedup keeps the original over an earlier repost (console sandbox)', () => {
  let app: TestApp;
  let demo: DemoFeedServer;
  const feed = (name: string) => demo.feeds.find((f) => f.name === name)!.url;

  beforeAll(async () => {
    app = await createTestApp({ demo: true });
    demo = await startDemoFeedServer({ clock: app.clock });
    // The repost's feed first: its copy is stored before the original exists.
    expect((await app.console.run(`@mod /source add ${feed('ai-investing.atom.xml')}`))?.status).toBe('ok');
    expect((await app.console.run(`@mod /source add ${feed('product-notes.rss.xml')}`))?.status).toBe('ok');
  });
  afterAll(async () => {
    await demo.close();
    await app.dispose();
  });

  it('stores the original as kept and the repost as its duplicate', async () => {
    const copies = await app.services.content.stores.items.findByCanonicalUrl(app.demoCommunityId!, SPEC);
    const original = copies.find((c) => c.language === 'en')!;
    const repost = copies.find((c) => c.language === 'zh')!;
    expect(original).toMatchObject({
      dropReason: null,
      title: 'How to write a one-page product spec your engineers will actually read',
    });
    expect(repost).toMatchObject({ dropReason: 'DUPLICATE_URL', duplicateOfId: original.id });
  });

  it('the digest picks the original and says where else it ran, in both languages', async () => {
    const preview = await app.console.run('@mod /digest schedule add "0 8 * * *" Asia/Shanghai max-items:10');
    expect(preview?.status).toBe('ok');
    const shown = await app.console.run('@mod /digest preview');
    const spec = shown?.reply?.items?.find((i) => i.url?.startsWith(SPEC));
    expect(spec?.title).toMatch(/How to write a one-page product spec/);
    expect(spec?.meta).toContain('also in AI 与投资周刊');
    expect(shown?.reply?.items?.some((i) => i.title.includes('一页纸产品需求文档怎么写'))).toBe(false);
    const zh = await app.console.run('@chen /digest');
    expect(zh?.reply?.items?.find((i) => i.url?.startsWith(SPEC))?.meta).toContain('亦见于 AI 与投资周刊');
  });

  it('/digest why explains both copies', async () => {
    const why = await app.console.run(`@alice /digest why ${SPEC}`);
    expect(why?.output).toContain('The original: copies also ran in AI 与投资周刊, and were set aside.');
    expect(why?.output).toContain(
      'It duplicates: How to write a one-page product spec your engineers will actually read',
    );
    const zh = await app.console.run(`@chen /digest why ${SPEC}`);
    expect(zh?.output).toContain('这是原文：AI 与投资周刊 中也有转载或译本，已作为重复项略过。');
  });
});

describe('dedup keeps the original within one fetch, and never displaces a copy already posted', () => {
  it('prefers the original in one batch and leaves a posted repost in place', async () => {
    const h = await createContentHarness({ model: tinyModel });
    try {
      const make = (url: string) =>
        h.stores.sources.create({
          communityId: h.community.id,
          kind: 'feed',
          url,
          title: url,
          topics: [],
          intervalMs: 1_800_000,
          noticeChannelId: null,
          createdById: null,
          nextFetchAt: new Date(h.clock.now().getTime() + 86_400_000),
        });
      const aggregator = await make('https://aggregator.example/feed');
      const publisher = await make('https://notes.example/feed');
      const deps = {
        items: h.stores.items,
        scorer: createContentScorer({ model: tinyModel, combiner: null }),
        clock: h.clock,
        sources: h.stores.sources,
        delivered: (ids: readonly string[]) => h.stores.runs.deliveredAnywhere(h.community.id, ids),
      };
      const now = h.clock.now();
      const raw = (guid: string, url: string, title: string, body: string, hoursAgo: number) =>
        prepareItem(
          { guid, url, title, body, publishedAt: new Date(now.getTime() - hoursAgo * 3_600_000), categories: [] },
          url,
          now,
        );
      // One batch: the repost is newer-looking and first, the original comes after it.
      await ingestItems(deps, aggregator, [
        raw(
          'r1',
          'https://notes.example/a',
          'Retention curves, explained',
          'Reposted from Notes: retention curves in cohorts.',
          1,
        ),
        raw(
          'o1',
          'https://notes.example/a?utm_source=x',
          'Retention curves, explained',
          'Retention curves in cohorts, with examples.',
          2,
        ),
      ]);
      const [first, second] = await h.stores.items.findByCanonicalUrl(h.community.id, 'https://notes.example/a');
      const kept = [first, second].find((i) => i?.dropReason === null);
      const dropped = [first, second].find((i) => i?.dropReason !== null);
      expect(kept?.guid).toBe('o1');
      expect(dropped).toMatchObject({ guid: 'r1', dropReason: 'DUPLICATE_URL', duplicateOfId: kept!.id });

      // A repost already posted in a channel stays: the late original is the duplicate then.
      await ingestItems(deps, aggregator, [
        raw('r2', 'https://notes.example/b', 'Pricing tiers', '转载：定价分层的三个原则。', 1),
      ]);
      const [posted] = await h.stores.items.findByCanonicalUrl(h.community.id, 'https://notes.example/b');
      await h.stores.runs.recordDeliveries([
        { communityId: h.community.id, channelId: 'news', itemId: posted!.id, runId: null, deliveredAt: now },
      ]);
      await ingestItems(deps, publisher, [
        raw('o2', 'https://notes.example/b', 'Pricing tiers', 'Three principles of pricing tiers.', 3),
      ]);
      const copies = await h.stores.items.findByCanonicalUrl(h.community.id, 'https://notes.example/b');
      expect(copies.find((c) => c.guid === 'r2')?.dropReason).toBeNull();
      expect(copies.find((c) => c.guid === 'o2')).toMatchObject({
        dropReason: 'DUPLICATE_URL',
        duplicateOfId: posted!.id,
      });
    } finally {
      await h.dispose();
    }
  });
});
