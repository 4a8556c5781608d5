import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ContentHarness, createContentHarness } from './support/harness.ts';
import { type MutableFeed, startMutableFeed } from './support/mutable-feed.ts';
import { tinyModel } from './support/tiny-model.ts';

/** Polling that is polite to servers: a fetch budget per host, Retry-After honoured across a host's feeds. */
describe('per-host polling limits', () => {
  let h: ContentHarness;
  let feed: MutableFeed;
  const ids: string[] = [];

  beforeAll(async () => {
    h = await createContentHarness({ model: tinyModel, now: '2026-11-20T02:00:00Z' });
    feed = await startMutableFeed('Busy host');
    feed.items = [
      {
        guid: 'a',
        title: 'One item',
        link: 'https://busy.example/a',
        body: 'Some text.',
        publishedAt: new Date('2026-11-20T01:00:00Z'),
      },
    ];
    for (let i = 0; i < 12; i++) {
      const source = await h.stores.sources.create({
        communityId: h.community.id,
        kind: 'feed',
        url: `${feed.url}?n=${i}`,
        title: `Feed ${i}`,
        topics: [],
        intervalMs: 30 * 60_000,
        noticeChannelId: null,
        createdById: null,
        nextFetchAt: h.clock.now(),
      });
      ids.push(source.id);
    }
  });
  afterAll(async () => {
    await feed.close();
    await h.dispose();
  });

  it('fetches one host at most 10 times a minute; the rest wait their turn, first in line', async () => {
    const first = await h.service.poller.pollDue();
    const statuses = [...first.values()].map((o) => o.status);
    expect(statuses.filter((s) => s === 'ok')).toHaveLength(10);
    expect(statuses.filter((s) => s === 'deferred')).toHaveLength(2);
    expect(feed.hits).toBe(10);
    h.clock.advance(61_000);
    const second = await h.service.poller.pollDue();
    expect([...second.values()].map((o) => o.status)).toEqual(['ok', 'ok']);
    expect(feed.hits).toBe(12);
  });

  it('a 429 with Retry-After holds every feed of that host until then', async () => {
    feed.status = 429;
    feed.headers = { 'retry-after': '900' };
    h.clock.advance(31 * 60_000);
    const outcomes = await h.service.poller.pollDue();
    expect(outcomes.get(ids[0]!)).toMatchObject({
      status: 'failed',
      code: 'FEED_HTTP_STATUS',
      params: { retryAfterS: 900 },
    });
    expect([...outcomes.values()].filter((o) => o.status === 'deferred')).toHaveLength(11);
    expect(feed.hits).toBe(13);
    const failed = await h.stores.sources.get(ids[0]!);
    expect(failed!.nextFetchAt.getTime() - h.clock.now().getTime()).toBeGreaterThanOrEqual(900_000);
    expect(failed!.failures.map((f) => f.code)).toEqual(['FEED_HTTP_STATUS']);
  });
});
