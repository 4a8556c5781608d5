import type { RichReply } from '../domain/reply.ts';
import type { QualityLayerState } from './scoring/community-layer.ts';
import type { QualityBound } from './scoring/quality-bound.ts';
import type {
  ContentItem,
  ContentSource,
  DigestDelivery,
  DigestRun,
  DigestRunStatus,
  DigestSchedule,
  DropReason,
  NewContentItem,
  NewContentSource,
  NewDigestSchedule,
  RunDecision,
  SourceFetchState,
  SourceSettings,
} from './types.ts';

/** Storage ports of the content feature; adapters/storage/content-*.ts implement them with Prisma. */

export interface ContentSourceStore {
  /** Throws UserError SOURCE_EXISTS when the community already has this url. */
  create(source: NewContentSource): Promise<ContentSource>;
  get(id: string): Promise<ContentSource | null>;
  findByUrl(communityId: string, url: string): Promise<ContentSource | null>;
  list(communityId: string): Promise<ContentSource[]>;
  /** Enabled sources of every community whose nextFetchAt is at or before `now`. */
  listDue(now: Date, limit: number): Promise<ContentSource[]>;
  /** Enabled sources of every community delivered instantly (`instant` or `both`). */
  listInstant(): Promise<ContentSource[]>;
  update(id: string, state: SourceFetchState): Promise<ContentSource>;
  /** A moderator's change of filter, delivery, routing or template. */
  configure(id: string, settings: SourceSettings): Promise<ContentSource>;
  /** Removes the source; its items stay (they may have been delivered) but are no longer candidates. */
  remove(id: string): Promise<boolean>;
}

export interface ItemKeys {
  guids: string[];
  canonicalUrls: string[];
  contentHashes: string[];
}

/** The existing items an incoming batch might duplicate, looked up in one round trip. */
export interface KnownItems {
  byGuid: Map<string, Pick<ContentItem, 'id' | 'sourceId'>>;
  byCanonicalUrl: Map<string, Pick<ContentItem, 'id' | 'sourceId'>>;
  byContentHash: Map<string, Pick<ContentItem, 'id' | 'sourceId'>>;
}

export interface CandidateQuery {
  communityId: string;
  /** Published at or after. */
  since: Date;
  limit: number;
  /** Only kept items (no drop reason) of sources that still exist. */
  /** Only items of these sources (a digest's: not instant-only ones). */
  sourceIds?: readonly string[];
  /** With each item's embedding (default). A digest reads them later, for the few it may pick (`embeddingsOf`). */
  withEmbeddings?: boolean;
}

export interface ContentItemStore {
  /** Keys are matched within one source for guids, within the community for urls and hashes. */
  findKnown(communityId: string, sourceId: string, keys: ItemKeys): Promise<KnownItems>;
  /** Inserts items; an item whose (sourceId, guid) exists is skipped. Returns the stored items. */
  insertMany(items: readonly NewContentItem[]): Promise<ContentItem[]>;
  get(id: string): Promise<ContentItem | null>;
  getMany(ids: readonly string[]): Promise<ContentItem[]>;
  findByCanonicalUrl(communityId: string, canonicalUrl: string): Promise<ContentItem[]>;
  /**
   * Kept items, newest first (ties by id), with embeddings: the digest's candidates and the near-duplicate window.
   */
  listCandidates(query: CandidateQuery): Promise<ContentItem[]>;
  /** How many items `listCandidates` would find without its limit, published after `newerThan` when given. */
  countCandidates(query: Omit<CandidateQuery, 'limit' | 'withEmbeddings'> & { newerThan?: Date }): Promise<number>;
  /**
   * Candidates (without embeddings) best score bound first: the database ranks, the digest reads a page at a
   * time and stops when nothing unread can beat its picks.
   */
  rankedCandidates(query: RankedCandidateQuery): Promise<{ item: ContentItem; bound: number }[]>;
  /**
   * The highest bound per source among the candidates `rankedCandidates` would rank with a bound of at most
   * `atMost` (what is left unread after a page ending there); sources with none are absent.
   */
  boundsBySource(query: Omit<RankedCandidateQuery, 'offset' | 'limit'>, atMost: number): Promise<Map<string, number>>;
  /** The candidate at `index` (0-based) in newest-first order (publishedAt desc, id asc), if there are that many. */
  candidateAt(query: Omit<CandidateQuery, 'limit' | 'withEmbeddings'>, index: number): Promise<CandidateKey | null>;
  /** Candidates (without embeddings) among these ids or guids, newest first (publishedAt desc, id asc). */
  candidatesAmong(
    query: Omit<CandidateQuery, 'limit' | 'withEmbeddings'> & { upTo?: CandidateKey | null },
    keys: { ids: readonly string[]; guids: readonly string[] },
  ): Promise<ContentItem[]>;
  /** The embeddings of these items (those that have one). */
  embeddingsOf(ids: readonly string[]): Promise<Map<string, Float32Array>>;
  markDropped(id: string, reason: DropReason): Promise<void>;
  /** Marks a stored item as a copy of another (an original that arrived later took its place). */
  markDuplicate(id: string, reason: DropReason, duplicateOfId: string): Promise<void>;
  /** Copies that pointed at `fromId` now point at `toId`. */
  repointDuplicates(fromId: string, toId: string): Promise<void>;
  /** The copies of each of `ids` (items whose duplicateOfId is one of them). */
  duplicatesOf(ids: readonly string[]): Promise<ContentItem[]>;
  /** The source's latest items (kept or not), newest first: what a filter test runs on. */
  latestOfSource(sourceId: string, limit: number): Promise<ContentItem[]>;
}

export interface DigestScheduleStore {
  create(schedule: NewDigestSchedule): Promise<DigestSchedule>;
  get(id: string): Promise<DigestSchedule | null>;
  list(communityId: string): Promise<DigestSchedule[]>;
  /** Every schedule of every community, paused ones included. */
  listAll(): Promise<DigestSchedule[]>;
  setPaused(id: string, paused: boolean): Promise<DigestSchedule>;
  remove(id: string): Promise<boolean>;
}

export interface DigestRunStore {
  /**
   * The run of a schedule slot, created on first use. Who may build and post a slot is decided by the scheduled-post
   * runner's claim (core/framework/scheduled-posts.ts); this row keeps what the run decided and posted.
   */
  open(run: {
    communityId: string;
    scheduleId: string;
    channelId: string;
    slotAt: Date;
    claimedAt: Date;
  }): Promise<DigestRun>;
  get(id: string): Promise<DigestRun | null>;
  getBySlot(scheduleId: string, slotAt: Date): Promise<DigestRun | null>;
  /** Completes a claimed run. `expectStatus` guards state changes (approve only what awaits approval). */
  finish(
    id: string,
    patch: {
      status: DigestRunStatus;
      postedAt?: Date | null;
      messageId?: string | null;
      itemIds?: string[];
      decisions?: RunDecision[];
      reply?: RichReply | null;
      error?: string | null;
    },
    expectStatus?: DigestRunStatus,
  ): Promise<DigestRun | null>;
  /** The schedule's runs that await a moderator's approval, oldest first. */
  awaitingApproval(scheduleId: string): Promise<DigestRun[]>;
  /** Recent runs of a community (newest first), with their decisions: what `/digest why` reads. */
  recent(communityId: string, limit: number): Promise<DigestRun[]>;
  /** Records deliveries; an item already delivered in the channel is skipped. Returns how many were new. */
  recordDeliveries(deliveries: readonly DigestDelivery[]): Promise<number>;
  /** Item ids among `itemIds` already delivered in the channel. */
  deliveredIn(communityId: string, channelId: string, itemIds: readonly string[]): Promise<Set<string>>;
  deliveriesOf(communityId: string, itemId: string): Promise<DigestDelivery[]>;
  /** Item ids among `itemIds` posted in any channel of the community. */
  deliveredAnywhere(communityId: string, itemIds: readonly string[]): Promise<Set<string>>;
}

/** What a kept item was scored from: the per-community quality layer re-scores items from this. */
export interface QualityInputRecord {
  itemId: string;
  communityId: string;
  /** `post`, `article` or `course`: items are compared within their kind. */
  kind: string;
  /** The shipped model's quality in (0, 1). */
  baseQuality: number;
  features: Float64Array;
  publishedAt: Date;
}

export interface QualityStore {
  saveInputs(records: readonly QualityInputRecord[]): Promise<void>;
  /** Inputs of the community's items published at or after `since`, newest first. */
  inputsSince(communityId: string, since: Date, limit: number): Promise<QualityInputRecord[]>;
  inputsOf(itemIds: readonly string[]): Promise<Map<string, QualityInputRecord>>;
  /** Communities with an item published at or after `since`: the ones worth a learning pass. */
  activeCommunities(since: Date): Promise<string[]>;
  getLayer(communityId: string): Promise<QualityLayerState | null>;
  saveLayer(communityId: string, state: QualityLayerState): Promise<void>;
}

export interface ContentStores {
  sources: ContentSourceStore;
  items: ContentItemStore;
  schedules: DigestScheduleStore;
  runs: DigestRunStore;
  quality: QualityStore;
}

/**
 * An upper bound of each candidate's digest score (digest/rank.ts, before the diversity discount, which only
 * lowers it), computable in the database: weights.quality · quality + weights.freshness · 0.5^(age / halfLife)
 * + the candidate's source's constant (topic and feedback at their best for an item with no feedback of its own),
 * + margin (floating-point differences between the database and JavaScript). `quality` is the community's
 * calibrated quality (null: the stored model quality), computed as scoring/quality-bound.ts describes.
 */
export interface CandidateScoreBound {
  now: Date;
  halfLifeMs: number;
  weights: { quality: number; freshness: number };
  quality: QualityBound | null;
  constantBySource: Record<string, number>;
  margin: number;
}

/** The digest's candidates best bound first, one page at a time (offset, limit), with each one's bound. */
export interface RankedCandidateQuery extends Omit<CandidateQuery, 'withEmbeddings'> {
  bound: CandidateScoreBound;
  offset: number;
  /** Only candidates at or before this one in newest-first order (publishedAt desc, id asc): the cap. */
  upTo?: CandidateKey | null;
  /** Only items in this language. */
  language?: string | null;
  /** Only items whose quality (as `bound.quality` computes it) is at least this, less the margin. */
  minQuality?: number;
}

/** A candidate's place in newest-first order. */
export interface CandidateKey {
  id: string;
  publishedAt: Date;
}
