import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleMessenger } from '../../adapters/console/messenger.ts';
import { createContentStores } from '../../adapters/storage/content-storage.ts';
import { createCoreStores } from '../../adapters/storage/index.ts';
import { PrismaScheduledPostStore } from '../../adapters/storage/scheduled-post-store.ts';
import { catalog } from '../../bots/features.ts';
import { DEFAULT_FILTER, DigestService } from '../../core/content/digest/digest-service.ts';
import { explainUrl } from '../../core/content/digest/explain.ts';
import type { NewContentItem } from '../../core/content/types.ts';
import { ScheduledPostRunner } from '../../core/framework/scheduled-posts.ts';
import { Translator } from '../../core/i18n/translate.ts';
import { ManualClock } from '../../core/ports/clock.ts';
import { type Logger, silentLogger } from '../../core/ports/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

/** A window holding more candidates than the cap: the oldest are left out, and that is logged and explained. */
describe('digest candidate cap', () => {
  let db: TestDatabase;
  let digests: DigestService;
  let communityId: string;
  const warnings: { obj: unknown; msg?: string }[] = [];
  const log: Logger = { ...silentLogger, warn: (obj, msg) => warnings.push({ obj, msg }), child: () => log };
  const clock = new ManualClock('2026-11-20T00:00:00Z');
  const stores = () => createContentStores(db.prisma);
  const url = (i: number) => `https://cap.example/a/${i}`;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    const core = createCoreStores(db.prisma);
    communityId = (await core.communities.ensure('console', 'cap', { name: 'Cap' })).id;
    const source = await stores().sources.create({
      communityId,
      kind: 'feed',
      url: 'https://cap.example/feed.xml',
      title: 'Cap feed',
      topics: [],
      intervalMs: 1_800_000,
      noticeChannelId: null,
      createdById: null,
      nextFetchAt: clock.now(),
    });
    const embedding = (i: number) => {
      const v = new Float32Array(8);
      v[i % 8] = 1;
      return v;
    };
    // Item i was published i hours ago: 0 is the newest, 11 the oldest.
    const items: NewContentItem[] = Array.from({ length: 12 }, (_, i) => ({
      communityId,
      sourceId: source.id,
      guid: `a-${i}`,
      url: url(i),
      canonicalUrl: url(i),
      title: `Article ${i}`,
      text: `Body of article ${i}`,
      language: 'en',
      contentHash: `h${i}`,
      publishedAt: new Date(clock.now().getTime() - i * 3_600_000),
      fetchedAt: clock.now(),
      quality: 0.5 + i / 100,
      sentiment: 0,
      topics: [],
      embedding: embedding(i),
      dropReason: null,
      duplicateOfId: null,
      reactions: 0,
    }));
    await stores().items.insertMany(items);
    digests = serviceWith(5);
  });
  afterAll(async () => {
    await db.drop();
  });

  function serviceWith(maxCandidates: number): DigestService {
    const core = createCoreStores(db.prisma);
    return new DigestService({
      stores: stores(),
      events: core.events,
      communities: core.communities,
      translator: new Translator(catalog),
      posts: new ScheduledPostRunner({
        store: new PrismaScheduledPostStore(db.prisma),
        messenger: new ConsoleMessenger(),
        clock,
        log: silentLogger,
      }),
      clock,
      log,
      modelId: 'test',
      maxCandidates,
      firstWindowMs: 0,
    });
  }

  it('reads the newest candidates up to the cap, says how many were in the window, and logs it', async () => {
    const built = await digests.build(communityId, null, { ...DEFAULT_FILTER, maxItems: 3 }, clock.now());
    expect(built.candidates).toBe(5);
    expect(built.capped).toMatchObject({ cap: 5, total: 12 });
    expect(built.capped?.oldestKept.toISOString()).toBe('2026-11-19T20:00:00.000Z');
    expect(built.result.picked.map((p) => p.candidate.item.title)).toHaveLength(3);
    expect(warnings.map((w) => w.msg)).toContain(
      'digest candidates capped: older items in the window were not considered',
    );
    expect(warnings[0]?.obj).toMatchObject({ cap: 5, total: 12 });
  });

  it('names the cap in /digest why for an item it left out, in English and in Chinese', async () => {
    const why = (locale: 'en' | 'zh-CN', i: number) =>
      explainUrl(
        stores(),
        communityId,
        url(i),
        new Translator(catalog).forLocale(locale),
        'UTC',
        undefined,
        () => clock.now(),
        (item) => digests.capFor(communityId, item, clock.now()),
      );
    const text = (reply: Awaited<ReturnType<typeof why>>) => reply.fields?.map((f) => f.value).join('\n') ?? '';
    expect(text(await why('en', 11))).toContain(
      'Left out of digests for now: a digest reads at most 5 candidates, the newest first, and 11 newer ones are in its window.',
    );
    expect(text(await why('zh-CN', 11))).toContain(
      '每期精选最多读取 5 条候选内容（从最新的开始），而它的时间窗口内还有 11 条更新的内容',
    );
    // The newest items are within the cap: nothing about it.
    expect(text(await why('en', 0))).not.toContain('Left out of digests');
    expect(text(await why('en', 4))).not.toContain('Left out of digests');
    expect(text(await why('en', 5))).toContain('and 5 newer ones');
  });

  it('builds without a warning when the window fits the cap', async () => {
    warnings.length = 0;
    const all = await serviceWith(100).build(communityId, null, DEFAULT_FILTER, clock.now());
    expect(all).toMatchObject({ candidates: 12, capped: null });
    expect(warnings).toEqual([]);
  });
});
