import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleMessenger } from '../../adapters/console/messenger.ts';
import { createContentStores } from '../../adapters/storage/content-storage.ts';
import { createCoreStores } from '../../adapters/storage/index.ts';
import { PrismaScheduledPostStore } from '../../adapters/storage/scheduled-post-store.ts';
import { catalog } from '../../bots/features.ts';
import { type BuiltDigest, type DigestFilter, DigestService } from '../../core/content/digest/digest-service.ts';
import type { ContentStores } from '../../core/content/ports.ts';
import { identityLayer, type QualityLayerState } from '../../core/content/scoring/community-layer.ts';
import { CommunityQualityLearner } from '../../core/content/scoring/community-learning.ts';
import { STRUCTURE_FEATURES } from '../../core/content/scoring/structure-features.ts';
import type { NewContentItem } from '../../core/content/types.ts';
import type { NewInteractionEvent } from '../../core/domain/types.ts';
import { ScheduledPostRunner } from '../../core/framework/scheduled-posts.ts';
import { Translator } from '../../core/i18n/translate.ts';
import { ManualClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { seededRandom } from '../../core/ports/random.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const F = STRUCTURE_FEATURES.length;
const EMBEDDING_DIMS = 8;

/**
 * The bounded digest (the database ranks by a score bound, the digest reads only what can matter) picks exactly
 * what ranking every candidate in memory picks, in the same order with the same scores: on a generated community
 * of thousands of candidates with ties, copies, near-duplicates, feedback, earlier deliveries, source filters,
 * quality inputs under a learned layer and a score floor.
 */
describe.each(['sqlite', 'postgresql'] as const)(
  'digest ranked by score bound on %s',
  { timeout: 120_000 },
  (provider) => {
    let db: TestDatabase;
    let stores: ContentStores;
    let communityId: string;
    const clock = new ManualClock('2026-11-20T00:00:00Z');
    const random = seededRandom(2026);

    const service = (ranking: 'bounded' | 'full', maxCandidates?: number) => {
      const core = createCoreStores(db.prisma);
      return new DigestService({
        stores,
        quality: new CommunityQualityLearner({
          quality: stores.quality,
          items: stores.items,
          events: core.events,
          clock,
          log: silentLogger,
        }),
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
        log: silentLogger,
        modelId: 'test',
        ranking,
        firstWindowMs: 0,
        ...(maxCandidates ? { maxCandidates } : {}),
      });
    };

    beforeAll(async () => {
      db = await createTestDatabase(provider);
      stores = createContentStores(db.prisma);
      const core = createCoreStores(db.prisma);
      communityId = (await core.communities.ensure('console', 'bounded', { name: 'Bounded' })).id;
      const source = async (title: string, topics: string[], delivery: 'digest' | 'instant' = 'digest') => {
        const created = await stores.sources.create({
          communityId,
          kind: 'feed',
          url: `https://bounded.example/${title}.xml`,
          title,
          topics,
          intervalMs: 1_800_000,
          noticeChannelId: null,
          createdById: null,
          nextFetchAt: clock.now(),
        });
        await db.prisma.contentSource.update({ where: { id: created.id }, data: { delivery } });
        return created;
      };
      const sources = [
        await source('Product', ['product']),
        await source('Research', []),
        await source('Markets', ['investing']),
        await source('Instant', ['product'], 'instant'),
      ];
      // A source filter: Markets drops items whose title names "skip".
      await db.prisma.contentSource.update({ where: { id: sources[2]!.id }, data: { filter: 'NOT title:skip' } });
      // A few stories, each carried by many items: near-duplicates of one another by embedding.
      const stories = Array.from({ length: 40 }, () => {
        const v = new Float32Array(EMBEDDING_DIMS).map(() => random() * 2 - 1);
        const norm = Math.hypot(...v);
        return v.map((x) => x / norm);
      });
      const now = clock.now().getTime();
      const items: NewContentItem[] = [];
      for (let i = 0; i < 3_000; i++) {
        // Pairs with the same quality and time: ties, kept in newest-first-then-id order by both paths.
        const twin = i % 13 === 1 ? items[i - 1] : undefined;
        const zh = i % 4 === 0;
        const word = ['product', 'retrieval', 'investing', 'design'][Math.floor(i / 4) % 4] as string;
        items.push({
          communityId,
          sourceId: sources[i % 4]!.id,
          guid: i % 9 === 0 ? `message:post-${i}` : `a-${i}`,
          url: `https://bounded.example/a/${i}`,
          canonicalUrl: `https://bounded.example/a/${i}`,
          title: `${i % 17 === 0 ? 'skip ' : ''}Story ${i} about ${word}`,
          text: `A body on ${word} number ${i}`,
          language: zh ? 'zh' : 'en',
          contentHash: `h${i}`,
          // Some older than the 7-day window.
          publishedAt: twin ? twin.publishedAt : new Date(now - Math.floor(random() * 8 * DAY)),
          fetchedAt: clock.now(),
          quality: twin ? twin.quality : Math.round(random() * 200) / 200,
          sentiment: 0,
          topics: [{ topic: i % 3 === 0 ? 'product' : 'ai', weight: Math.round(random() * 10) / 10 }],
          embedding:
            i % 3 === 0
              ? (stories[i % stories.length] as Float32Array)
              : stories[(i * 7) % 40]!.map((x, k) => (k === i % EMBEDDING_DIMS ? -x : x)),
          dropReason: i % 10 === 7 ? 'DUPLICATE_URL' : null,
          duplicateOfId: null,
          reactions: 0,
        });
      }
      const stored = [];
      for (let i = 0; i < items.length; i += 500)
        stored.push(...(await stores.items.insertMany(items.slice(i, i + 500))));
      // Two of three items carry quality inputs (the layer re-scores those from their features).
      await stores.quality.saveInputs(
        stored
          .filter((_, i) => i % 3 !== 2)
          .map((item, i) => ({
            itemId: item.id,
            communityId,
            kind: i % 5 === 0 ? 'post' : i % 7 === 0 ? 'course' : 'article',
            baseQuality: Math.min(0.99, Math.max(0.01, item.quality)),
            // Some inputs were stored with fewer features (an older feature set).
            features: Float64Array.from({ length: i % 50 === 0 ? F - 3 : F }, () => Math.round(random() * 40) / 10),
            publishedAt: item.publishedAt,
          })),
      );
      // Feedback: votes, clicks and reactions on a few hundred items; some delivered in the channel already.
      const events: NewInteractionEvent[] = [];
      for (let i = 0; i < 1_500; i++) {
        const item = stored[Math.floor(random() * stored.length)]!;
        const reaction = i % 5 === 0 && item.guid.startsWith('message:');
        events.push({
          communityId,
          actorId: `m${i % 40}`,
          verb: reaction ? 'reaction.added' : i % 3 === 0 ? 'digest.clicked' : 'digest.voted',
          objectType: reaction ? 'message' : 'digest_item',
          objectId: reaction ? item.guid.slice('message:'.length) : item.id,
          targetMemberId: null,
          channelId: null,
          platform: 'console',
          occurredAt: new Date(now - i * 60_000),
          metadata: { value: random() < 0.6 ? 1 : random() < 0.9 ? -1 : -3 },
        });
      }
      await core.events.appendMany(events);
      await stores.runs.recordDeliveries(
        stored
          .filter((_, i) => i % 11 === 0)
          .map((item) => ({ communityId, channelId: 'news', itemId: item.id, runId: null, deliveredAt: clock.now() })),
      );
    }, 180_000);
    afterAll(async () => {
      await db.drop();
    });

    /** A learned layer: structure weights (and embedding weights when `embedding`), calibrated per kind. */
    function layer(embedding: boolean): QualityLayerState {
      const dims = F + (embedding ? EMBEDDING_DIMS : 0);
      const base = identityLayer(dims, embedding ? EMBEDDING_DIMS : 0);
      return {
        ...base,
        bias: 0.3,
        baseScale: -0.2,
        weights: Array.from({ length: dims }, (_, j) => (j % 4 === 0 ? 0 : Math.sin(j) * 0.4)),
        mean: Array.from({ length: dims }, (_, j) => (j % 3) * 0.5),
        std: Array.from({ length: dims }, (_, j) => 0.5 + (j % 5) * 0.3),
        calibration: {
          '*': { median: 0.1, spread: 0.8, items: 100 },
          post: { median: -0.4, spread: 0.5, items: 30 },
          article: { median: 0.6, spread: 1.2, items: 60 },
        },
        examples: 40,
        trainedAt: clock.now().toISOString(),
      };
    }

    const summary = (built: BuiltDigest) =>
      built.result.picked.map((p) => ({ id: p.candidate.item.id, rank: p.rank, score: p.score, parts: p.parts }));

    const filters: [string, DigestFilter][] = [
      ['defaults', { topics: [], minScore: 0, maxItems: 5, language: 'any' }],
      [
        'topics, a score floor, ten items',
        { topics: ['product', 'investing'], minScore: 0.4, maxItems: 10, language: 'any' },
      ],
      ['one language, many items', { topics: [], minScore: 0.2, maxItems: 40, language: 'zh' }],
      ['a floor nothing passes', { topics: [], minScore: 0.9999999, maxItems: 5, language: 'any' }],
      ['a topic few match', { topics: ['design'], minScore: 0, maxItems: 8, language: 'en' }],
    ];

    for (const embedding of [false, true]) {
      for (const [name, filter] of filters) {
        it(`${name}, ${embedding ? 'a layer reading embeddings' : 'a structure layer'}: the same picks as ranking all`, async () => {
          await stores.quality.saveLayer(communityId, layer(embedding));
          const full = await service('full').build(communityId, 'news', filter, clock.now());
          const bounded = await service('bounded').build(communityId, 'news', filter, clock.now());
          expect(summary(bounded)).toEqual(summary(full));
          expect(bounded.candidates).toBe(full.candidates);
          expect(bounded.capped).toEqual(full.capped);
          if (name !== 'a floor nothing passes') expect(full.result.picked.length).toBeGreaterThan(0);
          // Copies of one story among the best: the near-duplicate check is part of what must agree.
          if (name === 'one language, many items') {
            expect(full.result.decisions.some((d) => d.reason === 'NEAR_DUPLICATE_OF_PICK')).toBe(true);
          }
        });
      }
    }

    it('reads a fraction of the candidates when the picks are clear', async () => {
      await stores.quality.saveLayer(communityId, layer(false));
      const filter: DigestFilter = { topics: [], minScore: 0, maxItems: 5, language: 'any' };
      const bounded = await service('bounded').build(communityId, null, filter, clock.now());
      expect(bounded.candidates).toBeGreaterThan(1_500);
      expect(bounded.read).toBeLessThan(bounded.candidates);
    });

    it('with the cap, ranks the same newest candidates the full read would', async () => {
      await stores.quality.saveLayer(communityId, layer(false));
      const filter: DigestFilter = { topics: ['product'], minScore: 0.1, maxItems: 10, language: 'any' };
      const full = await service('full', 1_000).build(communityId, 'news', filter, clock.now());
      const bounded = await service('bounded', 1_000).build(communityId, 'news', filter, clock.now());
      expect(full.capped).toMatchObject({ cap: 1_000 });
      expect(bounded.capped).toEqual(full.capped);
      expect(summary(bounded)).toEqual(summary(full));
    });

    it('with the stored model quality (no community layer wired), the same picks too', async () => {
      const core = createCoreStores(db.prisma);
      const plain = (ranking: 'bounded' | 'full') =>
        new DigestService({
          stores,
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
          log: silentLogger,
          modelId: 'test',
          ranking,
        });
      const filter: DigestFilter = { topics: ['retrieval'], minScore: 0.3, maxItems: 12, language: 'any' };
      const full = await plain('full').build(communityId, 'news', filter, clock.now());
      const bounded = await plain('bounded').build(communityId, 'news', filter, clock.now());
      expect(full.result.picked.length).toBe(12);
      expect(summary(bounded)).toEqual(summary(full));
    });
  },
);
