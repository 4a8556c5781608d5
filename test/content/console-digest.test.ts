import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoFeedServer, startDemoFeedServer } from '../../adapters/feeds/demo-server.ts';
import type { ContentService } from '../../core/content/service.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * The "done when", in the console sandbox: a moderator adds demo feeds, schedules a digest in
 * Asia/Shanghai time, previews it; the digest posts at its slot (injected clock) with explained items;
 * members vote and ask why.
 */
describe('curated digests in the console sandbox', () => {
  let app: TestApp;
  let demo: DemoFeedServer;
  let content: ContentService;

  beforeAll(async () => {
    app = await createTestApp({ demo: true });
    demo = await startDemoFeedServer({ clock: app.clock });
    content = app.services.content;
  });
  afterAll(async () => {
    await demo.close();
    await app.dispose();
  });

  const feed = (name: string) => demo.feeds.find((f) => f.name === name)!.url;
  let digestUrls: string[] = [];
  /** Positions of the picked feed articles (the ones with a link) in the first scheduled digest. */
  let feedPicks: number[] = [];

  it('a moderator adds the demo feeds; a member may not', async () => {
    const rss = await app.console.run(`@mod /source add ${feed('product-notes.rss.xml')} product,data`);
    expect(rss?.status).toBe('ok');
    expect(rss?.output).toContain('Product & Data Notes (rss, 5 items now) will be checked every 30 minutes.');
    const atom = await app.console.run(`@mod /source add ${feed('ai-investing.atom.xml')} "ai 投资"`);
    expect(atom?.output).toContain('AI 与投资周刊 (atom, 4 items now)');
    const json = await app.console.run(`@mod /source add ${feed('writing-design.feed.json')} any 2h`);
    expect(json?.output).toContain('will be checked every 120 minutes');
    const denied = await app.console.run(`@alice /source add ${feed('product-notes.rss.xml')}`);
    expect(denied?.status).not.toBe('ok');
    const list = await app.console.run('@mod /source list');
    expect(list?.output).toContain('Product & Data Notes');
    expect(list?.output).toContain("Members' posts");
    expect(list?.output).toContain('product, data');
  });

  it('a moderator schedules a digest at 08:00 Asia/Shanghai and previews it', async () => {
    const added = await app.console.run('@mod /digest schedule add "0 8 * * *" Asia/Shanghai any max-items:4');
    expect(added?.status).toBe('ok');
    // The test clock is 10:00 in Shanghai: the next slot is tomorrow morning.
    expect(added?.output).toContain('0 8 * * * (Asia/Shanghai) in this channel. Next: 2026-11-21 08:00 UTC+8.');
    const listed = await app.console.run('@mod /digest schedule list');
    expect(listed?.output).toContain('max 4');
    const preview = await app.console.run('@mod /digest preview');
    expect(preview?.status).toBe('ok');
    expect(preview?.reply?.title).toBe('Digest preview');
    expect(preview?.reply?.items).toHaveLength(4);
    for (const item of preview?.reply?.items ?? []) expect(item.meta).toMatch(/ · Why: quality \d\.\d\d · \d+[hd] old/);
    // A preview posts nothing.
    expect(app.outbox.posts).toHaveLength(0);
  });

  it('posts at its slot, once, with explained items and vote buttons', async () => {
    app.clock.set('2026-11-20T23:59:00Z');
    expect(await content.digests.runDue()).toHaveLength(0);
    app.clock.set('2026-11-21T00:00:01Z');
    const runs = await content.digests.runDue();
    expect(runs).toHaveLength(1);
    expect(await content.digests.runDue()).toHaveLength(0);
    expect(app.outbox.posts).toHaveLength(1);
    const post = app.outbox.posts[0]!;
    expect(post.target).toEqual({ platform: 'console', spaceId: 'demo', channelId: 'general' });
    expect(post.reply.title).toBe('Digest · 2026-11-21 08:00 UTC+8');
    expect(post.reply.items).toHaveLength(4);
    // Feed articles and the members' own posts (read from the demo's history) compete on the same calibrated score.
    for (const item of post.reply.items!) {
      // A summary whenever it says more than the title (a short member post is its own title).
      expect((item.description ?? item.title).length).toBeGreaterThan(10);
      expect(item.meta).toMatch(/^(Product & Data Notes|AI 与投资周刊|Writing & Design Studio|Members' posts) · Why: /);
      if (!item.meta?.startsWith("Members' posts")) expect(item.url).toMatch(/^https:\/\/demo\.cohort\.example\//);
    }
    expect(post.text).toContain('Why: quality');
    expect(post.reply.buttons?.[0]?.action).toMatch(/^\/digest vote \S+ up$/);
    feedPicks = post.reply.items!.flatMap((item, index) => (item.url ? [index] : []));
    digestUrls = feedPicks.map((index) => post.reply.items![index]!.url!);
    expect(digestUrls.length).toBeGreaterThanOrEqual(2);
    expect(new Set(digestUrls).size).toBe(digestUrls.length);
  });

  it('members vote with the buttons and ask why an item was picked or dropped', async () => {
    const why = await app.console.run(`@alice /digest why ${digestUrls[0]}`);
    expect(why?.output).toContain(`Digest of 2026-11-21 08:00 UTC+8: picked at #${feedPicks[0]! + 1}`);
    // The Chinese repost of the spec article was dropped as a duplicate of the English original.
    const repost = await app.console.run(
      '@alice /digest why https://demo.cohort.example/product/one-page-spec?utm_campaign=zh-repost',
    );
    expect(repost?.output).toContain(
      'Dropped when it arrived: it links to an article already seen from another source.',
    );
    expect(repost?.output).toContain('It duplicates: How to write a one-page product spec');
    const unseen = await app.console.run('@alice /digest why https://nowhere.example/x');
    expect(unseen?.output).toContain('Never seen');

    const voteLine = app.outbox.posts[0]!.reply.buttons![0]!.action!;
    const voted = await app.console.run(`@alice ${voteLine}`);
    expect(voted?.output).toContain('your vote counts');
    const votes = await app.services.events.query({ communityId: app.demoCommunityId!, verbs: ['digest.voted'] });
    expect(votes).toHaveLength(1);
    expect(votes[0]).toMatchObject({ objectType: 'digest_item', metadata: { value: 1 } });
  });

  it('clicks are recorded, and a moderator can remove an item for good', async () => {
    const button = app.outbox.posts[0]!.reply.buttons![2 * feedPicks[1]!]!;
    const itemId = /^\/digest vote (\S+) up$/.exec(button.action!)![1]!;
    const opened = await app.console.run(`@alice /digest open ${itemId}`);
    expect(opened?.output).toContain(`Open: ${digestUrls[1]}`);
    const clicks = await app.services.events.query({ communityId: app.demoCommunityId!, verbs: ['digest.clicked'] });
    expect(clicks.map((e) => e.objectId)).toEqual([itemId]);
    expect((await app.console.run(`@alice /digest remove ${itemId}`))?.status).not.toBe('ok');
    expect((await app.console.run(`@mod /digest remove ${itemId}`))?.output).toContain('Removed');
    const why = await app.console.run(`@mod /digest why ${digestUrls[1]}`);
    expect(why?.output).toContain('A moderator removed it: it will not be picked again.');
  });

  it('the next day posts new items only, never the ones already posted in the channel', async () => {
    app.clock.set('2026-11-22T00:00:30Z');
    const [run] = await content.digests.runDue();
    expect(run?.status).toBe('posted');
    const next = app.outbox.posts.at(-1)!.reply.items!.map((i) => i.url);
    expect(next.length).toBeGreaterThan(0);
    expect(next.filter((url) => digestUrls.includes(url!))).toEqual([]);
  });

  it('speaks Chinese to Chinese members', async () => {
    const zh = await app.console.run('@chen /digest');
    expect(zh?.reply?.title).toBe('精选');
    expect(zh?.output).toContain('入选理由：质量');
  });
});
