import type { Community } from '../../domain/types.ts';
import { UserError } from '../../errors.ts';
import type { Clock } from '../../ports/clock.ts';
import type { FeedFetcher } from '../../ports/feed-fetcher.ts';
import { canonicalUrl } from '../clean/canonical-url.ts';
import { detectLanguage } from '../clean/language.ts';
import { describeFeedError } from '../errors.ts';
import { type FeedDocument, readFeedDocument } from '../feed-document.ts';
import { matchesFilter, parseFilter } from '../filter/filter-expression.ts';
import { filterSubject } from '../filter/filter-subject.ts';
import type { ContentItemStore, ContentSourceStore } from '../ports.ts';
import { type ContentItem, type ContentSource, SOURCE_PAUSED as PAUSED, type SourceDelivery } from '../types.ts';
import { COMMUNITY_POSTS_URL } from './community-items.ts';
import type { SourcePoller } from './poll.ts';

export interface FeedProbe {
  ok: true;
  document: FeedDocument;
  finalUrl: string;
  languages: string[];
}
export type FeedProbeResult = FeedProbe | { ok: false; code: string; params: Record<string, string | number> };

/** Adding, listing, removing and testing sources: what the `/source` commands call. */
export class SourceService {
  constructor(
    private readonly deps: {
      sources: ContentSourceStore;
      items: ContentItemStore;
      fetcher: FeedFetcher;
      poller: SourcePoller;
      clock: Clock;
      /** Default polling interval. */
      intervalMs: number;
    },
  ) {}

  /** Fetches and reads a feed without storing anything. */
  async test(url: string): Promise<FeedProbeResult> {
    try {
      const fetched = await this.deps.fetcher.fetch(url, { etag: null, lastModified: null });
      if (fetched.kind !== 'ok') throw new Error('unexpected not-modified on an unconditional fetch');
      const document = readFeedDocument(fetched.body);
      const languages = [...new Set(document.items.slice(0, 20).map((i) => detectLanguage(`${i.title} ${i.body}`)))];
      return { ok: true, document, finalUrl: fetched.finalUrl, languages };
    } catch (error) {
      return { ok: false, ...describeFeedError(error) };
    }
  }

  /**
   * Checks the feed first (a source that cannot be read is refused with its reason), stores it, and reads it
   * once so the moderator sees what it yields.
   */
  async add(input: {
    community: Community;
    url: string;
    topics: string[];
    /** Polling interval; the service default when absent. */
    intervalMs?: number;
    noticeChannelId: string | null;
    createdById: string | null;
    /** A filter expression; checked before anything is fetched or stored. */
    filter?: string | null;
  }): Promise<
    | { ok: true; source: ContentSource; probe: FeedProbe; kept: number }
    | { ok: false; code: string; params: Record<string, string | number> }
  > {
    await this.ensureBuiltins(input.community.id);
    const key = canonicalUrl(input.url);
    if (!key)
      throw new UserError('SOURCE_URL_INVALID', 'content:feedError.FEED_BAD_URL', { url: input.url.slice(0, 200) });
    const filter = input.filter ? normaliseFilter(input.filter) : null;
    const existing = await this.deps.sources.findByUrl(input.community.id, input.url);
    if (existing) throw new UserError('SOURCE_EXISTS', 'content:source.exists', { url: input.url });
    const probe = await this.test(input.url);
    if (!probe.ok) return probe;
    const now = this.deps.clock.now();
    const source = await this.deps.sources.create({
      communityId: input.community.id,
      kind: 'feed',
      url: input.url,
      title: probe.document.title || input.url,
      topics: input.topics,
      intervalMs: input.intervalMs ?? this.deps.intervalMs,
      noticeChannelId: input.noticeChannelId,
      createdById: input.createdById,
      nextFetchAt: now,
    });
    const configured = filter ? await this.deps.sources.configure(source.id, { filter }) : source;
    const outcome = await this.deps.poller.poll(configured);
    const stored = (await this.deps.sources.get(source.id)) ?? configured;
    return { ok: true, source: stored, probe, kept: outcome.status === 'ok' ? outcome.summary.kept : 0 };
  }

  /** The community's built-in sources (members' posts, course announcements), created on first use. */
  async ensureBuiltins(communityId: string, intervalMs = 15 * 60_000): Promise<ContentSource[]> {
    const now = this.deps.clock.now();
    const out: ContentSource[] = [];
    for (const [kind, url, title] of [
      ['community', COMMUNITY_POSTS_URL, "Members' posts"],
      ['courses', 'community:courses', 'Course announcements'],
    ] as const) {
      const existing = await this.deps.sources.findByUrl(communityId, url);
      out.push(
        existing ??
          (await this.deps.sources.create({
            communityId,
            kind,
            url,
            title,
            topics: [],
            intervalMs,
            noticeChannelId: null,
            createdById: null,
            nextFetchAt: now,
          })),
      );
    }
    return out;
  }

  /** The community's sources, its built-in ones (members' posts, course announcements) included. */
  async list(communityId: string): Promise<ContentSource[]> {
    await this.ensureBuiltins(communityId);
    return this.deps.sources.list(communityId);
  }

  async remove(communityId: string, id: string): Promise<void> {
    await this.own(communityId, id);
    await this.deps.sources.remove(id);
  }

  /** The community's source, or SOURCE_NOT_FOUND. */
  async own(communityId: string, id: string): Promise<ContentSource> {
    const source = await this.deps.sources.get(id);
    if (!source || source.communityId !== communityId)
      throw new UserError('SOURCE_NOT_FOUND', 'content:source.notFound', { id });
    return source;
  }

  /** Sets (or, with null, clears) a source's filter. A filter that does not parse is refused with the reason. */
  async setFilter(communityId: string, id: string, expression: string | null): Promise<ContentSource> {
    await this.own(communityId, id);
    return this.deps.sources.configure(id, { filter: expression === null ? null : normaliseFilter(expression) });
  }

  /**
   * What a filter (the source's own when none is given) keeps of the source's latest `limit` items: the moderator's
   * dry run before they set it.
   */
  async testFilter(
    communityId: string,
    id: string,
    expression: string | null,
    limit = 50,
  ): Promise<{ source: ContentSource; expression: string | null; kept: ContentItem[]; dropped: ContentItem[] }> {
    const source = await this.own(communityId, id);
    const used = expression ? normaliseFilter(expression) : source.filter;
    const items = await this.deps.items.latestOfSource(source.id, limit);
    if (!used) return { source, expression: null, kept: items, dropped: [] };
    const tree = parseFilter(used);
    const kept: ContentItem[] = [];
    const dropped: ContentItem[] = [];
    for (const item of items) (matchesFilter(tree, filterSubject(item)) ? kept : dropped).push(item);
    return { source, expression: used, kept, dropped };
  }

  /**
   * How the source's items go out: in digests, one by one as they arrive (`instant`), or both; where instant posts
   * go (a channel, a thread, `new` for a forum post per item). Switching instant on does not post the backlog.
   */
  async setDelivery(
    communityId: string,
    id: string,
    input: { delivery: SourceDelivery; channelId?: string | null; threadId?: string | null },
  ): Promise<ContentSource> {
    const source = await this.own(communityId, id);
    const instantBefore = source.delivery !== 'digest';
    const instantNow = input.delivery !== 'digest';
    // Switched on, or moved to another channel or thread: only items that arrive from now on go out there (the
    // never-repeat ledger is per channel, so a move would otherwise post the recent backlog again).
    const moved =
      (input.channelId !== undefined && input.channelId !== source.channelId) ||
      (input.threadId !== undefined && input.threadId !== source.threadId);
    return this.deps.sources.configure(id, {
      delivery: input.delivery,
      ...(input.channelId !== undefined ? { channelId: input.channelId } : {}),
      ...(input.threadId !== undefined ? { threadId: input.threadId } : {}),
      ...(instantNow && (!instantBefore || moved) ? { instantSince: this.deps.clock.now() } : {}),
    });
  }

  /** Stops checking a feed until a moderator resumes it; its items and settings stay. */
  async pause(communityId: string, id: string): Promise<ContentSource> {
    const source = await this.#feed(communityId, id);
    if (!source.enabled && source.disabledReason === PAUSED) return source;
    return this.deps.sources.update(id, { enabled: false, disabledReason: PAUSED });
  }

  /**
   * Checks a paused feed again, or one switched off after failing: its failure count starts over and it is due at
   * once (the failure history stays, for `/source failures`).
   */
  async resume(communityId: string, id: string): Promise<{ source: ContentSource; changed: boolean }> {
    const source = await this.#feed(communityId, id);
    if (source.enabled) return { source, changed: false };
    const resumed = await this.deps.sources.update(id, {
      enabled: true,
      disabledReason: null,
      consecutiveFailures: 0,
      lastError: null,
      nextFetchAt: this.deps.clock.now(),
    });
    return { source: resumed, changed: true };
  }

  async #feed(communityId: string, id: string): Promise<ContentSource> {
    const source = await this.own(communityId, id);
    // Members' posts and course announcements are not fetched: there is nothing to pause.
    if (source.kind !== 'feed') throw new UserError('SOURCE_BUILTIN', 'content:source.builtinNoPause', { id });
    return source;
  }

  async setTemplate(communityId: string, id: string, template: string | null): Promise<ContentSource> {
    await this.own(communityId, id);
    return this.deps.sources.configure(id, { template });
  }
}

/** Parses to check, then keeps the moderator's text (trimmed): it is what `/source list` shows back. */
function normaliseFilter(expression: string): string {
  const text = expression.trim();
  parseFilter(text);
  return text;
}
