import type { RichReply } from '../../domain/reply.ts';
import type { Community, InteractionEvent } from '../../domain/types.ts';
import type { Translator } from '../../i18n/translate.ts';
import type { Clock } from '../../ports/clock.ts';
import type { FeedFetcher } from '../../ports/feed-fetcher.ts';
import type { Logger } from '../../ports/logger.ts';
import type { Messenger } from '../../ports/messenger.ts';
import type { CommunityStore, CourseStore, EventStore } from '../../ports/stores.ts';
import { describeFeedError } from '../errors.ts';
import { readFeedDocument } from '../feed-document.ts';
import {
  DEFAULT_INGEST_OPTIONS,
  type IngestDeps,
  type IngestOptions,
  type IngestSummary,
  ingestItems,
} from '../ingest/ingest.ts';
import { type PreparedItem, prepareItem } from '../ingest/prepare.ts';
import type { ContentStores } from '../ports.ts';
import type { ContentScorer } from '../scoring/scorer.ts';
import { type ContentSource, SOURCE_FAILURE_HISTORY } from '../types.ts';
import { COMMUNITY_POSTS_URL, courseToItem, postToItem } from './community-items.ts';

export interface PollDeps {
  stores: ContentStores;
  fetcher: FeedFetcher;
  scorer: ContentScorer;
  communities: CommunityStore;
  events: EventStore;
  courses: CourseStore;
  translator: Translator;
  /** Where source-disabled notices go. */
  messenger: Messenger;
  clock: Clock;
  log: Logger;
}

export interface PollOptions {
  /** Consecutive failures after which a source is switched off and moderators are told. Default 5. */
  maxConsecutiveFailures: number;
  /** Backoff ceiling. Default 24 h. */
  maxBackoffMs: number;
  /** How far back the first read of members' posts and courses looks (the first digest's window). Default 30 days. */
  firstReadWindowMs: number;
  /** Fetches one host gets per `hostWindowMs`; further due sources of that host wait. Default 10 per minute. */
  hostFetches: number;
  hostWindowMs: number;
  ingest: IngestOptions;
}

export const DEFAULT_POLL_OPTIONS: PollOptions = {
  maxConsecutiveFailures: 5,
  maxBackoffMs: 86_400_000,
  firstReadWindowMs: 30 * 86_400_000,
  hostFetches: 10,
  hostWindowMs: 60_000,
  ingest: DEFAULT_INGEST_OPTIONS,
};

/** Items kept from the first read of members' posts or courses (the log read itself takes 1,000 events). */
const FIRST_READ_CAP = 1_000;

export type PollOutcome =
  | { status: 'ok'; summary: IngestSummary }
  | { status: 'not_modified' }
  /** The host's fetch budget was spent (or it asked to wait): tried again at `until`. */
  | { status: 'deferred'; until: Date }
  | { status: 'failed' | 'disabled'; code: string; params: Record<string, string | number>; failures: number };

/** Exponential backoff: interval · 2^failures, capped. */
export function backoffMs(intervalMs: number, failures: number, maxMs: number): number {
  return Math.min(maxMs, intervalMs * 2 ** Math.min(failures, 20));
}

/** The host a feed source is fetched from; null for the built-in sources. */
function hostOf(source: ContentSource): string | null {
  if (source.kind !== 'feed') return null;
  try {
    return new URL(source.url).host.toLowerCase();
  } catch {
    return null;
  }
}

export class SourcePoller {
  readonly #deps: PollDeps;
  readonly #options: PollOptions;
  /** Recent fetch times per host, and hosts that asked us (Retry-After) to wait until a time. */
  readonly #hostFetches = new Map<string, number[]>();
  readonly #hostBlockedUntil = new Map<string, number>();

  constructor(deps: PollDeps, options: Partial<PollOptions> = {}) {
    this.#deps = deps;
    this.#options = { ...DEFAULT_POLL_OPTIONS, ...options };
  }

  /** Polls every due source once; one source's failure never stops the others. */
  async pollDue(limit = 20): Promise<Map<string, PollOutcome>> {
    const due = await this.#deps.stores.sources.listDue(this.#deps.clock.now(), limit);
    const outcomes = new Map<string, PollOutcome>();
    for (const source of due) {
      const wait = this.#hostWait(source);
      if (wait !== null) {
        // Not a failure: the host's budget is spent, or it asked us to back off. The source stays first in line.
        await this.#deps.stores.sources.update(source.id, { nextFetchAt: wait });
        outcomes.set(source.id, { status: 'deferred', until: wait });
        continue;
      }
      outcomes.set(source.id, await this.poll(source));
    }
    return outcomes;
  }

  /** When the source's host may be fetched again, or null when it may be now (and the fetch is counted). */
  #hostWait(source: ContentSource): Date | null {
    const host = hostOf(source);
    if (!host) return null;
    const now = this.#deps.clock.now().getTime();
    const blocked = this.#hostBlockedUntil.get(host) ?? 0;
    if (blocked > now) return new Date(blocked);
    const recent = (this.#hostFetches.get(host) ?? []).filter((at) => now - at < this.#options.hostWindowMs);
    if (recent.length >= this.#options.hostFetches) {
      this.#hostFetches.set(host, recent);
      return new Date((recent[0] as number) + this.#options.hostWindowMs);
    }
    recent.push(now);
    this.#hostFetches.set(host, recent);
    return null;
  }

  /** The next fetch: the interval, or longer when the server's caching headers say the document stays fresh. */
  #nextFetch(source: ContentSource, at: Date, freshForMs: number | null | undefined): Date {
    return new Date(at.getTime() + Math.max(source.intervalMs, freshForMs ?? 0));
  }

  async poll(source: ContentSource): Promise<PollOutcome> {
    const { stores, clock } = this.#deps;
    const log = this.#deps.log.child({ sourceId: source.id, kind: source.kind });
    const startedAt = clock.now();
    try {
      const read = await this.#read(source, startedAt);
      if (read.kind === 'not_modified') {
        await stores.sources.update(source.id, {
          lastFetchedAt: startedAt,
          nextFetchAt: this.#nextFetch(source, startedAt, read.freshForMs),
          consecutiveFailures: 0,
          lastError: null,
        });
        return { status: 'not_modified' };
      }
      const summary = await ingestItems(
        this.#ingestDeps(source.communityId),
        source,
        read.items,
        this.#ingestOptions(source),
      );
      await stores.sources.update(source.id, {
        ...(read.title && source.kind === 'feed' && source.title === source.url ? { title: read.title } : {}),
        etag: read.etag,
        lastModified: read.lastModified,
        lastFetchedAt: startedAt,
        nextFetchAt: this.#nextFetch(source, startedAt, read.freshForMs),
        consecutiveFailures: 0,
        lastError: null,
      });
      log.info(
        {
          received: summary.received,
          kept: summary.kept,
          unchanged: summary.unchanged,
          dropped: summary.dropped,
          skipped: read.skipped,
        },
        'source polled',
      );
      return { status: 'ok', summary };
    } catch (error) {
      return this.#fail(source, error, startedAt, log);
    }
  }

  /**
   * The first read of the community's own channels brings in its history (every post is its own, not a feed
   * flooding renamed items), so the per-fetch cap does not cut it to the newest few: the first digest and the
   * community's quality layer start from all of it.
   */
  #ingestOptions(source: ContentSource): IngestOptions {
    const ingest = this.#options.ingest;
    return source.kind !== 'feed' && !source.lastFetchedAt
      ? { ...ingest, perFetchCap: Math.max(ingest.perFetchCap, FIRST_READ_CAP) }
      : ingest;
  }

  async #read(
    source: ContentSource,
    now: Date,
  ): Promise<
    | { kind: 'not_modified'; freshForMs: number | null | undefined }
    | {
        kind: 'ok';
        freshForMs?: number | null;
        items: PreparedItem[];
        title: string | null;
        etag: string | null;
        lastModified: string | null;
        skipped?: { overCap: number; unreadable: number };
      }
  > {
    // An hour of overlap: rows can be written after their own timestamp; guids make re-reads harmless.
    const since = source.lastFetchedAt
      ? new Date(source.lastFetchedAt.getTime() - 3_600_000)
      : new Date(now.getTime() - this.#options.firstReadWindowMs);
    if (source.kind === 'community') {
      // Members' posts arrive through the content feature's event listener as they are recorded (takePost); a
      // read of the log is only the first one, which brings in the recent history from before the source existed.
      if (source.lastFetchedAt) return { kind: 'ok', items: [], title: null, etag: null, lastModified: null };
      const events = await this.#deps.events.query({
        communityId: source.communityId,
        verbs: ['message.posted'],
        since,
        limit: 1_000,
      });
      return {
        kind: 'ok',
        items: events.flatMap((event) => this.#post(event, now)),
        title: null,
        etag: null,
        lastModified: null,
      };
    }
    if (source.kind === 'courses') {
      const courses = await this.#deps.courses.list(source.communityId, { limit: 500 });
      const items = courses
        .filter((course) => course.createdAt.getTime() >= since.getTime())
        .map((course) => prepareItem(courseToItem(course), null, now));
      return { kind: 'ok', items, title: null, etag: null, lastModified: null };
    }
    const fetched = await this.#deps.fetcher.fetch(source.url, {
      etag: source.etag,
      lastModified: source.lastModified,
    });
    if (fetched.kind === 'not_modified') return { kind: 'not_modified', freshForMs: fetched.freshForMs };
    const document = readFeedDocument(fetched.body);
    return {
      kind: 'ok',
      freshForMs: fetched.freshForMs,
      items: document.items.map((raw) => prepareItem(raw, fetched.finalUrl, now)),
      title: document.title || null,
      skipped: document.skipped,
      etag: fetched.etag,
      lastModified: fetched.lastModified,
    };
  }

  /**
   * A member's post as it is recorded: a candidate of the community's members' posts source, when the community has
   * that source switched on. Chit-chat is not content and is skipped.
   */
  async takePost(
    communityId: string,
    post: Pick<InteractionEvent, 'objectId' | 'metadata' | 'occurredAt'>,
  ): Promise<IngestSummary | null> {
    const now = this.#deps.clock.now();
    const prepared = this.#post(post, now);
    if (prepared.length === 0) return null;
    const source = await this.#deps.stores.sources.findByUrl(communityId, COMMUNITY_POSTS_URL);
    if (!source?.enabled) return null;
    return ingestItems(this.#ingestDeps(communityId), source, prepared, this.#options.ingest);
  }

  #ingestDeps(communityId: string): IngestDeps {
    const { stores, scorer, clock } = this.#deps;
    return {
      items: stores.items,
      quality: stores.quality,
      scorer,
      clock,
      sources: stores.sources,
      delivered: (ids) => stores.runs.deliveredAnywhere(communityId, ids),
    };
  }

  #post(post: Pick<InteractionEvent, 'objectId' | 'metadata' | 'occurredAt'>, now: Date): PreparedItem[] {
    const raw = postToItem(post);
    return raw ? [prepareItem(raw, null, now)] : [];
  }

  async #fail(source: ContentSource, error: unknown, now: Date, log: PollDeps['log']): Promise<PollOutcome> {
    const { code, params } = describeFeedError(error);
    if (code === 'FEED_ABORTED') {
      // Cut short by a shutdown: not the feed's fault, and it stays due, so the next start polls it first.
      log.info({ code }, 'source fetch stopped by shutdown');
      return { status: 'failed', code, params, failures: source.consecutiveFailures };
    }
    const failures = source.consecutiveFailures + 1;
    const disable = failures >= this.#options.maxConsecutiveFailures;
    log.warn({ code, params, failures, disable }, 'source fetch failed');
    // A server that says when to come back (429/503 Retry-After) is not asked before then, on any of its feeds.
    const retryAfterMs = typeof params.retryAfterS === 'number' ? params.retryAfterS * 1000 : 0;
    const host = hostOf(source);
    if (host && retryAfterMs > 0) this.#hostBlockedUntil.set(host, now.getTime() + retryAfterMs);
    const waitMs = Math.max(backoffMs(source.intervalMs, failures, this.#options.maxBackoffMs), retryAfterMs);
    await this.#deps.stores.sources.update(source.id, {
      consecutiveFailures: failures,
      lastError: code,
      lastFetchedAt: now,
      nextFetchAt: new Date(now.getTime() + waitMs),
      failures: [{ at: now, code, params }, ...source.failures].slice(0, SOURCE_FAILURE_HISTORY),
      ...(disable ? { enabled: false, disabledReason: code } : {}),
    });
    if (disable) await this.#notify(source, code, params, failures, log);
    return { status: disable ? 'disabled' : 'failed', code, params, failures };
  }

  async #notify(
    source: ContentSource,
    code: string,
    params: Record<string, string | number>,
    failures: number,
    log: PollDeps['log'],
  ): Promise<void> {
    const community = await this.#deps.communities.get(source.communityId);
    if (!community || !source.noticeChannelId) {
      log.warn({ code }, 'source disabled; no channel to tell moderators in');
      return;
    }
    const reply = sourceDisabledNotice(this.#deps.translator, community, source, code, params, failures);
    try {
      await this.#deps.messenger.post(
        { platform: community.platform, spaceId: community.platformId, channelId: source.noticeChannelId },
        reply,
      );
    } catch (error) {
      log.error({ err: error }, 'could not post the source-disabled notice');
    }
  }
}

export function sourceDisabledNotice(
  translator: Translator,
  community: Community,
  source: ContentSource,
  code: string,
  params: Record<string, string | number>,
  failures: number,
): RichReply {
  const t = translator.forLocale(community.locale ?? 'en');
  return {
    tone: 'warning',
    title: t('content:source.disabledTitle'),
    text: t('content:source.disabledText', {
      url: source.url,
      failures,
      reason: t(`content:feedError.${code}`, params),
    }),
    footer: t('content:source.disabledFooter', { id: source.id }),
  };
}
