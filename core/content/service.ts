import type { Translator } from '../i18n/translate.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Messenger } from '../ports/messenger.ts';
import type { CommunityStore, CourseStore, EventLog } from '../ports/stores.ts';
import { DigestCronRunner } from './digest/cron-runner.ts';
import { DigestService } from './digest/digest-service.ts';
import { DEFAULT_INGEST_OPTIONS as DEFAULT_INGEST, type IngestOptions } from './ingest/ingest.ts';
import type { ContentStores, FeedFetcher } from './ports.ts';
import type { ContentScorer } from './scoring/scorer.ts';
import { type PollOptions, SourcePoller } from './sources/poll.ts';
import { SourceService } from './sources/source-service.ts';

/**
 * The content feature as one service (`services.content`): sources, polling, digests, their timers.
 * bots/ builds it with the Prisma stores, the HTTP fetcher and the model's scorer, then calls start().
 */
export interface ContentServiceDeps {
  stores: ContentStores;
  fetcher: FeedFetcher;
  scorer: ContentScorer;
  communities: CommunityStore;
  events: EventLog;
  courses: CourseStore;
  translator: Translator;
  /** The platform's outbound messenger, once connected. */
  messenger: () => Messenger | null;
  clock: Clock;
  log: Logger;
  options?: {
    /** Default polling interval of a new feed source. Default 30 min. */
    sourceIntervalMs?: number;
    /** How often due sources are looked for. Default 60 s. */
    pollEveryMs?: number;
    poll?: Partial<PollOptions>;
    ingest?: Partial<IngestOptions>;
  };
}

export class ContentService {
  readonly stores: ContentStores;
  readonly poller: SourcePoller;
  readonly sources: SourceService;
  readonly digests: DigestService;
  readonly cron: DigestCronRunner;
  readonly #pollEveryMs: number;
  readonly #log: Logger;
  #pollTimer: NodeJS.Timeout | null = null;
  #polling: Promise<unknown> | null = null;

  constructor(deps: ContentServiceDeps) {
    const log = deps.log.child({ ns: 'core:content' });
    this.#log = log;
    this.stores = deps.stores;
    this.#pollEveryMs = deps.options?.pollEveryMs ?? 60_000;
    const pollOptions: Partial<PollOptions> = { ...deps.options?.poll };
    if (deps.options?.ingest) {
      pollOptions.ingest = { ...(pollOptions.ingest ?? DEFAULT_INGEST), ...deps.options.ingest };
    }
    this.poller = new SourcePoller({ ...deps, log }, pollOptions);
    this.sources = new SourceService({
      sources: deps.stores.sources,
      fetcher: deps.fetcher,
      poller: this.poller,
      clock: deps.clock,
      intervalMs: deps.options?.sourceIntervalMs ?? 30 * 60_000,
    });
    this.digests = new DigestService({
      stores: deps.stores,
      events: deps.events,
      communities: deps.communities,
      translator: deps.translator,
      messenger: deps.messenger,
      clock: deps.clock,
      log: log.child({ ns: 'core:digest' }),
      modelId: deps.scorer.modelId,
      onSchedulesChanged: () =>
        void this.cron.refresh().catch((error) => log.error({ err: error }, 'cron refresh failed')),
    });
    this.cron = new DigestCronRunner({
      schedules: deps.stores.schedules,
      run: (schedule) => this.digests.runSchedule(schedule),
      catchUp: () => this.digests.runDue(),
      log,
    });
  }

  /**
   * Starts the digest timers (catching up missed slots once) and the minute loop that polls due sources and
   * re-checks schedules (a safety net for a missed timer and the retry path of a failed post).
   */
  async start(): Promise<void> {
    await this.cron.start();
    this.#pollTimer = setInterval(() => void this.pollOnce(), this.#pollEveryMs);
    this.#pollTimer.unref();
    void this.pollOnce();
  }

  /** One pass of the minute loop; a pass still running is not overlapped. */
  async pollOnce(): Promise<void> {
    if (this.#polling) return;
    this.#polling = Promise.all([
      this.poller.pollDue().catch((error) => this.#log.error({ err: error }, 'polling failed')),
      this.digests.runDue(),
    ]);
    try {
      await this.#polling;
    } finally {
      this.#polling = null;
    }
  }

  async stop(): Promise<void> {
    if (this.#pollTimer) clearInterval(this.#pollTimer);
    this.#pollTimer = null;
    this.cron.stop();
    await this.#polling;
  }
}
