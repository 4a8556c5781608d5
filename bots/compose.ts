import { HttpFeedFetcher } from '../adapters/feeds/fetcher.ts';
import { createDeferredContentModel } from '../adapters/ml/deferred-model.ts';
import { PrismaCommerceStore } from '../adapters/storage/commerce-store.ts';
import { createContentStores } from '../adapters/storage/content-stores.ts';
import { createCoreStores, type Database, openDatabase } from '../adapters/storage/index.ts';
import { createInteractionStores } from '../adapters/storage/ledger-stores.ts';
import {
  commerceSource,
  eventLogSource,
  interestGroupSource,
  leaderboardSource,
  ledgerSource,
  memberPostsSource,
} from '../adapters/storage/privacy-sources.ts';
import { PrismaRecommenderSnapshotStore } from '../adapters/storage/recommend-snapshot-store.ts';
import { allCommands } from '../core/commands/index.ts';
import { CommerceService } from '../core/commerce/commerce-service.ts';
import { createContentScorer } from '../core/content/scoring/index.ts';
import { ContentService } from '../core/content/service.ts';
import { Dispatcher, type EventListener } from '../core/framework/dispatcher.ts';
import { catalog } from '../core/i18n/catalog.ts';
import { Translator } from '../core/i18n/translate.ts';
import { KolService } from '../core/interactions/kol-service.ts';
import { LedgerService } from '../core/interactions/ledger-service.ts';
import { WeeklyReportService } from '../core/interactions/weekly-report.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { Logger } from '../core/ports/logger.ts';
import { PrivacyService } from '../core/privacy/privacy-service.ts';
import { RecommendService } from '../core/recommend/service.ts';
import type { Services } from '../core/services.ts';
import { AccessRouter } from './access-router.ts';
import type { Config } from './config.ts';
import { MessengerRouter } from './messenger-router.ts';

/**
 * The composition root: config → database → stores → services → dispatcher. The only place that wires;
 * tests call it too (with a throwaway database and a manual clock), so they run the real thing.
 */
export interface App {
  core: Dispatcher;
  services: Services;
  database: Database;
  /** Routes posts that no command triggered (digests, notices) to the running platform adapters. */
  messenger: MessengerRouter;
  /** Routes course unlocks (roles, channels) to the running platform adapters. */
  access: AccessRouter;
  /** Long-running jobs (schedulers) started by features; stopped on shutdown. */
  background: { name: string; stop(): Promise<void> | void }[];
  close(): Promise<void>;
}

export interface ComposeOptions {
  config: Config;
  log: Logger;
  clock: Clock;
  /** Tests pass an already-open database; otherwise DATABASE_URL is opened and migrated. */
  database?: Database;
  /** Feed origins fetched whatever the SSRF guard says: the sandbox's own demo feeds. */
  allowedFeedOrigins?: readonly string[];
}

export async function composeApp(options: ComposeOptions): Promise<App> {
  const { config, log, clock } = options;
  const database = options.database ?? (await openDatabase(config.DATABASE_URL, { log: log.child({ ns: 'storage' }) }));
  const stores = createCoreStores(database.prisma);
  const translator = new Translator(catalog);
  const commands = allCommands;
  const services: Services = {
    ...stores,
    translator,
    commands: () => commands,
  };
  const interactionStores = createInteractionStores(database.prisma, database.provider);
  services.ledger = new LedgerService({ store: interactionStores.ledger, events: stores.events, log });
  services.kol = new KolService({ store: interactionStores.kol, events: stores.events, members: stores.members, log });
  const messenger = new MessengerRouter();
  services.weeklyReport = new WeeklyReportService({
    store: interactionStores.weeklyReport,
    kol: services.kol,
    ledger: services.ledger,
    communities: stores.communities,
    translator,
    messenger: () => messenger,
    clock,
    log,
  });
  // One content model for the whole app: digests score with it, profiles and search embed with it. It loads on
  // first use, so a start that only answers /help never pays for it.
  const model = await createDeferredContentModel({
    name: config.MODEL_NAME,
    localDir: config.MODEL_DIR,
    allowRemote: config.MODEL_ALLOW_REMOTE,
    log: log.child({ ns: 'adapter:ml' }),
  });
  const fetcher = new HttpFeedFetcher({
    allowPrivateNetworks: config.FEED_ALLOW_PRIVATE_NETWORKS,
    allowedOrigins: options.allowedFeedOrigins,
  });
  services.content = new ContentService({
    stores: createContentStores(database.prisma),
    fetcher,
    scorer: createContentScorer({ model, combiner: model.qualityCombiner }),
    communities: stores.communities,
    events: stores.events,
    courses: stores.courses,
    translator,
    messenger: () => messenger,
    clock,
    log,
  });
  services.privacy = new PrivacyService({
    members: stores.members,
    // Order matters: members' posts are found through their events, so they go before the event log.
    sources: [
      memberPostsSource(database.prisma),
      eventLogSource(database.prisma),
      commerceSource(database.prisma),
      ledgerSource(database.prisma),
      leaderboardSource(database.prisma, clock),
      interestGroupSource(database.prisma),
    ],
    clock,
    log: log.child({ ns: 'core:privacy' }),
    pseudonymSecret: config.PSEUDONYM_SECRET,
  });
  const access = new AccessRouter();
  services.commerce = new CommerceService({
    store: new PrismaCommerceStore(database.prisma),
    courses: stores.courses,
    members: stores.members,
    communities: stores.communities,
    events: stores.events,
    access,
    log: log.child({ ns: 'core:commerce' }),
  });
  const eventListeners: EventListener[] = [];
  const core = new Dispatcher({ commands, services, log, clock, eventListeners });
  const background: App['background'] = [];
  // Recommendations: retrained hourly per community and on demand (/recommend retrain), with course and profile
  // vectors from the same content model as digests, so search and similarity work across Chinese and English.
  services.recommend = new RecommendService({
    courses: stores.courses,
    events: stores.events,
    model,
    snapshots: new PrismaRecommenderSnapshotStore(database.prisma),
    clock,
    log,
  });
  const commerce = services.commerce;
  const accessExpiry = setInterval(() => {
    commerce.endExpiredAccess(clock.now()).catch((err) => log.error({ err }, 'course access expiry failed'));
  }, 10 * 60_000);
  accessExpiry.unref();
  background.push({ name: 'course-access-expiry', stop: () => clearInterval(accessExpiry) });
  const content = services.content;
  background.push({ name: 'content', stop: () => content.stop() });
  const recommendSchedule = services.recommend.start(60 * 60_000);
  background.push({ name: 'recommend', stop: () => recommendSchedule.stop() });
  // Leaderboard snapshots members asked for are recomputed every 10 minutes, so /leaderboard only reads.
  const kolSchedule = services.kol.start(clock, 10 * 60_000);
  background.push({ name: 'kol-snapshots', stop: () => kolSchedule.stop() });
  // Weekly community reports: a minute loop; the claimed run rows make each Monday's post happen once.
  const weeklySchedule = services.weeklyReport.start(60_000);
  background.push({ name: 'weekly-report', stop: () => weeklySchedule.stop() });
  return {
    core,
    services,
    database,
    messenger,
    access,
    background,
    async close() {
      // Feed fetches in flight stop first (a slow feed would hold up the poller's stop), then schedulers, then
      // commands already running finish, then the database closes.
      await fetcher.close();
      for (const job of background.reverse()) await job.stop();
      await core.drain();
      await model.dispose();
      if (!options.database) await database.close();
    },
  };
}
