import type { Community } from '../../domain/types.ts';
import type { ScheduledPostRunner } from '../../framework/scheduled-posts.ts';
import type { Translator } from '../../i18n/translate.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { PostTarget } from '../../ports/messenger.ts';
import type { CommunityStore } from '../../ports/stores.ts';
import { filterPredicate } from '../filter/filter-expression.ts';
import { filterSubject } from '../filter/filter-subject.ts';
import type { ContentStores } from '../ports.ts';
import type { ContentItem, ContentSource } from '../types.ts';
import { renderInstantPost } from './template.ts';

/** The scheduled-post job of instant posts: one slot per (channel, item). */
export const INSTANT_JOB = 'feed-instant';

export interface InstantOptions {
  /** Instant posts per channel within `windowMs`; the rest wait for the next pass. Default 5 per minute. */
  perChannel: number;
  windowMs: number;
  /** How many of a source's latest items each pass looks at. Default 50. */
  lookback: number;
  /** How long a post the platform refused is retried. Default 6 h. */
  retryWindowMs: number;
}

export const DEFAULT_INSTANT_OPTIONS: InstantOptions = {
  perChannel: 5,
  windowMs: 60_000,
  lookback: 50,
  retryWindowMs: 6 * 3_600_000,
};

/**
 * Instant delivery: each new item of a source set to `instant` or `both` is posted on its own as it arrives, in the
 * source's channel (or thread, or as a new forum post), rendered with its template. Posts go through the
 * scheduled-post runner (claimed once, looked up before any re-send) and are recorded in the never-repeat ledger,
 * so an item posted instantly is not posted again by a digest in the same channel. A channel gets at most
 * `perChannel` posts per window; the rest wait, in order, for the next pass (every poll).
 */
export class InstantDelivery {
  readonly #options: InstantOptions;
  readonly #sent = new Map<string, number[]>();

  constructor(
    private readonly deps: {
      stores: ContentStores;
      communities: CommunityStore;
      translator: Translator;
      posts: ScheduledPostRunner;
      clock: Clock;
      log: Logger;
    },
    options: Partial<InstantOptions> = {},
  ) {
    this.#options = { ...DEFAULT_INSTANT_OPTIONS, ...options };
  }

  /** Where a source's instant posts go. */
  static channelOf(source: ContentSource): string | null {
    return source.channelId ?? source.noticeChannelId;
  }

  /** Posts what is due for every instant source; returns how many posts went out. */
  async deliverDue(): Promise<number> {
    let posted = 0;
    for (const source of await this.deps.stores.sources.listInstant()) {
      posted += await this.deliverSource(source).catch((error: unknown) => {
        this.deps.log.error({ err: error, sourceId: source.id }, 'instant delivery failed');
        return 0;
      });
    }
    return posted;
  }

  /** The items of the source an instant pass would post now, oldest first (filter applied, delivered ones out). */
  async pending(source: ContentSource): Promise<ContentItem[]> {
    const channelId = InstantDelivery.channelOf(source);
    if (!channelId || source.delivery === 'digest' || !source.enabled) return [];
    const since = source.instantSince?.getTime() ?? Number.POSITIVE_INFINITY;
    const keep = filterPredicate(source.filter);
    const items = (await this.deps.stores.items.latestOfSource(source.id, this.#options.lookback)).filter(
      (item) => item.dropReason === null && item.fetchedAt.getTime() > since && (!keep || keep(filterSubject(item))),
    );
    const delivered = await this.deps.stores.runs.deliveredIn(
      source.communityId,
      channelId,
      items.map((i) => i.id),
    );
    return items
      .filter((item) => !delivered.has(item.id))
      .sort((a, b) => a.publishedAt.getTime() - b.publishedAt.getTime() || a.id.localeCompare(b.id));
  }

  async deliverSource(source: ContentSource): Promise<number> {
    const channelId = InstantDelivery.channelOf(source);
    if (!channelId) return 0;
    const items = await this.pending(source);
    if (items.length === 0) return 0;
    const community = await this.deps.communities.get(source.communityId);
    if (!community) return 0;
    let posted = 0;
    for (const item of items) {
      if (!this.#take(community.id, channelId)) {
        this.deps.log.info({ sourceId: source.id, channelId, waiting: items.length - posted }, 'instant posts wait');
        break;
      }
      const outcome = await this.#post(community, source, channelId, item);
      if (outcome === 'posted') posted++;
      else this.#giveBack(community.id, channelId);
    }
    return posted;
  }

  async #post(
    community: Community,
    source: ContentSource,
    channelId: string,
    item: ContentItem,
  ): Promise<'posted' | 'other'> {
    const locale = community.locale ?? (item.language === 'zh' ? 'zh-CN' : 'en');
    const t = this.deps.translator.forLocale(locale);
    const target: PostTarget = {
      platform: community.platform,
      spaceId: community.platformId,
      channelId,
      ...(source.threadId && source.threadId !== 'new' ? { threadId: source.threadId } : {}),
      ...(source.threadId === 'new' ? { newThread: (item.title || source.title).slice(0, 100) } : {}),
    };
    const outcome = await this.deps.posts.run({
      job: INSTANT_JOB,
      subject: `${channelId}:${item.id}`,
      communityId: community.id,
      slotAt: item.fetchedAt,
      target,
      retryWindowMs: this.#options.retryWindowMs,
      build: async () =>
        renderInstantPost(t, source.template, {
          item,
          sourceTitle: source.title,
          timezone: community.timezone,
          locale,
        }),
      onPosted: async () => {
        await this.deps.stores.runs.recordDeliveries([
          { communityId: community.id, channelId, itemId: item.id, runId: null, deliveredAt: this.deps.clock.now() },
        ]);
      },
    });
    return outcome.status === 'posted' ? 'posted' : 'other';
  }

  /** A sliding window per channel: true when one more post fits now. */
  #take(communityId: string, channelId: string): boolean {
    const key = `${communityId}:${channelId}`;
    const now = this.deps.clock.now().getTime();
    const recent = (this.#sent.get(key) ?? []).filter((at) => now - at < this.#options.windowMs);
    if (recent.length >= this.#options.perChannel) {
      this.#sent.set(key, recent);
      return false;
    }
    recent.push(now);
    this.#sent.set(key, recent);
    return true;
  }

  #giveBack(communityId: string, channelId: string): void {
    this.#sent.get(`${communityId}:${channelId}`)?.pop();
  }
}
