import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoFeedServer, startDemoFeedServer } from '../../adapters/feeds/demo-server.ts';
import type { ContentService } from '../../core/content/service.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { type MutableFeed, startMutableFeed } from './support/mutable-feed.ts';

/**
 * Feeds as a MonitoRSS user sets them up, in the console sandbox: a filter on add that `/digest preview` honours, a
 * filter dry run over the last items, instant delivery to another channel with a template and its preview, failure
 * history; in English and Chinese.
 */
describe('feed filters, delivery and templates in the console sandbox', () => {
  let app: TestApp;
  let demo: DemoFeedServer;
  let feed: MutableFeed;
  let content: ContentService;
  let notesId = '';
  let liveId = '';
  const rss = () => demo.feeds.find((f) => f.name === 'product-notes.rss.xml')!.url;
  const idOf = (output: string | undefined) => /id (\S+)/.exec(output ?? '')?.[1] ?? '';

  beforeAll(async () => {
    app = await createTestApp({ demo: true });
    demo = await startDemoFeedServer({ clock: app.clock });
    feed = await startMutableFeed('Live Wire');
    content = app.services.content;
  });
  afterAll(async () => {
    await feed.close();
    await demo.close();
    await app.dispose();
  });

  it('a filter given on add keeps only matching items in /digest preview', async () => {
    const added = await app.console.run(`@mod /source add ${rss()} filter:"category:data"`);
    expect(added?.status).toBe('ok');
    expect(added?.output).toContain('Filter: category:data keeps 2 of its 5 items so far.');
    notesId = idOf(added?.output);
    // A schedule that fits them all, so the preview shows every item the source's filter keeps.
    await app.console.run('@mod /digest schedule add "0 8 * * *" Asia/Shanghai max-items:10');
    const preview = await app.console.run('@mod /digest preview');
    const fromNotes = (preview?.reply?.items ?? []).filter((i) => i.meta?.startsWith('Product & Data Notes'));
    expect(fromNotes.map((i) => i.title.replace(/^\d+\. /, '')).sort()).toEqual([
      'A/B tests that lie: five mistakes in experiment analysis',
      'Feature stores explained for product managers',
    ]);
    const list = await app.console.run('@mod /source list');
    expect(list?.output).toContain('filter: category:data');
    // The syntax is documented where a moderator looks for it.
    const help = await app.console.run('@mod /help source');
    expect(help?.output).toContain('/source add <url> [topics] [interval] [filter:…]');
    expect(help?.output).toContain('/source filter set <id> <expression…>');
    expect(help?.output).toContain('/source delivery <id> <digest|instant|both> [channel] [thread]');
    const zh = await app.console.run('@chen /help source filter');
    expect(zh?.output).toContain('显示过滤器会从该源最近 50 条中保留哪些（不做任何更改）');
  });

  it('a dry run shows what another filter would keep of the last items, and changes nothing', async () => {
    const test = await app.console.run(`@mod /source filter test ${notesId} title:spec OR author:"Sam Okafor"`);
    expect(test?.output).toContain(
      'title:spec OR author:"Sam Okafor" keeps 2 of the latest 5 items. Nothing was changed.',
    );
    expect(test?.output).toContain('Kept (2)');
    expect(test?.output).toContain('• How to write a one-page product spec your engineers will actually read');
    expect(test?.output).toContain('• A/B tests that lie: five mistakes in experiment analysis');
    expect(test?.output).toContain('Filtered out (3)');
    expect((await content.sources.own(app.demoCommunityId!, notesId)).filter).toBe('category:data');

    const set = await app.console.run(`@mod /source filter set ${notesId} /rice/i OR category:data`);
    expect(set?.output).toContain('Of its latest 5 items, 3 are kept.');
    const preview = await app.console.run('@mod /digest preview');
    expect(preview?.reply?.items?.filter((i) => i.meta?.startsWith('Product & Data Notes'))).toHaveLength(3);
    const why = await app.console.run(
      '@alice /digest why https://demo.cohort.example/product/one-page-spec?utm_source=rss',
    );
    expect(why?.status).toBe('ok');

    const denied = await app.console.run(`@alice /source filter set ${notesId} ai`);
    expect(denied?.status).not.toBe('ok');
    const bad = await app.console.run(`@mod /source filter set ${notesId} colour:red`);
    expect(bad?.output).toContain('"colour" is not a field. Fields: title, body, author, category, link, any.');
    const cleared = await app.console.run(`@mod /source filter clear ${notesId}`);
    expect(cleared?.output).toContain('every item is kept');
    const all = (await app.console.run('@mod /digest preview'))?.reply?.items ?? [];
    expect(all.filter((i) => i.meta?.startsWith('Product & Data Notes')).length).toBeGreaterThan(3);
  });

  it('speaks Chinese to a Chinese moderator, errors included', async () => {
    await app.console.run('@mod /language zh-CN');
    try {
      const test = await app.console.run(`@mod /source filter test ${notesId} 分类:data 或 标题:RICE`);
      expect(test?.output).toContain('分类:data 或 标题:RICE 会在最近 5 条中保留 3 条。未做任何更改。');
      expect(test?.output).toContain('保留（3）');
      const bad = await app.console.run(`@mod /source filter set ${notesId} (ai OR data`);
      expect(bad?.output).toContain('第 1 个字符处的括号没有闭合。');
      const badRegex = await app.console.run(`@mod /source filter set ${notesId} /(?=x)/`);
      expect(badRegex?.output).toContain('不支持环视和反向引用');
    } finally {
      await app.console.run('@mod /language en');
    }
  });

  it('instant delivery posts each new item once in its own channel with the template, rate-limited', async () => {
    const now = app.clock.now().getTime();
    feed.items = [
      {
        guid: 'old-1',
        title: 'Backlog item',
        link: 'https://live.example/old-1',
        body: 'Was there before.',
        publishedAt: new Date(now - 3_600_000),
      },
    ];
    const added = await app.console.run(`@mod /source add ${feed.url}`);
    liveId = idOf(added?.output);
    const set = await app.console.run(`@mod /source delivery ${liveId} both #live-room`);
    expect(set?.output).toContain(
      'Live Wire: each new item is posted as it arrives in channel live-room, and digests pick from it too.',
    );
    const template = await app.console.run(
      `@mod /source template set ${liveId} 📰 {{title}} — {{author}}\\n{{summary}}\\n{{date}} · {{source}}`,
    );
    expect(template?.output).toContain('Template set on Live Wire: a new item will look like this');
    expect(template?.output).toContain('📰 Backlog item —');
    const badTemplate = await app.console.run(`@mod /source template set ${liveId} {{titel}}`);
    expect(badTemplate?.output).toContain('{{titel}} is not a placeholder. Known: {{title}} {{link}}');

    // Switching instant on does not post the backlog; seven new items arrive, five go out now, two a minute later.
    app.clock.advance(31 * 60_000);
    feed.items = [
      ...feed.items,
      ...Array.from({ length: 7 }, (_, i) => ({
        guid: `new-${i}`,
        title: `Breaking ${i}`,
        link: `https://live.example/new-${i}`,
        body: [
          'Story number 0 in detail: the central bank held rates and markets rallied.',
          'A volcano erupted in Iceland overnight; flights across Europe are delayed.',
          'The football final went to penalties after a goalless two hours.',
          'Researchers grew a working liver organoid from skin cells.',
          'A new budget airline starts flights between Lisbon and Seoul.',
          'The city council voted to pedestrianise the old harbour district.',
          'A chess prodigy, aged nine, beat three grandmasters in one day.',
        ][i] as string,
        author: 'Wire Desk',
        categories: ['news'],
        publishedAt: new Date(app.clock.now().getTime() - (7 - i) * 60_000),
      })),
    ];
    await content.pollOnce();
    const live = () => app.outbox.posts.filter((p) => p.target.channelId === 'live-room');
    expect(live().map((p) => p.text.split('\n')[0])).toEqual(
      [0, 1, 2, 3, 4].map((i) => `📰 Breaking ${i} — Wire Desk`),
    );
    expect(live()[0]!.text).toContain('Story number 0 in detail: the central bank held rates and markets rallied.');
    // The date is in the community's zone (Asia/Shanghai in the demo), labelled with its offset.
    expect(live()[0]!.text).toMatch(/Nov 20, 2026, \d{1,2}:\d\d [AP]M UTC\+8 · Live Wire/);
    app.clock.advance(61_000);
    await content.instant.deliverDue();
    expect(live()).toHaveLength(7);
    await content.instant.deliverDue();
    expect(live()).toHaveLength(7);
    // Delivered instantly in live-room; the digest in another channel may still pick it.
    const why = await app.console.run('@alice /digest why https://live.example/new-0');
    expect(why?.output).toContain('Posted in channel live-room');
  });

  it('template preview in Chinese shows the date in the community zone and Chinese locale', async () => {
    expect((await app.console.run('@admin /community language zh-CN'))?.status).toBe('ok');
    try {
      const preview = await app.console.run(`@mod /source template preview ${liveId} {{date}}｜{{title}}`);
      expect(preview?.output).toContain('即时发布预览 · Live Wire');
      expect(preview?.output).toMatch(/2026年11月20日 \d\d:\d\d UTC\+8｜Breaking 6/);
      const bad = await app.console.run(`@mod /source template set ${liveId} {{标题}}`);
      expect(bad?.output).toContain('{{标题}} 不是可用的占位符。');
    } finally {
      await app.console.run('@admin /community language auto');
    }
  });

  it('keeps a failure history per source, and honours Cache-Control when polling', async () => {
    feed.status = 503;
    feed.headers = { 'retry-after': '600' };
    app.clock.advance(31 * 60_000);
    await content.poller.poll(await content.sources.own(app.demoCommunityId!, liveId));
    feed.status = 500;
    feed.headers = {};
    await content.poller.poll(await content.sources.own(app.demoCommunityId!, liveId));
    const failures = await app.console.run(`@mod /source failures ${liveId}`);
    expect(failures?.output).toContain('Live Wire: the last 2 failures');
    expect(failures?.output).toContain('the server answered with HTTP status 500.');
    expect(failures?.output).toContain('the server answered with HTTP status 503.');
    expect(failures?.output).toContain('Still checked: 2 failure(s) in a row now');
    const zh = await app.console.run(`@chen /source failures ${liveId}`);
    expect(zh?.status).not.toBe('ok');

    feed.status = 200;
    feed.headers = { 'cache-control': 'public, max-age=7200' };
    const at = app.clock.now().getTime();
    await content.poller.poll(await content.sources.own(app.demoCommunityId!, liveId));
    const source = await content.sources.own(app.demoCommunityId!, liveId);
    expect(source.nextFetchAt.getTime() - at).toBe(7_200_000);
    expect(source.consecutiveFailures).toBe(0);
    expect(source.failures).toHaveLength(2);
  });

  it('pauses a feed so it is not checked, and resumes a paused or switched-off one, in both languages', async () => {
    const paused = await app.console.run(`@mod /source pause ${liveId}`);
    expect(paused?.output).toContain(`Source ${liveId} paused`);
    expect((await app.console.run('@mod /source list'))?.output).toContain('paused (/source resume checks it again)');
    app.clock.advance(3 * 3_600_000);
    const due = await app.services.content.sources.list(app.demoCommunityId!);
    expect(due.find((s) => s.id === liveId)?.enabled).toBe(false);
    const requests = feed.hits;
    await content.poller.pollDue();
    expect(feed.hits).toBe(requests); // not fetched while paused
    expect((await app.console.run('@alice /source pause ' + liveId))?.status).toBe('PERMISSION_DENIED');

    const resumed = await app.console.run(`@mod /source resume ${liveId}`);
    expect(resumed?.output).toContain(`Source ${liveId} resumed: it is checked now, then every 30 minutes.`);
    await content.poller.pollDue();
    expect(feed.hits).toBe(requests + 1);
    expect((await app.console.run(`@mod /source resume ${liveId}`))?.output).toContain('is already being checked');

    // Switched off after failing in a row: resume starts its count over and keeps the history.
    feed.status = 500;
    for (let i = 0; i < 10; i++) {
      app.clock.advance(6 * 3_600_000);
      await content.poller.poll(await content.sources.own(app.demoCommunityId!, liveId));
    }
    const off = await content.sources.own(app.demoCommunityId!, liveId);
    expect(off.enabled).toBe(false);
    feed.status = 200;
    await app.console.run('@mod /language zh-CN');
    try {
      const zh = await app.console.run(`@mod /source resume ${liveId}`);
      expect(zh?.status).toBe('ok');
      expect(zh?.output).toContain(`内容源 ${liveId} 已恢复：现在检查一次，之后每 30 分钟检查一次。`);
    } finally {
      await app.console.run('@mod /language en');
    }
    const back = await content.sources.own(app.demoCommunityId!, liveId);
    expect(back).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledReason: null });
    expect(back.failures.length).toBeGreaterThan(2);

    const builtin = (await app.services.content.sources.list(app.demoCommunityId!)).find((s) => s.kind !== 'feed')!;
    expect((await app.console.run(`@mod /source pause ${builtin.id}`))?.output).toContain('is built in');
  });
});
