import type { Community } from '../domain/types.ts';
import type { EventEnvelope } from '../framework/envelopes.ts';
import type { ScheduledPostRunner } from '../framework/scheduled-posts.ts';
import type { Translator } from '../i18n/translate.ts';
import type { Clock } from '../ports/clock.ts';
import type { FeedFetcher } from '../ports/feed-fetcher.ts';
import type { JobScheduler } from '../ports/jobs.ts';
import type { Logger } from '../ports/logger.ts';
import type { Messenger } from '../ports/messenger.ts';
import type { CommunityStore, CourseStore, EventStore } from '../ports/stores.ts';
import { InstantDelivery, type InstantOptions } from './delivery/instant.ts';
import { DigestCronRunner } from './digest/cron-runner.ts';
import { DigestService } from './digest/digest-service.ts';
import { DEFAULT_INGEST_OPTIONS as DEFAULT_INGEST, type IngestOptions } from './ingest/ingest.ts';
import type { ContentStores } from './ports.ts';
import { CommunityQualityLearner } from './scoring/community-learning.ts';
import type { ContentScorer } from './scoring/scorer.ts';
import { type PollOptions, SourcePoller } from './sources/poll.ts';
import { SourceService } from './sources/source-service.ts';

/**
 * The content feature as one service (`services.content`): sources, polling, digests, their timers.
 * core/content/feature.ts builds it with the feature's stores, the HTTP fetcher and the model's scorer; start()
 * arms the digest timers once every platform can post.
 */
export interface ContentServiceDeps {
  stores: ContentStores;
  fetcher: FeedFetcher;
  scorer: ContentScorer;
  communities: CommunityStore;
  events: EventStore;
  courses: CourseStore;
  translator: Translator;
  /** Where notices to moderators go (a source switched off). */
  messenger: Messenger;
  /** Digest timers run as scheduler jobs. */
  scheduler: JobScheduler;
  /** Scheduled digests post through the scheduled-post runner. */
  posts: ScheduledPostRunner;
  clock: Clock;
  log: Logger;
  options?: {
    /** Default polling interval of a new feed source. Default 30 min. */
    sourceIntervalMs?: number;
    /** How often due sources are looked for. Default 60 s. */
    pollEveryMs?: number;
    /** How often each community's quality layer learns from its members' signals. Default 15 min. */
    learnEveryMs?: number;
    poll?: Partial<PollOptions>;
    ingest?: Partial<IngestOptions>;
    instant?: Partial<InstantOptions>;
  };
}

export class ContentService {
  readonly stores: ContentStores;
  readonly poller: SourcePoller;
  readonly sources: SourceService;
  readonly digests: DigestService;
  readonly cron: DigestCronRunner;
  readonly instant: InstantDelivery;
  /** The per-community quality layer: learns from members' signals, calibrates the scores moderators see. */
  readonly quality: CommunityQualityLearner;
  /** How often the feature's poll job runs. */
  readonly pollEveryMs: number;
  readonly learnEveryMs: number;
  readonly #log: Logger;
  readonly #clock: Clock;
  #polling: Promise<unknown> | null = null;

  constructor(deps: ContentServiceDeps) {
    const log = deps.log.child({ ns: 'core:content' });
    this.#log = log;
    this.#clock = deps.clock;
    this.stores = deps.stores;
    this.pollEveryMs = deps.options?.pollEveryMs ?? 60_000;
    this.learnEveryMs = deps.options?.learnEveryMs ?? 15 * 60_000;
    const pollOptions: Partial<PollOptions> = { ...deps.options?.poll };
    if (deps.options?.ingest) {
      pollOptions.ingest = { ...(pollOptions.ingest ?? DEFAULT_INGEST), ...deps.options.ingest };
    }
    this.poller = new SourcePoller({ ...deps, log }, pollOptions);
    this.sources = new SourceService({
      sources: deps.stores.sources,
      items: deps.stores.items,
      fetcher: deps.fetcher,
      poller: this.poller,
      clock: deps.clock,
      intervalMs: deps.options?.sourceIntervalMs ?? 30 * 60_000,
    });
    this.quality = new CommunityQualityLearner({
      quality: deps.stores.quality,
      items: deps.stores.items,
      events: deps.events,
      clock: deps.clock,
      log: log.child({ ns: 'core:quality' }),
    });
    this.digests = new DigestService({
      stores: deps.stores,
      quality: this.quality,
      prepare: (communityId) => this.#firstRead(communityId),
      events: deps.events,
      communities: deps.communities,
      translator: deps.translator,
      posts: deps.posts,
      clock: deps.clock,
      log: log.child({ ns: 'core:digest' }),
      modelId: deps.scorer.modelId,
      messenger: deps.messenger,
      onSchedulesChanged: () =>
        void this.cron.changed().catch((error) => log.error({ err: error }, 'cron refresh failed')),
    });
    this.instant = new InstantDelivery(
      {
        stores: deps.stores,
        communities: deps.communities,
        translator: deps.translator,
        posts: deps.posts,
        clock: deps.clock,
        log: log.child({ ns: 'core:instant' }),
      },
      deps.options?.instant,
    );
    this.cron = new DigestCronRunner({
      schedules: deps.stores.schedules,
      scheduler: deps.scheduler,
      run: (schedule) => this.digests.runSchedule(schedule),
      catchUp: () => this.digests.runDue(),
      log,
    });
  }

  /** Arms the digest timers and catches up each schedule's latest missed slot once. */
  async start(): Promise<void> {
    await this.cron.start();
  }

  /**
   * One pass of the minute job: polls due sources and re-checks schedules (a safety net for a missed timer and the
   * retry path of a failed post). A pass still running is not overlapped.
   */
  async pollOnce(): Promise<void> {
    if (this.#polling) return;
    this.#polling = Promise.all([
      // New items go out instantly right after the poll that brought them (and waiting ones, as the rate allows).
      this.poller
        .pollDue()
        .catch((error) => this.#log.error({ err: error }, 'polling failed'))
        .then(() => this.instant.deliverDue()),
      this.digests.runDue(),
    ]);
    try {
      await this.#polling;
    } finally {
      this.#polling = null;
    }
  }

  /**
   * Reads the community's built-in sources (members' posts, course announcements) once, before its first digest:
   * a community that installs Cohort with weeks of history previews and posts a first digest with items in it,
   * without waiting for the poll job.
   */
  async #firstRead(communityId: string): Promise<void> {
    const builtins = await this.sources.ensureBuiltins(communityId);
    for (const source of builtins) {
      if (source.enabled && !source.lastFetchedAt) await this.poller.poll(source);
    }
  }

  /** One pass of the learning job: every active community's quality layer learns from its latest signals. */
  async learnOnce(): Promise<void> {
    await this.quality.learnAll();
  }

  /** A member's post, recorded on a platform: a digest candidate when the community takes members' posts. */
  async takePost(event: EventEnvelope, scope: { community: Community }): Promise<void> {
    if (event.verb !== 'message.posted') return;
    await this.poller.takePost(scope.community.id, {
      objectId: event.objectId,
      metadata: event.metadata ?? {},
      occurredAt: event.occurredAt ?? this.#clock.now(),
    });
  }

  async stop(): Promise<void> {
    this.cron.stop();
    await this.#polling;
  }
}
