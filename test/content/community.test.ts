import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewInteractionEvent } from '../../core/domain/types.ts';
import { type ContentHarness, createContentHarness } from './support/harness.ts';

/** The community's own channels as content: members' posts (with reactions as signals) and course announcements. */
describe("members' posts and course announcements as digest content", () => {
  let h: ContentHarness;
  const HOUR = 3_600_000;

  beforeAll(async () => {
    h = await createContentHarness({ now: '2026-11-20T02:00:00Z' });
  });
  afterAll(() => h.dispose());

  it('turns posts with links or substance into items, skips chit-chat, and counts reactions', async () => {
    const alice = await h.core.members.ensure(h.community.id, {
      platformUserId: 'u1',
      handle: 'alice',
      displayName: 'Alice',
    });
    const bob = await h.core.members.ensure(h.community.id, {
      platformUserId: 'u2',
      handle: 'bob',
      displayName: 'Bob',
    });
    const at = (hoursAgo: number) => new Date(h.clock.now().getTime() - hoursAgo * HOUR);
    const post = (id: string, text: string, hoursAgo: number, urls?: string[]): NewInteractionEvent => ({
      communityId: h.community.id,
      actorId: alice.id,
      verb: 'message.posted',
      objectType: 'message',
      objectId: id,
      targetMemberId: null,
      channelId: null,
      platform: 'console',
      occurredAt: at(hoursAgo),
      metadata: { text, ...(urls ? { urls } : {}) },
      dedupKey: `post:${id}`,
    });
    const reaction = (messageId: string, n: number): NewInteractionEvent => ({
      communityId: h.community.id,
      actorId: bob.id,
      verb: 'reaction.added',
      objectType: 'message',
      objectId: messageId,
      targetMemberId: alice.id,
      channelId: null,
      platform: 'console',
      occurredAt: at(1),
      metadata: { emoji: '👍' },
      dedupKey: `reaction:${messageId}:${n}`,
    });
    await h.core.events.appendMany([
      post(
        'm1',
        'Great write-up on evaluating retrieval-augmented generation https://blog.example/rag-eval?utm_source=share',
        5,
        ['https://blog.example/rag-eval?utm_source=share'],
      ),
      post('m2', 'hi all, thanks!', 4),
      post(
        'm3',
        '我整理了一份产品需求评审的清单：先写清楚要解决的问题和目标用户，再列出成功标准和明确不做的事情，最后请工程和设计一起评审。',
        3,
      ),
      post('m4', 'Another good one on RAG evaluation, explained with examples https://blog.example/rag-eval-2', 6, [
        'https://blog.example/rag-eval-2',
      ]),
      reaction('m1', 1),
      reaction('m1', 2),
      reaction('m1', 3),
    ]);
    await h.core.courses.create({
      communityId: h.community.id,
      creatorId: alice.id,
      title: 'Evaluating LLM applications',
      description: 'A six-week course on measuring retrieval, answers and agents, with weekly labs and reviews.',
      tags: ['ai'],
      language: 'en',
      priceMinor: 19_900,
      currency: 'CNY',
      paymentModel: 'one_off',
      url: 'https://courses.example/llm-eval',
      createdAt: at(2),
    });

    const sources = await h.service.sources.list(h.community.id);
    expect(sources.map((s) => s.kind).sort()).toEqual(['community', 'courses']);
    await h.service.poller.pollDue();
    const items = await h.stores.items.listCandidates({ communityId: h.community.id, since: new Date(0), limit: 50 });
    const byGuid = new Map(items.map((i) => [i.guid, i]));
    expect([...byGuid.keys()].sort()).toEqual(
      ['course:' + (await h.core.courses.list(h.community.id))[0]!.id, 'message:m1', 'message:m3', 'message:m4'].sort(),
    );
    expect(byGuid.get('message:m1')).toMatchObject({
      url: 'https://blog.example/rag-eval',
      canonicalUrl: 'https://blog.example/rag-eval',
      title: 'Great write-up on evaluating retrieval-augmented generation',
    });
    expect(byGuid.get('message:m3')?.language).toBe('zh');

    // The reactions on m1 count as community feedback: it outranks its twin m4 and says why.
    const built = await h.service.digests.build(
      h.community.id,
      'general',
      { topics: [], minScore: 0, maxItems: 4, language: 'any' },
      h.clock.now(),
    );
    const m1 = built.result.picked.find((p) => p.candidate.item.guid === 'message:m1')!;
    const m4 = built.result.picked.find((p) => p.candidate.item.guid === 'message:m4');
    expect(m1.parts.feedback).toBeGreaterThan(0);
    if (m4) expect(m1.rank).toBeLessThan(m4.rank);
    expect(m1.candidate.sourceTitle).toBe("Members' posts");
  });

  it('drops a near-duplicate of an item already seen, from another source, by meaning', async () => {
    const [a, b] = await Promise.all(
      ['https://a.example/feed', 'https://b.example/feed'].map((url) =>
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
        }),
      ),
    );
    const { ingestItems } = await import('../../core/content/ingest/ingest.ts');
    const { prepareItem } = await import('../../core/content/ingest/prepare.ts');
    const { createContentScorer } = await import('../../core/content/scoring/scorer.ts');
    const { tinyModel } = await import('./support/tiny-model.ts');
    const deps = {
      items: h.stores.items,
      scorer: createContentScorer({ model: tinyModel, combiner: null }),
      clock: h.clock,
    };
    const story =
      'The central bank held interest rates steady on Tuesday and signalled two cuts next year as inflation cooled.';
    const raw = (guid: string, url: string, title: string, body: string) =>
      prepareItem({ guid, url, title, body, publishedAt: h.clock.now(), categories: [] }, url, h.clock.now());
    await ingestItems(deps, a!, [raw('a1', 'https://a.example/rates', 'Central bank holds rates', story)]);
    const second = await ingestItems(deps, b!, [
      raw('b1', 'https://b.example/markets/rates-hold', 'Central bank holds rates steady', `${story} Markets rose.`),
    ]);
    expect(second.dropped).toEqual({ NEAR_DUPLICATE: 1 });
    const [twin] = await h.stores.items.findByCanonicalUrl(h.community.id, 'https://b.example/markets/rates-hold');
    const [original] = await h.stores.items.findByCanonicalUrl(h.community.id, 'https://a.example/rates');
    expect(twin).toMatchObject({ dropReason: 'NEAR_DUPLICATE', duplicateOfId: original!.id });
  });
});
