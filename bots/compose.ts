import { HttpFeedFetcher } from '../adapters/feeds/fetcher.ts';
import { createDeferredContentModel } from '../adapters/ml/deferred-model.ts';
import { createStripeGateway } from '../adapters/payments/stripe-gateway.ts';
import { eventLogSource } from '../adapters/storage/catalog-and-log-stores.ts';
import { inFlightCommandsSource } from '../adapters/storage/in-flight-commands-source.ts';
import { createCoreStores, type Database, openDatabase } from '../adapters/storage/index.ts';
import { replyPagesSource } from '../adapters/storage/reply-page-store.ts';
import { PrismaScheduledPostStore } from '../adapters/storage/scheduled-post-store.ts';
import { Dispatcher } from '../core/framework/dispatcher.ts';
import { assembleFeatures, catalogOf } from '../core/framework/feature.ts';
import { ScheduledPostRunner } from '../core/framework/scheduled-posts.ts';
import { Translator } from '../core/i18n/translate.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { JobQueue } from '../core/ports/job-queue.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { Metrics } from '../core/ports/metrics.ts';
import { AccessRouter } from './access-router.ts';
import type { Config } from './config.ts';
import { type AppServices, features, type InstalledFeature, type ServicesOf } from './features.ts';
import { meteredFetcher, meteredModel, meteredStores } from './instrument.ts';
import { createJobQueue } from './job-queue.ts';
import { MessengerRouter } from './messenger-router.ts';

/**
 * The composition root: config → database → stores → features → dispatcher. The only place that wires;
 * tests call it too (with a throwaway database and a manual clock), so they run the real thing.
 */
export interface App<S = AppServices> {
  core: Dispatcher;
  /** The core stores and every feature's handles: what commands see, and what a panel or script can call. */
  services: S;
  database: Database;
  /** Routes posts that no command triggered (digests, notices) to the running platform adapters. */
  messenger: MessengerRouter;
  /** Routes course unlocks (roles, channels) to the running platform adapters. */
  access: AccessRouter;
  /** Periodic jobs: in process on SQLite, pg-boss on PostgreSQL (bots/job-queue.ts). */
  scheduler: JobQueue;
  /** Every scheduled post goes through it; shutdown stops it first so its claims are finished or handed back. */
  posts: ScheduledPostRunner;
  /** Schedules every feature's jobs and runs their start-up work: call once the platforms can post. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface ComposeOptions<F extends readonly InstalledFeature[]> {
  config: Config;
  log: Logger;
  clock: Clock;
  /** Tests pass an already-open database; otherwise DATABASE_URL is opened and migrated. */
  database?: Database;
  /** The features to install; bots/features.ts by default. */
  features?: F;
  /** Feed origins fetched whatever the SSRF guard says: the sandbox's own demo feeds. */
  allowedFeedOrigins?: readonly string[];
  /** Where commands, jobs and scheduled posts are counted (the ops port's /metrics). Default: nowhere. */
  metrics?: Metrics;
  /** Whether this process runs jobs (roles all and worker) or only announces their slots. Default true. */
  takesJobs?: boolean;
  /** Which queue runs the jobs; default pg-boss when DATABASE_URL is PostgreSQL and the app opens it itself. */
  queue?: 'in-process' | 'pg-boss';
}

export async function composeApp<F extends readonly InstalledFeature[] = typeof features>(
  options: ComposeOptions<F>,
): Promise<App<ServicesOf<F>>> {
  const { config, log, clock, metrics } = options;
  const database = options.database ?? (await openDatabase(config.DATABASE_URL, { log: log.child({ ns: 'storage' }) }));
  const installed: readonly InstalledFeature[] = options.features ?? features;
  const db = database.prisma;
  const stores = createCoreStores(
    db,
    installed.flatMap((f) => f.storage?.communityTables ?? []),
    database.driver,
  );
  const translator = new Translator(catalogOf(installed.map((f) => f.feature)));
  const messenger = new MessengerRouter();
  const access = new AccessRouter();
  // One content model for the whole app: digests score with it, profiles and search embed with it. It loads on
  // first use, so a start that only answers /help never pays for it.
  const model = meteredModel(
    await createDeferredContentModel({
      name: config.MODEL_NAME,
      localDir: config.MODEL_DIR,
      allowRemote: config.MODEL_ALLOW_REMOTE,
      log: log.child({ ns: 'adapter:ml' }),
    }),
    metrics,
  );
  const httpFetcher = new HttpFeedFetcher({
    allowPrivateNetworks: config.FEED_ALLOW_PRIVATE_NETWORKS,
    allowedOrigins: options.allowedFeedOrigins,
  });
  const fetcher = meteredFetcher(httpFetcher, metrics);
  const scheduler = await createJobQueue({
    config,
    clock,
    log,
    metrics,
    takesJobs: options.takesJobs ?? true,
    kind:
      options.queue ?? (config.DATABASE_URL.provider === 'postgresql' && !options.database ? 'pg-boss' : 'in-process'),
  });
  const posts = new ScheduledPostRunner({ store: new PrismaScheduledPostStore(db), messenger, clock, log, metrics });
  // Members' posts are found through their events, so the event log is erased last. Reply pages and commands in
  // flight are no feature's: the answers a member was shown (Telegram keeps long ones as pages) and the commands
  // still being answered (ADR 0018), whatever feature they are for.
  const personalData = [
    ...installed.flatMap((f) => f.storage?.personalData?.(db, clock) ?? []),
    replyPagesSource(db),
    inFlightCommandsSource(db, clock, log),
    eventLogSource(db),
  ];
  const assembly = assembleFeatures(
    installed.map((f) => ({ feature: f.feature, stores: meteredStores(f.storage?.stores(database), metrics) })),
    {
      core: { ...stores, translator },
      clock,
      log,
      messenger,
      access,
      model,
      fetcher,
      scheduler,
      posts,
      settings: {
        pseudonymSecret: config.PSEUDONYM_SECRET,
        feeds: {
          instantPerMinute: config.FEED_INSTANT_PER_MINUTE,
          hostFetchesPerMinute: config.FEED_HOST_FETCHES_PER_MINUTE,
          pollEveryMs: config.FEED_POLL_SECONDS * 1000,
        },
        commerce: {
          promoWeeklyQuota: config.COMMERCE_PROMO_WEEKLY_QUOTA,
          renewalNoticeDays: config.COMMERCE_RENEWAL_NOTICE_DAYS,
          levelBasePoints: config.COMMERCE_LEVEL_BASE_POINTS,
        },
        payments: { operatorFeeBps: config.PAYMENTS_FEE_BPS, graceDays: config.PAYMENTS_GRACE_DAYS },
      },
      personalData: () => personalData,
    },
  );
  const dispatcher = new Dispatcher({
    commands: assembly.commands,
    services: assembly.services,
    eventListeners: assembly.listeners,
    log,
    clock,
    metrics,
  });
  // Stripe works on every platform: its gateway is known from the configuration alone.
  const payments = (assembly.services as Partial<AppServices>).payments;
  if (payments && config.STRIPE_SECRET_KEY && config.STRIPE_RETURN_URL)
    payments.register(
      createStripeGateway({
        secretKey: config.STRIPE_SECRET_KEY,
        returnUrl: config.STRIPE_RETURN_URL,
        apiUrl: config.STRIPE_API_URL,
      }),
    );
  let started = false;
  return {
    core: dispatcher,
    services: assembly.services as ServicesOf<F>,
    database,
    messenger,
    access,
    scheduler,
    posts,
    async start() {
      if (started) return;
      started = true;
      for (const job of assembly.jobs) scheduler.schedule(job);
      await scheduler.start();
      await assembly.start();
    },
    async close() {
      // Feed fetches in flight stop first (a slow feed would hold up the poller's stop), then the runner (a send in
      // progress finishes, slots being built are handed back), then the jobs, then the commands already running,
      // then the features' background work (a retrain a catalogue change started), then the connections.
      await httpFetcher.close();
      await posts.stop();
      await scheduler.stop();
      await dispatcher.drain();
      await assembly.stop();
      await model.dispose();
      if (!options.database) await database.close();
    },
  };
}
