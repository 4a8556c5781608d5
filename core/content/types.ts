import type { RichReply } from '../domain/reply.ts';

/**
 * Records of the content pipeline: sources, the items they yield, digest schedules and their runs.
 * Platform-free and storage-free; adapters/storage maps them to Prisma rows.
 */

/** Where items come from: an RSS/Atom/JSON feed, the community's own members' posts, or its creators' courses. */
export const SOURCE_KINDS = ['feed', 'community', 'courses'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export interface ContentSource {
  id: string;
  communityId: string;
  kind: SourceKind;
  /** Feed address for `feed`; `community:posts` / `community:courses` for the built-in kinds. */
  url: string;
  title: string;
  /** Topics the moderator tagged the source with; they count as a topic match for its items. */
  topics: string[];
  /** Polling interval in milliseconds. */
  intervalMs: number;
  enabled: boolean;
  /** Why it is not checked: a feed error code, or `PAUSED` when a moderator paused it. */
  disabledReason: string | null;
  etag: string | null;
  lastModified: string | null;
  lastFetchedAt: Date | null;
  /** When it may be fetched again (interval, or backoff after failures). */
  nextFetchAt: Date;
  consecutiveFailures: number;
  /** Stable code and detail of the last failure, shown by `/source list`. */
  lastError: string | null;
  /** Platform channel where the source was added: failure notices go there. */
  noticeChannelId: string | null;
  createdById: string | null;
  createdAt: Date;
  /** The moderator's filter expression (core/content/filter/filter-expression.ts); null keeps every item. */
  filter: string | null;
  /** Whether its items go to digests, are posted one by one as they arrive, or both. */
  delivery: SourceDelivery;
  /** Where instant posts go; null: the channel the source was added in (noticeChannelId). */
  channelId: string | null;
  /** A thread of that channel (Discord thread, Slack thread, Telegram forum topic); `new` opens one per item. */
  threadId: string | null;
  /** Message template of instant posts (placeholders: core/content/delivery/template.ts); null for the default. */
  template: string | null;
  /** Instant delivery covers items fetched after this: switching it on does not post the backlog. */
  instantSince: Date | null;
  /** The latest failures, newest first (at most SOURCE_FAILURE_HISTORY). */
  failures: SourceFailure[];
}

export const SOURCE_DELIVERIES = ['digest', 'instant', 'both'] as const;
export type SourceDelivery = (typeof SOURCE_DELIVERIES)[number];

export interface SourceFailure {
  at: Date;
  code: string;
  params: Record<string, string | number>;
}
export const SOURCE_FAILURE_HISTORY = 20;

/** What a moderator can change on a source after adding it. */
export type SourceSettings = Partial<
  Pick<ContentSource, 'filter' | 'delivery' | 'channelId' | 'threadId' | 'template' | 'instantSince' | 'topics'>
>;

export type NewContentSource = Pick<
  ContentSource,
  'communityId' | 'kind' | 'url' | 'title' | 'topics' | 'intervalMs' | 'noticeChannelId' | 'createdById'
> & { nextFetchAt: Date };

export type SourceFetchState = Partial<
  Pick<
    ContentSource,
    | 'title'
    | 'enabled'
    | 'disabledReason'
    | 'etag'
    | 'lastModified'
    | 'lastFetchedAt'
    | 'nextFetchAt'
    | 'consecutiveFailures'
    | 'lastError'
    | 'failures'
  >
>;

/**
 * Why an item was not (or will not be) delivered. Stable codes: stored with the item or the digest run,
 * explained by `/digest why`, translated under `content:reason.<CODE>`.
 */
export const DROP_REASONS = [
  'DUPLICATE_URL',
  'DUPLICATE_CONTENT',
  'NEAR_DUPLICATE',
  'PER_FETCH_CAP',
  'EMPTY_CONTENT',
  'REMOVED_BY_MODERATOR',
  'ALREADY_POSTED',
  'TOO_OLD',
  'BELOW_MIN_SCORE',
  'LANGUAGE_MISMATCH',
  'TOPIC_MISMATCH',
  'FILTERED_OUT',
  'NEAR_DUPLICATE_OF_PICK',
  'OVER_MAX_ITEMS',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface ContentItem {
  id: string;
  communityId: string;
  sourceId: string;
  /** The feed's own id for the item (guid, Atom id, JSON Feed id), or a derived one. */
  guid: string;
  url: string | null;
  /** The URL without tracking parameters, fragment, default port or trailing noise: the cross-source key. */
  canonicalUrl: string | null;
  title: string;
  /** Plain text (HTML stripped), capped. */
  text: string;
  /** 'en', 'zh' or 'und'. */
  language: string;
  /** sha256 of the normalised title + text: catches re-posts under new URLs. */
  contentHash: string;
  publishedAt: Date;
  fetchedAt: Date;
  /** Model signals (s_i = M_θ(c_i)). */
  quality: number;
  sentiment: number;
  topics: { topic: string; weight: number }[];
  /** L2-normalised; null when the item was dropped before scoring. */
  embedding: Float32Array | null;
  /** Set when the item was dropped at ingestion, with the item it duplicates when that is the reason. */
  dropReason: DropReason | null;
  duplicateOfId: string | null;
  /** Extra signal for community items: the message's reaction count at ingestion. */
  reactions: number;
  /** The feed's author of the item, when it names one. */
  author: string | null;
  /** The feed's categories / tags of the item. */
  categories: string[];
}

/** Author and categories may be left out (members' posts and courses have none of their own). */
export type NewContentItem = Omit<ContentItem, 'id' | 'author' | 'categories'> &
  Partial<Pick<ContentItem, 'author' | 'categories'>>;

export const DIGEST_LANGUAGES = ['any', 'en', 'zh'] as const;
export type DigestLanguage = (typeof DIGEST_LANGUAGES)[number];

export interface DigestSchedule {
  id: string;
  communityId: string;
  /** Platform channel the digest posts to. */
  channelId: string;
  cron: string;
  timezone: string;
  topics: string[];
  /** Minimum model quality score in [0, 1]. */
  minScore: number;
  maxItems: number;
  language: DigestLanguage;
  paused: boolean;
  /** When true a run waits for a moderator's `/digest approve` before it posts. */
  requiresApproval: boolean;
  createdById: string | null;
  createdAt: Date;
}

export type NewDigestSchedule = Omit<DigestSchedule, 'id' | 'paused' | 'createdAt'> & { createdAt: Date };

/**
 * `skipped`: the slot passed without a post of its own: its approval expired (a newer digest replaced it), or the
 * approval request of an earlier slot with the same items is still open (error `APPROVAL_PENDING:<run id>`).
 */
export const RUN_STATUSES = [
  'claimed',
  'awaiting_approval',
  'posted',
  'rejected',
  'skipped',
  'empty',
  'failed',
] as const;
export type DigestRunStatus = (typeof RUN_STATUSES)[number];

/** What one digest build decided about one candidate: rank (1-based) when picked, else the reason. */
export interface RunDecision {
  itemId: string;
  score: number;
  rank: number | null;
  reason: DropReason | null;
}

/**
 * One schedule slot. The row is created (claimed) before anything is posted, under a unique
 * (scheduleId, slotAt) key: whichever process inserts it first posts, every other one skips.
 */
export interface DigestRun {
  id: string;
  communityId: string;
  scheduleId: string;
  channelId: string;
  slotAt: Date;
  status: DigestRunStatus;
  claimedAt: Date;
  postedAt: Date | null;
  messageId: string | null;
  /** Picked item ids, best first. */
  itemIds: string[];
  decisions: RunDecision[];
  /** The digest as rendered when the run was built: what approval posts, unchanged. */
  reply: RichReply | null;
  error: string | null;
}

/** An item posted in a channel: the never-repeat ledger. */
export interface DigestDelivery {
  communityId: string;
  channelId: string;
  itemId: string;
  runId: string | null;
  deliveredAt: Date;
}

/** The `disabledReason` of a source a moderator paused (`/source pause`), as opposed to one failing feeds switch off. */
export const SOURCE_PAUSED = 'PAUSED';
