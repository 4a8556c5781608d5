import type { Community } from '../../domain/types.ts';
import { UserError } from '../../errors.ts';
import type { Clock } from '../../ports/clock.ts';
import type { FeedFetcher } from '../../ports/feed-fetcher.ts';
import { canonicalUrl } from '../clean/canonical-url.ts';
import { detectLanguage } from '../clean/language.ts';
import { describeFeedError } from '../errors.ts';
import { type FeedDocument, readFeedDocument } from '../feed-document.ts';
import type { ContentSourceStore } from '../ports.ts';
import type { ContentSource } from '../types.ts';
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
  }): Promise<
    | { ok: true; source: ContentSource; probe: FeedProbe; kept: number }
    | { ok: false; code: string; params: Record<string, string | number> }
  > {
    await this.ensureBuiltins(input.community.id);
    const key = canonicalUrl(input.url);
    if (!key)
      throw new UserError('SOURCE_URL_INVALID', 'content:feedError.FEED_BAD_URL', { url: input.url.slice(0, 200) });
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
    const outcome = await this.deps.poller.poll(source);
    return { ok: true, source, probe, kept: outcome.status === 'ok' ? outcome.summary.kept : 0 };
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
    const source = await this.deps.sources.get(id);
    if (!source || source.communityId !== communityId)
      throw new UserError('SOURCE_NOT_FOUND', 'content:source.notFound', { id });
    await this.deps.sources.remove(id);
  }
}
