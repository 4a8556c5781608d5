import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleMessenger } from '../../adapters/console/messenger.ts';
import { type Database, openDatabase, parseDatabaseUrl } from '../../adapters/storage/index.ts';
import { createContentScorer } from '../../core/content/scoring/scorer.ts';
import type { ContentSource, NewContentItem } from '../../core/content/types.ts';
import { PlatformError } from '../../core/errors.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import type { Messenger } from '../../core/ports/messenger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type ContentHarness, createContentHarness } from './support/harness.ts';
import { tinyModel } from './support/tiny-model.ts';

// 08:00 in Shanghai is 00:00 UTC.
const DAY = 86_400_000;
const SLOT = Date.parse('2026-11-20T00:00:00Z');
const CRON = '0 8 * * *';
const TZ = 'Asia/Shanghai';

const TITLES = [
  'How to interview users without leading them',
  'A practical guide to cohort retention curves',
  'Pricing a course: anchors, tiers and refunds',
  'Writing release notes people read',
  'When to stop an experiment early',
  'Designing onboarding for paid communities',
  'Vector search for course catalogues',
  'Portfolio rebalancing for beginners',
  'Narrative memos instead of slide decks',
  'Dashboards that lead to decisions',
  'Interviewing creators about their audience',
  'Turning course feedback into a roadmap',
];

async function seedItems(h: ContentHarness, source: ContentSource, publishedAt: Date): Promise<void> {
  const scorer = createContentScorer({ model: tinyModel, combiner: null });
  const texts = TITLES.map(
    (title) => `${title}. A detailed article with examples, checklists and a worked case study.`,
  );
  const scores = await scorer.score(texts.map((html, i) => ({ kind: 'article', title: TITLES[i], html })));
  const items: NewContentItem[] = TITLES.map((title, i) => ({
    communityId: source.communityId,
    sourceId: source.id,
    guid: `seed-${i}`,
    url: `https://example.com/articles/${i}`,
    canonicalUrl: `https://example.com/articles/${i}`,
    title,
    text: texts[i]!,
    language: 'en',
    contentHash: `hash-${i}`,
    publishedAt: new Date(publishedAt.getTime() - i * 60_000),
    fetchedAt: publishedAt,
    quality: scores[i]!.quality,
    sentiment: 0,
    topics: [],
    embedding: scores[i]!.embedding,
    dropReason: null,
    duplicateOfId: null,
    reactions: 0,
  }));
  await h.stores.items.insertMany(items);
}

describe('scheduled digests with two bot processes on one PostgreSQL', () => {
  let pg: TestDatabase;
  let secondConnection: Database;
  let a: ContentHarness;
  let b: ContentHarness;

  beforeAll(async () => {
    pg = await createTestDatabase('postgresql');
    secondConnection = await openDatabase(parseDatabaseUrl(pg.url)!, { log: silentLogger, migrate: false });
    a = await createContentHarness({ database: pg, now: '2026-11-19T12:00:00Z' });
    b = await createContentHarness({ database: secondConnection, now: '2026-11-19T12:00:00Z' });
    const source = await a.stores.sources.create({
      communityId: a.community.id,
      kind: 'feed',
      url: 'https://example.com/feed.xml',
      title: 'Example',
      topics: [],
      intervalMs: 1_800_000,
      noticeChannelId: null,
      createdById: null,
      nextFetchAt: new Date(SLOT + 365 * DAY),
    });
    await seedItems(a, source, new Date(SLOT - 3_600_000));
    await a.service.digests.addSchedule({
      community: a.community,
      channelId: 'digest-room',
      cron: CRON,
      timezone: TZ,
      filter: { topics: [], minScore: 0, maxItems: 3, language: 'any' },
      requiresApproval: false,
      createdById: null,
    });
  });

  afterAll(async () => {
    await a.dispose();
    await b.dispose();
    await secondConnection.close();
    await pg.drop();
  });

  const posts = () => [...a.outbox.posts, ...b.outbox.posts];
  const setBoth = (at: number) => {
    a.clock.set(at);
    b.clock.set(at);
  };

  it('posts nothing before the first slot', async () => {
    setBoth(SLOT - 60_000);
    const runs = await Promise.all([a.service.digests.runDue(), b.service.digests.runDue()]);
    expect(runs.flat()).toHaveLength(0);
    expect(posts()).toHaveLength(0);
  });

  it('posts the slot exactly once when both processes fire together', async () => {
    setBoth(SLOT + 1_000);
    const runs = (await Promise.all([a.service.digests.runDue(), b.service.digests.runDue()])).flat();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'posted', slotAt: new Date(SLOT) });
    expect(posts()).toHaveLength(1);
    const [post] = posts();
    expect(post!.target).toEqual({ platform: 'console', spaceId: 'content-test', channelId: 'digest-room' });
    expect(post!.reply.title).toBe('Digest · 2026-11-20 08:00 UTC+8');
    expect(post!.reply.items).toHaveLength(3);
    expect(post!.reply.items![0]!.meta).toMatch(/^Example · Why: quality \d\.\d\d · \dh old$/);
  });

  it('does not post the same slot again after a restart', async () => {
    const restarted = await createContentHarness({ database: secondConnection, now: '2026-11-20T00:05:00Z' });
    try {
      expect(await restarted.service.digests.runDue()).toHaveLength(0);
      expect(restarted.outbox.posts).toHaveLength(0);
    } finally {
      await restarted.dispose();
    }
  });

  it('catches up three missed slots with one post, never repeating an item in the channel', async () => {
    setBoth(SLOT + 3 * DAY + 3_600_000);
    const runs = (await Promise.all([b.service.digests.runDue(), a.service.digests.runDue()])).flat();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.slotAt).toEqual(new Date(SLOT + 3 * DAY));
    expect(posts()).toHaveLength(2);
    const [first, second] = posts().map((p) => p.reply.items!.map((i) => i.url));
    expect(second).toHaveLength(3);
    expect(second!.filter((url) => first!.includes(url))).toEqual([]);
    const decisions = runs[0]!.decisions;
    expect(decisions.filter((d) => d.reason === 'ALREADY_POSTED')).toHaveLength(3);
    expect(decisions.filter((d) => d.rank !== null)).toHaveLength(3);
  });
});

describe('a slot whose post failed (SQLite)', () => {
  it('is retried once the platform is connected, and posted once', async () => {
    const outbox = new ConsoleMessenger();
    let connected = false;
    // No platform connected yet (start-up): every post fails until it is.
    const messenger: Messenger = {
      post: (target, reply, options) =>
        connected
          ? outbox.post(target, reply, options)
          : Promise.reject(new PlatformError('NO_MESSENGER', 'no platform connected', { platform: 'console' })),
      findPost: (target, nonce, since) => outbox.findPost(target, nonce, since),
    };
    const h = await createContentHarness({ now: '2026-11-19T12:00:00Z', messenger });
    try {
      const source = await h.stores.sources.create({
        communityId: h.community.id,
        kind: 'feed',
        url: 'https://example.com/feed.xml',
        title: 'Example',
        topics: [],
        intervalMs: 1_800_000,
        noticeChannelId: null,
        createdById: null,
        nextFetchAt: new Date(SLOT + 365 * DAY),
      });
      await seedItems(h, source, new Date(SLOT - 3_600_000));
      await h.service.digests.addSchedule({
        community: h.community,
        channelId: 'news',
        cron: CRON,
        timezone: TZ,
        filter: { topics: [], minScore: 0, maxItems: 2, language: 'any' },
        requiresApproval: false,
        createdById: null,
      });
      h.clock.set(SLOT + 1_000);
      const [failed] = await h.service.digests.runDue();
      expect(failed).toMatchObject({ status: 'failed', error: 'NO_MESSENGER' });
      connected = true;
      h.clock.set(SLOT + 60_000);
      const [posted] = await Promise.all([h.service.digests.runDue(), h.service.digests.runDue()]).then((r) =>
        r.flat(),
      );
      expect(posted).toMatchObject({ id: failed!.id, status: 'posted' });
      expect(outbox.posts).toHaveLength(1);
      expect(await h.service.digests.runDue()).toHaveLength(0);
      // Past the retry window a failed slot stays failed.
      h.clock.set(SLOT + DAY + 1_000);
      connected = false;
      expect((await h.service.digests.runDue())[0]?.status).toBe('failed');
      connected = true;
      h.clock.set(SLOT + DAY + 7 * 3_600_000);
      expect(await h.service.digests.runDue()).toHaveLength(0);
      expect(outbox.posts).toHaveLength(1);
    } finally {
      await h.dispose();
    }
  });
});

describe('digest approval and cron timers (SQLite)', () => {
  let h: ContentHarness;
  beforeAll(async () => {
    h = await createContentHarness({ now: '2026-11-19T12:00:00Z' });
    const source = await h.stores.sources.create({
      communityId: h.community.id,
      kind: 'feed',
      url: 'https://example.com/feed.xml',
      title: 'Example',
      topics: [],
      intervalMs: 1_800_000,
      noticeChannelId: null,
      createdById: null,
      nextFetchAt: new Date(SLOT + 365 * DAY),
    });
    await seedItems(h, source, new Date(SLOT - 3_600_000));
  });
  afterAll(() => h.dispose());

  it('holds a run for approval, posts it once when approved', async () => {
    const schedule = await h.service.digests.addSchedule({
      community: h.community,
      channelId: 'news',
      cron: CRON,
      timezone: TZ,
      filter: { topics: [], minScore: 0, maxItems: 2, language: 'any' },
      requiresApproval: true,
      createdById: null,
    });
    h.clock.set(SLOT + 1_000);
    const [run] = await h.service.digests.runDue();
    expect(run).toMatchObject({ status: 'awaiting_approval', scheduleId: schedule.id });
    const request = h.outbox.posts.at(-1)!;
    expect(request.reply.title).toBe('Digest awaiting approval (2026-11-20 08:00 UTC+8)');
    expect(request.reply.buttons?.map((b) => b.action)).toEqual([
      `/digest approve ${run!.id}`,
      `/digest reject ${run!.id}`,
    ]);
    expect(await h.stores.runs.deliveredIn(h.community.id, 'news', run!.itemIds)).toEqual(new Set());

    const approved = await h.service.digests.approve(h.community, run!.id);
    expect(approved.status).toBe('posted');
    expect(h.outbox.posts.at(-1)!.reply.title).toBe('Digest · 2026-11-20 08:00 UTC+8');
    expect(await h.stores.runs.deliveredIn(h.community.id, 'news', run!.itemIds)).toEqual(new Set(run!.itemIds));
    await expect(h.service.digests.approve(h.community, run!.id)).rejects.toMatchObject({
      code: 'DIGEST_RUN_NOT_AWAITING',
    });
    await h.service.digests.removeSchedule(h.community.id, schedule.id);
  });

  it('refuses cron expressions and zones it cannot honour', async () => {
    const add = (cron: string, timezone: string) =>
      h.service.digests.addSchedule({
        community: h.community,
        channelId: 'news',
        cron,
        timezone,
        filter: { topics: [], minScore: 0, maxItems: 2, language: 'any' },
        requiresApproval: false,
        createdById: null,
      });
    await expect(add('*/5 * * * * *', TZ)).rejects.toMatchObject({ code: 'DIGEST_CRON_INVALID' });
    await expect(add('0 25 * * *', TZ)).rejects.toMatchObject({ code: 'DIGEST_CRON_INVALID' });
    await expect(add(CRON, 'Mars/Olympus')).rejects.toMatchObject({ code: 'DIGEST_TIMEZONE_INVALID' });
  });

  it('keeps one scheduler job per active schedule, on its cron in its own zone', async () => {
    const shanghai = await h.service.digests.addSchedule({
      community: h.community,
      channelId: 'news',
      cron: CRON,
      timezone: TZ,
      filter: { topics: [], minScore: 0, maxItems: 2, language: 'any' },
      requiresApproval: false,
      createdById: null,
    });
    const paused = await h.service.digests.addSchedule({
      community: h.community,
      channelId: 'news',
      cron: '30 9 * * 1',
      timezone: 'Europe/Berlin',
      filter: { topics: [], minScore: 0, maxItems: 2, language: 'any' },
      requiresApproval: false,
      createdById: null,
    });
    await h.service.digests.setPaused(h.community.id, paused.id, true);
    await h.service.cron.start();
    try {
      const timers = h.service.cron.timers();
      expect([...timers.keys()]).toEqual([shanghai.id]);
      const next = timers.get(shanghai.id)!;
      // 08:00 in Shanghai, whatever the machine's own zone.
      expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([0, 0]);
    } finally {
      h.service.cron.stop();
    }
  });
});
