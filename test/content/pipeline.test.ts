import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoFeedServer, startDemoFeedServer } from '../../adapters/feeds/demo-server.ts';
import { catalog } from '../../bots/features.ts';
import { Translator } from '../../core/i18n/translate.ts';
import { type ContentHarness, createContentHarness } from './support/harness.ts';
import { type HostileServer, startHostileServer } from './support/hostile-server.ts';

const t = new Translator(catalog).forLocale('en');
const tZh = new Translator(catalog).forLocale('zh-CN');

describe('content pipeline on the demo feeds (SQLite)', () => {
  let h: ContentHarness;
  let demo: DemoFeedServer;

  beforeAll(async () => {
    h = await createContentHarness();
    demo = await startDemoFeedServer({ clock: h.clock });
  });
  afterAll(async () => {
    await h.dispose();
    await demo.close();
  });

  const feed = (name: string) => demo.feeds.find((f) => f.name === name)!.url;

  it('adds RSS, Atom and JSON feeds, cleaning and de-duplicating what they yield', async () => {
    const added = [];
    for (const name of ['product-notes.rss.xml', 'ai-investing.atom.xml', 'writing-design.feed.json']) {
      const result = await h.service.sources.add({
        community: h.community,
        url: feed(name),
        topics: [],
        noticeChannelId: 'mods',
        createdById: null,
      });
      expect(result.ok).toBe(true);
      added.push(result);
    }
    expect(added.map((a) => (a.ok ? a.probe.document.format : null))).toEqual(['rss', 'atom', 'json']);
    expect(added.map((a) => (a.ok ? a.source.title : null))).toEqual([
      'Product & Data Notes',
      'AI 与投资周刊',
      'Writing & Design Studio',
    ]);

    const kept = await h.stores.items.listCandidates({ communityId: h.community.id, since: new Date(0), limit: 100 });
    expect(kept).toHaveLength(12);
    const byGuid = new Map(kept.map((i) => [i.guid, i]));
    const spec = byGuid.get('product-notes-101')!;
    // Tracking parameters gone from the key and from the link members click.
    expect(spec.canonicalUrl).toBe('https://demo.cohort.example/product/one-page-spec');
    expect(spec.url).toBe('https://demo.cohort.example/product/one-page-spec');
    expect(spec.text).not.toContain('<p>');
    expect(byGuid.get('urn:demo:ai-investing:201')).toMatchObject({
      language: 'zh',
      canonicalUrl: 'https://demo.cohort.example/zh/llm-product-forms',
    });
    expect(byGuid.get('studio-303')?.language).toBe('zh');
    expect(byGuid.get('studio-301')?.language).toBe('en');

    // The Chinese repost of the spec article links to the same page: stored, dropped, pointing at the original.
    const [repost] = (await h.stores.items.findByCanonicalUrl(h.community.id, spec.canonicalUrl!)).filter(
      (i) => i.id !== spec.id,
    );
    expect(repost).toMatchObject({ dropReason: 'DUPLICATE_URL', duplicateOfId: spec.id, language: 'zh' });
  });

  it('asks again with the ETag and gets nothing new', async () => {
    h.clock.advance(31 * 60_000);
    const outcomes = await h.service.poller.pollDue();
    expect([...outcomes.values()].filter((o) => o.status === 'not_modified')).toHaveLength(3);
  });

  it('refuses to add a feed it cannot read, with the reason for the moderator', async () => {
    const result = await h.service.sources.add({
      community: h.community,
      url: `${demo.url}/missing.xml`,
      topics: [],
      noticeChannelId: null,
      createdById: null,
    });
    expect(result).toMatchObject({ ok: false, code: 'FEED_HTTP_STATUS', params: { status: 404 } });
    expect(t(`content:feedError.${result.ok ? '' : result.code}`, result.ok ? {} : result.params)).toBe(
      'the server answered with HTTP status 404.',
    );
    expect(await h.stores.sources.findByUrl(h.community.id, `${demo.url}/missing.xml`)).toBeNull();
  });
});

describe('hostile feeds are refused or contained (SQLite)', () => {
  let h: ContentHarness;
  let hostile: HostileServer;

  beforeAll(async () => {
    h = await createContentHarness({
      fetcher: { totalTimeoutMs: 1_500, maxBytes: 2 * 1024 * 1024 },
      options: { ingest: { nearDuplicateThreshold: 0.999 }, sourceIntervalMs: 10 * 60_000 },
    });
    hostile = await startHostileServer(() => h.clock.now());
  });
  afterAll(async () => {
    await h.dispose();
    await hostile.close();
  });

  it.each([
    ['/malformed', 'FEED_MALFORMED', 'the document is not well-formed XML or JSON.'],
    [
      '/laughs',
      'FEED_ENTITIES',
      'the document declares XML entities (a known attack on XML parsers), so it is not read.',
    ],
    ['/huge', 'FEED_TOO_LARGE', 'the response is larger than the 2097152-byte limit.'],
    [
      '/to-metadata',
      'FEED_BLOCKED_ADDRESS',
      '169.254.169.254 points to a private or reserved network address (169.254.169.254), which feeds may not use.',
    ],
    ['/never-ends', 'FEED_TIMEOUT', 'the server took too long to answer (or never finished).'],
    [
      '/laughs-padded',
      'FEED_ENTITIES',
      'the document declares XML entities (a known attack on XML parsers), so it is not read.',
    ],
    [
      '/to-metadata-v4-compatible',
      'FEED_BLOCKED_ADDRESS',
      '[::a9fe:a9fe] points to a private or reserved network address (::a9fe:a9fe), which feeds may not use.',
    ],
    [
      '/to-metadata-nat64',
      'FEED_BLOCKED_ADDRESS',
      '[64:ff9b::a9fe:a9fe] points to a private or reserved network address (64:ff9b::a9fe:a9fe), which feeds may not use.',
    ],
    [
      '/gzip',
      'FEED_COMPRESSED_BODY',
      'the server sent a gzip-compressed body although none was asked for; it is not unpacked, because a small compressed body can expand without limit.',
    ],
    [
      '/gzip-undeclared',
      'FEED_COMPRESSED_BODY',
      'the server sent a gzip-compressed body although none was asked for; it is not unpacked, because a small compressed body can expand without limit.',
    ],
  ])('%s is refused as %s with a clear reason', async (path, code, reason) => {
    const probe = await h.service.sources.test(`${hostile.url}${path}`);
    expect(probe.ok).toBe(false);
    if (probe.ok) return;
    expect(probe.code).toBe(code);
    expect(t(`content:feedError.${probe.code}`, probe.params)).toBe(reason);
  });

  it('an address with credentials is refused for that reason, without echoing them, in both languages', async () => {
    const probe = await h.service.sources.test(hostile.url.replace('http://', 'http://reader:hunter2@') + '/ok');
    expect(probe).toMatchObject({ ok: false, code: 'FEED_CREDENTIALS_IN_URL' });
    if (probe.ok) return;
    const en = t(`content:feedError.${probe.code}`, probe.params);
    expect(en).toContain(hostile.url.slice('http://'.length));
    expect(en).not.toContain('hunter2');
    expect(tZh(`content:feedError.${probe.code}`, probe.params)).toContain('用户名或密码');
  });

  it('a feed that renames every guid on every fetch yields its stories once', async () => {
    const added = await h.service.sources.add({
      community: h.community,
      url: `${hostile.url}/churn`,
      topics: [],
      noticeChannelId: null,
      createdById: null,
    });
    if (!added.ok) throw new Error('churn feed should be readable');
    expect(added.kept).toBe(5);
    for (let i = 0; i < 3; i++) {
      h.clock.advance(11 * 60_000);
      const outcomes = await h.service.poller.pollDue();
      const outcome = outcomes.get(added.source.id);
      expect(outcome).toMatchObject({ status: 'ok', summary: { received: 5, unchanged: 5, kept: 0 } });
    }
    expect(hostile.hits.get('/churn')).toBe(5);
    const kept = await h.stores.items.listCandidates({ communityId: h.community.id, since: new Date(0), limit: 100 });
    expect(kept).toHaveLength(5);
  });

  it('a feed that floods new items is capped per fetch, and the rest are recorded as capped', async () => {
    const added = await h.service.sources.add({
      community: h.community,
      url: `${hostile.url}/flood`,
      topics: [],
      noticeChannelId: null,
      createdById: null,
    });
    if (!added.ok) throw new Error('flood feed should be readable');
    expect(added.kept).toBe(30);
    const all = await h.db.prisma.contentItem.groupBy({
      by: ['dropReason'],
      where: { sourceId: added.source.id },
      _count: true,
    });
    expect(Object.fromEntries(all.map((g) => [g.dropReason ?? 'kept', g._count]))).toEqual({
      kept: 30,
      PER_FETCH_CAP: 70,
    });
  });

  it('backs off exponentially and switches a failing source off, telling the moderators', async () => {
    const source = await h.stores.sources.create({
      communityId: h.community.id,
      kind: 'feed',
      url: `${hostile.url}/flaky`,
      title: 'Flaky',
      topics: [],
      intervalMs: 10 * 60_000,
      noticeChannelId: 'mod-room',
      createdById: null,
      nextFetchAt: h.clock.now(),
    });
    const gaps: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const current = (await h.stores.sources.get(source.id))!;
      h.clock.set(current.nextFetchAt);
      const outcome = await h.service.poller.poll(current);
      expect(outcome).toMatchObject({
        status: attempt < 5 ? 'failed' : 'disabled',
        code: 'FEED_HTTP_STATUS',
        failures: attempt,
      });
      const after = (await h.stores.sources.get(source.id))!;
      gaps.push((after.nextFetchAt.getTime() - h.clock.now().getTime()) / 60_000);
    }
    expect(gaps).toEqual([20, 40, 80, 160, 320]);
    const disabled = (await h.stores.sources.get(source.id))!;
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'FEED_HTTP_STATUS', consecutiveFailures: 5 });
    const notice = h.outbox.posts.at(-1)!;
    expect(notice.target).toEqual({ platform: 'console', spaceId: 'content-test', channelId: 'mod-room' });
    expect(notice.reply.title).toBe('Feed source switched off');
    expect(notice.reply.text).toContain('failed 5 times in a row');
    expect(notice.reply.text).toContain('HTTP status 500');
    h.clock.advance(86_400_000 * 3);
    const due = await h.stores.sources.listDue(h.clock.now(), 50);
    expect(due.map((s) => s.id)).not.toContain(source.id);
  });
});
