import { ConsoleMessenger } from '../../../adapters/console/messenger.ts';
import { type FeedFetcherOptions, HttpFeedFetcher } from '../../../adapters/feeds/fetcher.ts';
import { InProcessScheduler } from '../../../adapters/jobs/in-process-scheduler.ts';
import { createContentStores } from '../../../adapters/storage/content-storage.ts';
import { createCoreStores, type Database } from '../../../adapters/storage/index.ts';
import { PrismaScheduledPostStore } from '../../../adapters/storage/scheduled-post-store.ts';
import type { Provider } from '../../../adapters/storage/schema-source.ts';
import { catalog } from '../../../bots/features.ts';
import type { ContentStores } from '../../../core/content/ports.ts';
import { createContentScorer } from '../../../core/content/scoring/scorer.ts';
import { ContentService, type ContentServiceDeps } from '../../../core/content/service.ts';
import type { Community } from '../../../core/domain/types.ts';
import { ScheduledPostRunner } from '../../../core/framework/scheduled-posts.ts';
import { Translator } from '../../../core/i18n/translate.ts';
import { ManualClock } from '../../../core/ports/clock.ts';
import type { ContentModel } from '../../../core/ports/content-model.ts';
import { silentLogger } from '../../../core/ports/logger.ts';
import type { Messenger } from '../../../core/ports/messenger.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { shippedScorer } from './shipped-model.ts';

/** One content service on a throwaway database, with the console messenger recording what gets posted. */
export interface ContentHarness {
  db: Database;
  clock: ManualClock;
  stores: ContentStores;
  core: ReturnType<typeof createCoreStores>;
  service: ContentService;
  outbox: ConsoleMessenger;
  community: Community;
  fetcher: HttpFeedFetcher;
  /** Jobs run only when a test calls `scheduler.runDue()` (no timers). */
  scheduler: InProcessScheduler;
  posts: ScheduledPostRunner;
  dispose(): Promise<void>;
}

export async function createContentHarness(
  options: {
    provider?: Provider;
    now?: string;
    fetcher?: FeedFetcherOptions;
    /** Default: the shipped model through adapters/ml. */
    model?: ContentModel;
    /** Another connection to an existing database: a second bot process on the same PostgreSQL. */
    database?: Database;
    /** Where posts go (default: the console outbox). */
    messenger?: Messenger;
    deps?: Partial<ContentServiceDeps>;
    options?: ContentServiceDeps['options'];
  } = {},
): Promise<ContentHarness> {
  const owned: TestDatabase | null = options.database ? null : await createTestDatabase(options.provider ?? 'sqlite');
  const db: Database = options.database ?? (owned as TestDatabase);
  const clock = new ManualClock(options.now ?? '2026-11-20T02:00:00.000Z');
  const core = createCoreStores(db.prisma);
  const stores = createContentStores(db.prisma);
  const outbox = new ConsoleMessenger();
  const messenger = options.messenger ?? outbox;
  const fetcher = new HttpFeedFetcher({ allowPrivateNetworks: true, ...options.fetcher });
  const scheduler = new InProcessScheduler({ clock, log: silentLogger, timers: false });
  const posts = new ScheduledPostRunner({
    store: new PrismaScheduledPostStore(db.prisma),
    messenger,
    clock,
    log: silentLogger,
  });
  const service = new ContentService({
    stores,
    fetcher,
    scorer: options.model ? createContentScorer({ model: options.model, combiner: null }) : await shippedScorer(),
    communities: core.communities,
    events: core.events,
    courses: core.courses,
    translator: new Translator(catalog),
    messenger,
    scheduler,
    posts,
    clock,
    log: silentLogger,
    options: options.options,
    ...options.deps,
  });
  const community = await core.communities.ensure('console', 'content-test', { name: 'Content test' });
  return {
    db,
    clock,
    stores,
    core,
    service,
    outbox,
    community,
    fetcher,
    scheduler,
    posts,
    async dispose() {
      await posts.stop();
      await service.stop();
      await scheduler.stop();
      await fetcher.close();
      // A database passed in belongs to the caller.
      if (owned) await owned.drop();
    },
  };
}
