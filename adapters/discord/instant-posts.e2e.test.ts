import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Community } from '../../core/domain/types.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { type MutableFeed, startMutableFeed, type TestFeedItem } from '../../test/content/support/mutable-feed.ts';
import {
  FAKE_APP_ID,
  FAKE_CHANNEL_ID,
  FAKE_GUILD_ID,
  type FakeDiscord,
  startFakeDiscord,
} from '../../test/fakes/discord.ts';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { type DiscordAdapter, startDiscord } from './adapter.ts';

/**
 * Instant feed posts through the real discord.js REST client against the fake Discord: the template as the embed,
 * a post in an existing thread, a new forum post per item, each item once.
 */
const THREAD_ID = '777000000000000001';
const FORUM_ID = '777000000000000002';

type Embed = { title?: string; description?: string; footer?: { text?: string } };
const embedsOf = (message: Record<string, unknown>) => (message.embeds as Embed[] | undefined) ?? [];
const visible = (text: string | undefined) => (text ?? '').replace(/[\u200b-\u200f\u2060-\u2064\ufeff]/g, '');

describe('instant feed posts on Discord', () => {
  let app: TestApp;
  let fake: FakeDiscord;
  let adapter: DiscordAdapter;
  let feed: MutableFeed;
  let community: Community;
  let sourceId = '';
  let n = 0;

  const story = (title: string, body: string): TestFeedItem => ({
    guid: `story-${++n}`,
    title,
    link: `https://wire.example/${n}`,
    body,
    author: 'Wire Desk',
    publishedAt: new Date(app.clock.now().getTime() - 60_000),
  });
  /** New items arrive, the next poll fetches them and posts them instantly. */
  async function arrive(...items: TestFeedItem[]): Promise<void> {
    feed.items = [...feed.items, ...items];
    app.clock.advance(31 * 60_000);
    await app.services.content.pollOnce();
  }

  beforeAll(async () => {
    app = await createTestApp();
    fake = await startFakeDiscord();
    feed = await startMutableFeed('Wire');
    adapter = await startDiscord(
      app.core,
      {
        token: fake.token,
        applicationId: FAKE_APP_ID,
        apiUrl: fake.apiUrl,
        interactionsPort: 0,
        interactionsHost: '127.0.0.1',
        rest: { retries: 0, timeout: 2_000 },
        waitGuildTimeout: 1_000,
        rateLimit: { maxWaitMs: 2_000 },
        clock: app.clock,
      },
      silentLogger,
    );
    app.messenger.register('discord', adapter.messenger);
    community = await app.services.communities.ensure('discord', FAKE_GUILD_ID, { name: 'Fake guild' });
    community = await app.services.communities.update(community.id, { timezone: 'Asia/Shanghai', locale: 'zh-CN' });
    feed.items = [story('已有的旧闻', '添加之前就在的条目，不应被即时发布。')];
    const added = await app.services.content.sources.add({
      community,
      url: feed.url,
      topics: [],
      noticeChannelId: FAKE_CHANNEL_ID,
      createdById: null,
    });
    if (!added.ok) throw new Error(`feed not added: ${added.code}`);
    sourceId = added.source.id;
    await app.services.content.sources.setDelivery(community.id, sourceId, { delivery: 'instant' });
    await app.services.content.sources.setTemplate(
      community.id,
      sourceId,
      '🔔 {{title}}\n{{summary}}\n{{author}} · {{date}}',
    );
  });

  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
    await feed?.close();
    await app?.dispose();
  });

  it('posts a new item in the channel with the template, dated in the community zone and locale', async () => {
    await arrive(story('央行维持利率不变', '央行周二维持利率不变，并暗示明年可能两次降息。'));
    const messages = fake.channelMessages(FAKE_CHANNEL_ID);
    expect(messages).toHaveLength(1);
    const [embed] = embedsOf(messages[0]!);
    const text = visible(embed?.description);
    expect(text).toContain('🔔 央行维持利率不变');
    expect(text).toContain('央行周二维持利率不变，并暗示明年可能两次降息。');
    expect(text).toMatch(/Wire Desk · 2026年11月20日 \d\d:\d\d UTC\+8/);
    expect(JSON.stringify(messages[0]!.components)).toContain('https://wire.example/2');
    // Nothing else is posted on the next pass: each item once.
    await app.services.content.instant.deliverDue();
    expect(fake.channelMessages(FAKE_CHANNEL_ID)).toHaveLength(1);
  });

  it('posts inside an existing thread when the source names one', async () => {
    await app.services.content.sources.setDelivery(community.id, sourceId, {
      delivery: 'instant',
      threadId: THREAD_ID,
    });
    await arrive(story('火山喷发导致航班延误', '冰岛火山夜间喷发，欧洲多地航班延误。'));
    expect(fake.channelMessages(FAKE_CHANNEL_ID)).toHaveLength(1);
    const inThread = fake.channelMessages(THREAD_ID);
    expect(inThread).toHaveLength(1);
    expect(visible(embedsOf(inThread[0]!)[0]?.description)).toContain('🔔 火山喷发导致航班延误');
  });

  it('opens a forum post per item, named after it, in a forum channel', async () => {
    await app.services.content.sources.setDelivery(community.id, sourceId, {
      delivery: 'instant',
      channelId: FORUM_ID,
      threadId: 'new',
    });
    await arrive(story('决赛点球大战', '决赛在两个小时的零比零之后进入点球大战。'));
    expect(fake.forumThreads).toEqual([{ id: expect.any(String), parentId: FORUM_ID, name: '决赛点球大战' }]);
    const [thread] = fake.forumThreads;
    const opening = fake.channelMessages(thread!.id);
    expect(visible(embedsOf(opening[0]!)[0]?.description)).toContain('🔔 决赛点球大战');
    const call = fake.rest.find((c) => c.method === 'POST' && c.path === `/api/v10/channels/${FORUM_ID}/threads`);
    expect(call).toBeDefined();
  });

  it('edits a superseded digest approval request in place instead of posting a second one', async () => {
    await app.services.content.sources.setDelivery(community.id, sourceId, { delivery: 'digest' });
    const schedule = await app.services.content.digests.addSchedule({
      community,
      channelId: FAKE_CHANNEL_ID,
      cron: '0 * * * *',
      timezone: 'Asia/Shanghai',
      filter: { topics: [], minScore: 0, maxItems: 2, language: 'any' },
      requiresApproval: true,
      createdById: null,
    });
    const hour = 3_600_000;
    const nextHour = Math.ceil(app.clock.now().getTime() / hour) * hour;
    app.clock.set(nextHour + 1_000);
    const [first] = await app.services.content.digests.runDue();
    expect(first?.status).toBe('awaiting_approval');
    const before = fake.channelMessages(FAKE_CHANNEL_ID);
    const request = before.at(-1)!;
    expect(request.id).toBe(first!.messageId);
    expect(JSON.stringify(request.components)).toContain(`/digest approve ${first!.id}`);

    await app.services.content.stores.items.markDropped(first!.itemIds[0]!, 'REMOVED_BY_MODERATOR');
    app.clock.set(nextHour + hour + 1_000);
    const [second] = await app.services.content.digests.runDue();
    expect(second).toMatchObject({ status: 'awaiting_approval', messageId: first!.messageId });
    const after = fake.channelMessages(FAKE_CHANNEL_ID);
    expect(after).toHaveLength(before.length);
    const edited = after.find((m) => m.id === first!.messageId)!;
    expect(edited.edited_timestamp).not.toBeNull();
    expect(JSON.stringify(edited.components)).toContain(`/digest approve ${second!.id}`);
    expect(
      fake.rest.filter(
        (c) => c.method === 'PATCH' && c.path === `/api/v10/channels/${FAKE_CHANNEL_ID}/messages/${first!.messageId}`,
      ),
    ).toHaveLength(1);
    await expect(app.services.content.digests.approve(community, first!.id)).rejects.toMatchObject({
      code: 'DIGEST_RUN_EXPIRED',
    });
    await app.services.content.digests.removeSchedule(community.id, schedule.id);
  });
});
