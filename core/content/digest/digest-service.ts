import { interactionEvent } from '../../domain/events.ts';
import type { RichReply } from '../../domain/reply.ts';
import type { Community, InteractionEvent, Locale, Member, Platform } from '../../domain/types.ts';
import { UserError } from '../../errors.ts';
import { canonicalTimezone, isValidCron, latestSlot } from '../../framework/cron-slots.ts';
import type { ScheduledPostRunner } from '../../framework/scheduled-posts.ts';
import type { Translate, Translator } from '../../i18n/translate.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { Messenger, PostTarget } from '../../ports/messenger.ts';
import type { CommunityStore, EventStore } from '../../ports/stores.ts';
import { filterPredicate } from '../filter/filter-expression.ts';
import { filterSubject } from '../filter/filter-subject.ts';
import type { ContentStores } from '../ports.ts';
import type { QualityBound } from '../scoring/quality-bound.ts';
import type { ContentItem, ContentSource, DigestLanguage, DigestRun, DigestSchedule } from '../types.ts';
import { rankBounded, rankTwice, scoreBound } from './bounded-ranking.ts';
import { buildFeedback, FEEDBACK_VERBS } from './feedback.ts';
import type { RankCandidate, RankOptions, RankResult } from './rank.ts';
import { formatSlot, renderDigest } from './render.ts';

export interface DigestFilter {
  topics: string[];
  minScore: number;
  maxItems: number;
  language: DigestLanguage;
}

export const DEFAULT_FILTER: DigestFilter = { topics: [], minScore: 0, maxItems: 5, language: 'any' };

export interface DigestDeps {
  stores: ContentStores;
  events: EventStore;
  communities: CommunityStore;
  translator: Translator;
  /** Scheduled digests and approved digests post through the scheduled-post runner (claims, leases, lookups). */
  posts: ScheduledPostRunner;
  clock: Clock;
  log: Logger;
  modelId: string;
  /**
   * The community's calibrated quality per item (core/content/scoring/community-learning.ts): what ranking,
   * `min-score` and explanations use. Without it, the stored model quality.
   */
  quality?: {
    qualityOf(communityId: string, items: readonly ContentItem[]): Promise<Map<string, number>>;
    /** One layer for a whole build, also as data: without it every candidate is read (no bound to rank by). */
    scorerFor?(communityId: string): Promise<DigestScorer>;
  };
  /**
   * `bounded` (default): the database ranks candidates by a bound of their score and the digest reads only those
   * that can matter (digest/bounded-ranking.ts). `full`: every candidate is read and ranked; same picks, slower.
   */
  ranking?: 'bounded' | 'full';
  /** Runs before a build: reads the community's built-in sources for the first time, so a first digest has items. */
  prepare?: (communityId: string) => Promise<void>;
  /** Candidate window and cap. Defaults: 7 days, 50,000 items. */
  windowMs?: number;
  /**
   * Candidate window of a community's first digest (nothing posted yet) when the usual window cannot fill it: a
   * community that installs Cohort with weeks of history gets its best recent posts, not an empty digest.
   * Default 30 days.
   */
  firstWindowMs?: number;
  maxCandidates?: number;
  /** How long a slot whose post failed keeps being retried. Default 6 h. */
  retryWindowMs?: number;
  /** Called after schedules change, so the cron timers follow. */
  onSchedulesChanged?: () => void;
  /** Edits a superseded approval request in place, where the platform can (Messenger.edit). */
  messenger?: Pick<Messenger, 'edit'>;
}

/** The scheduled-post jobs of digests: a schedule's slot, and a held digest a moderator approved. */
export const DIGEST_JOB = 'digest';
export const APPROVED_DIGEST_JOB = 'digest-approved';

const DEFAULT_RETRY_WINDOW_MS = 6 * 3_600_000;
/**
 * Candidates read per build (the newest first, pre-filtered in the database); more in the window are left out,
 * logged, and named by /digest why.
 */
export const DEFAULT_MAX_CANDIDATES = 50_000;
/** What a build ranks with: the window's query, the ranking options, the feedback log, and item → candidate. */
interface RankInput {
  query: { communityId: string; since: Date; sourceIds: string[] };
  options: RankOptions;
  events: readonly InteractionEvent[];
  toCandidates(items: readonly ContentItem[], calibrated: Map<string, number>): RankCandidate[];
  deliveredIn(ids: string[]): Promise<Set<string>>;
}

/** The community's calibrated quality for one build, and the same as data for the database (null: stored). */
export interface DigestScorer {
  bound: QualityBound | null;
  qualityOf(items: readonly ContentItem[]): Promise<Map<string, number>>;
}

export interface CandidateCap {
  cap: number;
  /** Candidates in the window, of which the `cap` newest were read. */
  total: number;
  oldestKept: Date;
}

export interface BuiltDigest {
  result: RankResult;
  /** Candidates in the window (up to the cap), and how many of them were read to rank them. */
  candidates: number;
  read: number;
  /** Set when the window held more candidates than the cap. */
  capped: CandidateCap | null;
}

/** Builds, previews, schedules, posts and explains digests. Every path a digest takes goes through here. */
export class DigestService {
  constructor(private readonly deps: DigestDeps) {}

  #t(community: Community, fallback: Locale = 'en'): Translate {
    return this.deps.translator.forLocale(community.locale ?? fallback);
  }

  async build(communityId: string, channelId: string | null, filter: DigestFilter, now: Date): Promise<BuiltDigest> {
    await this.deps.prepare?.(communityId);
    const windowMs = this.deps.windowMs ?? 7 * 86_400_000;
    const built = await this.#buildIn(communityId, channelId, filter, now, windowMs);
    const firstWindowMs = this.deps.firstWindowMs ?? 30 * 86_400_000;
    // A community's first digest (nothing posted yet) that the usual window cannot fill looks further back.
    if (built.result.picked.length >= filter.maxItems || firstWindowMs <= windowMs) return built;
    const posted = (await this.deps.stores.runs.recent(communityId, 20)).some((run) => run.status === 'posted');
    return posted ? built : this.#buildIn(communityId, channelId, filter, now, firstWindowMs);
  }

  async #buildIn(
    communityId: string,
    channelId: string | null,
    filter: DigestFilter,
    now: Date,
    windowMs: number,
  ): Promise<BuiltDigest> {
    const { stores } = this.deps;
    const since = new Date(now.getTime() - windowMs);
    const sources = await stores.sources.list(communityId);
    // A source delivered only instantly has no place in digests; a source's filter rejects items by name.
    const sourceById = new Map<string, ContentSource>(
      sources.filter((s) => s.delivery !== 'instant').map((s) => [s.id, s]),
    );
    const filters = new Map(sources.map((s) => [s.id, filterPredicate(s.filter)]));
    const toCandidates = (items: readonly ContentItem[], calibrated: Map<string, number>): RankCandidate[] =>
      items.flatMap((item) => {
        const source = sourceById.get(item.sourceId);
        if (!source) return [];
        const keep = filters.get(source.id);
        const scored: ContentItem = { ...item, quality: calibrated.get(item.id) ?? item.quality };
        return [
          {
            item: scored,
            sourceTitle: source.title,
            sourceTopics: source.topics,
            ...(keep && !keep(filterSubject(item)) ? { filteredOut: true } : {}),
          },
        ];
      });
    const deliveredIn = (ids: string[]) =>
      channelId ? stores.runs.deliveredIn(communityId, channelId, ids) : Promise.resolve(new Set<string>());
    const events = await this.deps.events.query({
      communityId,
      since: new Date(now.getTime() - 30 * 86_400_000),
      verbs: FEEDBACK_VERBS,
      limit: 50_000,
    });
    // Filtered in the database: the window, kept items only (copies carry a drop reason), the digest's sources.
    // Embeddings are read later, for the few candidates that can be picked.
    const query = { communityId, since, sourceIds: [...sourceById.keys()] };
    const options = { ...filter, now, maxAgeMs: windowMs };
    const scorer = this.deps.ranking === 'full' ? null : await this.#scorer(communityId);
    const built = scorer
      ? await this.#rankBounded({ query, options, events, scorer, toCandidates, deliveredIn })
      : await this.#rankAll({ query, options, events, toCandidates, deliveredIn });
    // The copies of each pick (reposts, translations) name where else the story ran.
    const titleOf = new Map(sources.map((s) => [s.id, s.title]));
    const copies = await stores.items.duplicatesOf(built.result.picked.map((p) => p.candidate.item.id));
    for (const ranked of built.result.picked) {
      const own = ranked.candidate.item.sourceId;
      const elsewhere = copies
        .filter((c) => c.duplicateOfId === ranked.candidate.item.id && c.sourceId !== own)
        .map((c) => titleOf.get(c.sourceId))
        .filter((title): title is string => Boolean(title));
      if (elsewhere.length > 0) ranked.candidate.alsoIn = [...new Set(elsewhere)];
    }
    return built;
  }

  /** The calibrated quality as the database can compute it; null when it cannot (every candidate is read). */
  async #scorer(communityId: string): Promise<DigestScorer | null> {
    const quality = this.deps.quality;
    if (!quality) return { bound: null, qualityOf: async () => new Map() };
    return quality.scorerFor ? quality.scorerFor(communityId) : null;
  }

  /** Every candidate read and ranked: the reference the bounded ranking is held to, and the fallback. */
  async #rankAll(input: RankInput): Promise<BuiltDigest> {
    const { stores } = this.deps;
    const cap = this.deps.maxCandidates ?? DEFAULT_MAX_CANDIDATES;
    const { communityId } = input.query;
    const items = await stores.items.listCandidates({ ...input.query, limit: cap, withEmbeddings: false });
    const total = items.length >= cap ? await stores.items.countCandidates(input.query) : items.length;
    const oldest = items.at(-1);
    const capped = total > cap && oldest ? this.#capped(input.query, cap, total, oldest.publishedAt) : null;
    const calibrated = (await this.deps.quality?.qualityOf(communityId, items)) ?? new Map<string, number>();
    const candidates = input.toCandidates(items, calibrated);
    const delivered = await input.deliveredIn(candidates.map((c) => c.item.id));
    const feedback = buildFeedback(input.events, items);
    const { result } = await rankTwice(candidates, delivered, feedback, input.options, (ids) =>
      stores.items.embeddingsOf(ids),
    );
    return { result, candidates: candidates.length, read: candidates.length, capped };
  }

  /** The database ranks by a bound of the score; the digest reads the best until nothing unread can change it. */
  async #rankBounded(input: RankInput & { scorer: DigestScorer }): Promise<BuiltDigest> {
    const { stores } = this.deps;
    const cap = this.deps.maxCandidates ?? DEFAULT_MAX_CANDIDATES;
    const total = await stores.items.countCandidates(input.query);
    // More candidates in the window than the cap: only the `cap` newest are ranked, as when all were read.
    const upTo = total > cap ? await stores.items.candidateAt(input.query, cap - 1) : null;
    const capped = upTo ? this.#capped(input.query, cap, total, upTo.publishedAt) : null;
    const window = { ...input.query, upTo };
    // The feedback log names a few items: read them (those that are candidates) for feedback and first of all.
    const ids = new Set<string>();
    const guids = new Set<string>();
    for (const event of input.events) {
      if (event.objectType === 'digest_item') ids.add(event.objectId);
      else if (event.verb === 'reaction.added' && event.objectType === 'message')
        guids.add(`message:${event.objectId}`);
    }
    const named = await stores.items.candidatesAmong(window, { ids: [...ids], guids: [...guids] });
    const feedback = buildFeedback(input.events, named);
    const { options, scorer } = input;
    const ranked = await rankBounded({
      items: stores.items,
      query: {
        ...window,
        language: options.language === 'any' ? null : options.language,
        minQuality: options.minScore,
      },
      bound: scoreBound(options, input.query.sourceIds, feedback, scorer.bound),
      options,
      feedback,
      pinned: named,
      admit: async (items) => {
        const candidates = input.toCandidates(items, await scorer.qualityOf(items));
        return { candidates, delivered: await input.deliveredIn(candidates.map((c) => c.item.id)) };
      },
    });
    this.deps.log.debug(
      { community: input.query.communityId, candidates: Math.min(total, cap), read: ranked.read, pages: ranked.pages },
      'digest ranked by score bound',
    );
    return { result: ranked.result, candidates: Math.min(total, cap), read: ranked.read, capped };
  }

  /** More candidates in the window than the cap: the oldest were left out, logged (and shown by /digest why). */
  #capped(
    query: { communityId: string; since: Date; sourceIds: string[] },
    cap: number,
    total: number,
    oldestKept: Date,
  ): CandidateCap {
    this.deps.log.warn(
      { community: query.communityId, cap, total, since: query.since.toISOString(), oldestKept },
      'digest candidates capped: older items in the window were not considered',
    );
    return { cap, total, oldestKept };
  }

  /**
   * `/digest why`: whether the item is beyond the candidate cap now, i.e. `cap` or more newer candidates in the
   * window (the digest reads the newest first). Null when it is within it, or out of the window anyway.
   */
  async capFor(communityId: string, item: ContentItem, now: Date): Promise<{ cap: number; newer: number } | null> {
    const windowMs = this.deps.windowMs ?? 7 * 86_400_000;
    const since = new Date(now.getTime() - windowMs);
    if (item.dropReason || item.publishedAt.getTime() < since.getTime()) return null;
    const cap = this.deps.maxCandidates ?? DEFAULT_MAX_CANDIDATES;
    const sourceIds = (await this.deps.stores.sources.list(communityId))
      .filter((s) => s.delivery !== 'instant')
      .map((s) => s.id);
    const query = { communityId, since, sourceIds, newerThan: item.publishedAt };
    const newer = await this.deps.stores.items.countCandidates(query);
    return newer >= cap ? { cap, newer } : null;
  }

  /** The filter of the channel's first schedule, else the defaults: a preview shows what would be posted. */
  async #filterFor(communityId: string, channelId: string | null): Promise<DigestFilter> {
    const schedules = await this.deps.stores.schedules.list(communityId);
    const schedule = schedules.find((s) => s.channelId === channelId) ?? schedules[0];
    return schedule ? { ...schedule } : DEFAULT_FILTER;
  }

  /** `/digest preview` (moderators) and `/digest` (members): nothing is recorded as delivered. */
  async preview(
    community: Community,
    channelId: string | null,
    t: Translate,
    kind: 'preview' | 'on_demand',
  ): Promise<RichReply> {
    const now = this.deps.clock.now();
    const filter = await this.#filterFor(community.id, channelId);
    const built = await this.build(community.id, channelId, filter, now);
    const reply = renderDigest(t, built.result.picked, {
      title: t(kind === 'preview' ? 'content:digest.previewTitle' : 'content:digest.title'),
      candidates: built.candidates,
      modelId: this.deps.modelId,
    });
    return { ...reply, ephemeral: true };
  }

  // ---- schedules ----

  async addSchedule(input: {
    community: Community;
    channelId: string;
    cron: string;
    timezone: string;
    filter: DigestFilter;
    requiresApproval: boolean;
    createdById: string | null;
  }): Promise<DigestSchedule> {
    if (!isValidCron(input.cron))
      throw new UserError('DIGEST_CRON_INVALID', 'content:schedule.badCron', { cron: input.cron });
    const timezone = canonicalTimezone(input.timezone);
    if (!timezone) {
      throw new UserError('DIGEST_TIMEZONE_INVALID', 'content:schedule.badTimezone', { timezone: input.timezone });
    }
    const cron = input.cron.trim().split(/\s+/).join(' ');
    // The same cron in the same zone for the same channel would post the same digest twice per slot.
    const twin = (await this.deps.stores.schedules.list(input.community.id)).find(
      (s) => s.channelId === input.channelId && s.cron === cron && s.timezone === timezone,
    );
    if (twin) throw new UserError('DIGEST_SCHEDULE_EXISTS', 'content:schedule.exists', { id: twin.id, cron, timezone });
    const schedule = await this.deps.stores.schedules.create({
      communityId: input.community.id,
      channelId: input.channelId,
      cron,
      timezone,
      ...input.filter,
      requiresApproval: input.requiresApproval,
      createdById: input.createdById,
      createdAt: this.deps.clock.now(),
    });
    this.deps.onSchedulesChanged?.();
    return schedule;
  }

  async #ownSchedule(communityId: string, id: string): Promise<DigestSchedule> {
    const schedule = await this.deps.stores.schedules.get(id);
    if (!schedule || schedule.communityId !== communityId) {
      throw new UserError('DIGEST_SCHEDULE_NOT_FOUND', 'content:schedule.notFound', { id });
    }
    return schedule;
  }

  listSchedules(communityId: string): Promise<DigestSchedule[]> {
    return this.deps.stores.schedules.list(communityId);
  }

  async removeSchedule(communityId: string, id: string): Promise<void> {
    await this.#ownSchedule(communityId, id);
    await this.deps.stores.schedules.remove(id);
    this.deps.onSchedulesChanged?.();
  }

  async setPaused(communityId: string, id: string, paused: boolean): Promise<DigestSchedule> {
    await this.#ownSchedule(communityId, id);
    const schedule = await this.deps.stores.schedules.setPaused(id, paused);
    this.deps.onSchedulesChanged?.();
    return schedule;
  }

  // ---- scheduled runs ----

  /**
   * Runs every schedule whose latest slot is due. Only the latest slot counts: after downtime the missed period is
   * caught up with one post, not one per missed slot. Returns the runs this process acted on.
   */
  async runDue(): Promise<DigestRun[]> {
    const acted: DigestRun[] = [];
    for (const schedule of await this.deps.stores.schedules.listAll()) {
      const run = await this.runSchedule(schedule).catch((error: unknown) => {
        this.deps.log.error({ err: error, scheduleId: schedule.id }, 'digest schedule run failed');
        return null;
      });
      if (run) acted.push(run);
    }
    return acted;
  }

  /**
   * Posts the schedule's latest slot through the scheduled-post runner, which decides who posts it and whether it
   * is already on the platform. A post that failed is tried again on later runs for a few hours.
   */
  async runSchedule(schedule: DigestSchedule): Promise<DigestRun | null> {
    if (schedule.paused) return null;
    const slotAt = latestSlot(schedule.cron, schedule.timezone, this.deps.clock.now());
    if (slotAt.getTime() < schedule.createdAt.getTime()) return null;
    const community = await this.deps.communities.get(schedule.communityId);
    if (!community) return null;
    const outcome = await this.deps.posts.run({
      job: DIGEST_JOB,
      subject: schedule.id,
      communityId: schedule.communityId,
      slotAt,
      target: targetOf(community, schedule.channelId),
      retryWindowMs: this.deps.retryWindowMs ?? DEFAULT_RETRY_WINDOW_MS,
      build: () => this.#buildSlot(community, schedule, slotAt),
      onPosted: (messageId) => this.#slotPosted(schedule, slotAt, messageId),
      onFailed: (error) => this.#slotFailed(schedule.id, slotAt, error),
    });
    if (outcome.status === 'idle') return null;
    return this.deps.stores.runs.getBySlot(schedule.id, slotAt);
  }

  /** Builds the slot's digest and keeps it with its decisions (what `/digest why` and approval read). */
  async #buildSlot(community: Community, schedule: DigestSchedule, slotAt: Date): Promise<RichReply | null> {
    const { runs } = this.deps.stores;
    const run = await runs.open({
      communityId: schedule.communityId,
      scheduleId: schedule.id,
      channelId: schedule.channelId,
      slotAt,
      claimedAt: this.deps.clock.now(),
    });
    const t = this.#t(community, schedule.language === 'zh' ? 'zh-CN' : 'en');
    const built = await this.build(schedule.communityId, schedule.channelId, schedule, this.deps.clock.now());
    const { picked, decisions } = built.result;
    const date = formatSlot(slotAt, schedule.timezone);
    const reply = renderDigest(t, picked, {
      title: t('content:digest.scheduledTitle', { date }),
      candidates: built.candidates,
      modelId: this.deps.modelId,
    });
    const itemIds = picked.map((p) => p.candidate.item.id);
    if (picked.length === 0) {
      await runs.finish(run.id, { status: 'empty', itemIds, decisions, reply });
      return null;
    }
    if (!schedule.requiresApproval) {
      await runs.finish(run.id, { status: 'claimed', itemIds, decisions, reply, error: null });
      return reply;
    }
    // One pending approval per schedule: a request still open with the same items stays the one to act on (its
    // decisions refreshed in place) and this slot posts nothing; a request whose items changed is superseded.
    const pending = (await runs.awaitingApproval(schedule.id)).filter((p) => p.id !== run.id);
    const same = pending.find((p) => sameItems(p.itemIds, itemIds));
    for (const stale of pending) {
      if (stale === same) continue;
      await runs.finish(stale.id, { status: 'skipped', error: 'APPROVAL_EXPIRED' }, 'awaiting_approval');
    }
    if (same) {
      const kept = await runs.finish(same.id, { status: 'awaiting_approval', decisions }, 'awaiting_approval');
      if (kept) {
        await runs.finish(run.id, { status: 'skipped', itemIds, decisions, error: `APPROVAL_PENDING:${same.id}` });
        this.deps.log.info({ runId: same.id, slotAt }, 'digest approval still pending; not asked again');
        return null;
      }
    }
    const request: RichReply = {
      ...reply,
      title: t('content:digest.approvalTitle', { date }),
      text: t('content:digest.approvalText', { id: run.id }),
      buttons: [
        { label: t('content:digest.approve'), action: `/digest approve ${run.id}`, style: 'primary' },
        { label: t('content:digest.reject'), action: `/digest reject ${run.id}`, style: 'danger' },
      ],
    };
    // The request it supersedes is edited into this one where the platform can: still one message to act on.
    const previous = pending.filter((p) => p !== same && p.messageId && p.channelId === schedule.channelId).at(-1);
    if (previous?.messageId && (await this.#editInPlace(community, previous, request))) {
      await runs.finish(run.id, {
        status: 'awaiting_approval',
        itemIds,
        decisions,
        reply,
        messageId: previous.messageId,
        error: null,
      });
      this.deps.log.info({ runId: run.id, replaced: previous.id, slotAt }, 'digest approval request updated in place');
      return null;
    }
    await runs.finish(run.id, { status: 'claimed', itemIds, decisions, reply, error: null });
    return request;
  }

  /** True when the platform replaced the earlier request's message with the new one. */
  async #editInPlace(community: Community, previous: DigestRun, request: RichReply): Promise<boolean> {
    const edit = this.deps.messenger?.edit;
    if (!edit || !previous.messageId) return false;
    try {
      return await edit.call(this.deps.messenger, targetOf(community, previous.channelId), previous.messageId, request);
    } catch (error) {
      // Deleted by a moderator, or the platform refused: a new request is posted instead.
      this.deps.log.warn({ err: error, runId: previous.id }, 'could not edit the approval request; posting a new one');
      return false;
    }
  }

  /** The slot's post is on the platform: a held digest now awaits approval, any other has been delivered. */
  async #slotPosted(schedule: DigestSchedule, slotAt: Date, messageId: string): Promise<void> {
    const run = await this.deps.stores.runs.getBySlot(schedule.id, slotAt);
    if (!run) return;
    if (schedule.requiresApproval) {
      // Found after a failed attempt too: the request is on the platform, so it awaits approval either way.
      if (run.status === 'claimed' || run.status === 'failed')
        await this.deps.stores.runs.finish(run.id, { status: 'awaiting_approval', error: null, messageId });
      return;
    }
    await this.#delivered(run, messageId);
    this.deps.log.info({ runId: run.id, scheduleId: schedule.id, items: run.itemIds.length }, 'digest posted');
  }

  async #slotFailed(scheduleId: string, slotAt: Date, error: string): Promise<void> {
    const run = await this.deps.stores.runs.getBySlot(scheduleId, slotAt);
    if (run) await this.deps.stores.runs.finish(run.id, { status: 'failed', error });
  }

  /** Records the items as delivered in the channel (never posted there again) and the run as posted. */
  async #delivered(run: DigestRun, messageId: string): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.stores.runs.recordDeliveries(
      run.itemIds.map((itemId) => ({
        communityId: run.communityId,
        channelId: run.channelId,
        itemId,
        runId: run.id,
        deliveredAt: now,
      })),
    );
    await this.deps.stores.runs.finish(run.id, { status: 'posted', postedAt: now, messageId });
  }

  /** The run a moderator acts on, or a UserError saying why it cannot be acted on (unknown, expired, done). */
  async #pendingRun(community: Community, runId: string): Promise<DigestRun> {
    const run = await this.deps.stores.runs.get(runId);
    if (!run || run.communityId !== community.id)
      throw new UserError('DIGEST_RUN_NOT_FOUND', 'content:digest.runNotFound', { id: runId });
    if (run.status === 'skipped')
      throw new UserError('DIGEST_RUN_EXPIRED', 'content:digest.expired', {
        id: runId,
        date: formatSlot(run.slotAt, community.timezone),
      });
    if (run.status !== 'awaiting_approval')
      throw new UserError('DIGEST_RUN_NOT_AWAITING', 'content:digest.notAwaiting', {
        id: runId,
        status: run.status,
      });
    return run;
  }

  /** A moderator approves a run that awaits approval: it is posted exactly as it was built, once. */
  async approve(community: Community, runId: string, moderatorId: string | null = null): Promise<DigestRun> {
    const { runs } = this.deps.stores;
    const run = await this.#pendingRun(community, runId);
    // The state change comes first, guarded: a double click cannot post twice.
    const taken = await runs.finish(runId, { status: 'claimed' }, 'awaiting_approval');
    const reply = run.reply;
    if (!taken || !reply)
      throw new UserError('DIGEST_RUN_NOT_AWAITING', 'content:digest.notAwaiting', { id: runId, status: run.status });
    this.deps.log.info({ runId, moderatorId }, 'digest approved');
    await this.deps.posts.run({
      job: APPROVED_DIGEST_JOB,
      subject: run.id,
      communityId: community.id,
      slotAt: run.slotAt,
      target: targetOf(community, run.channelId),
      retryWindowMs: 0,
      build: async () => reply,
      onPosted: (messageId) => this.#delivered(taken, messageId),
      onFailed: async (error) => {
        await runs.finish(runId, { status: 'failed', error });
      },
    });
    return (await runs.get(runId)) ?? taken;
  }

  async reject(community: Community, runId: string, moderatorId: string | null = null): Promise<DigestRun> {
    await this.#pendingRun(community, runId);
    const done = await this.deps.stores.runs.finish(
      runId,
      { status: 'rejected', error: moderatorId ? `REJECTED_BY:${moderatorId}` : 'REJECTED' },
      'awaiting_approval',
    );
    if (!done) throw new UserError('DIGEST_RUN_NOT_AWAITING', 'content:digest.notAwaiting', { id: runId, status: '—' });
    this.deps.log.info({ runId, moderatorId }, 'digest rejected');
    return done;
  }

  // ---- feedback ----

  async #ownItem(communityId: string, itemId: string) {
    const item = await this.deps.stores.items.get(itemId);
    if (!item || item.communityId !== communityId)
      throw new UserError('DIGEST_ITEM_NOT_FOUND', 'content:digest.itemNotFound', { id: itemId });
    return item;
  }

  /** 👍 (+1) / 👎 (−1); the member's latest vote counts. Moderator removal is −3 and drops the item for good. */
  async feedback(input: {
    member: Member;
    platform: Platform;
    channelId: string | null;
    itemId: string;
    kind: 'up' | 'down' | 'click' | 'remove';
    interactionId: string | null;
  }): Promise<{ url: string | null }> {
    const item = await this.#ownItem(input.member.communityId, input.itemId);
    const now = this.deps.clock.now();
    const value = { up: 1, down: -1, click: 0, remove: -3 }[input.kind];
    if (input.kind === 'remove') await this.deps.stores.items.markDropped(item.id, 'REMOVED_BY_MODERATOR');
    await this.deps.events.append(
      interactionEvent({
        communityId: input.member.communityId,
        actorId: input.member.id,
        verb: input.kind === 'click' ? 'digest.clicked' : 'digest.voted',
        objectType: 'digest_item',
        objectId: item.id,
        channelId: input.channelId,
        platform: input.platform,
        occurredAt: now,
        metadata: { value, sourceId: item.sourceId, ...(input.kind === 'remove' ? { removal: true } : {}) },
        dedupKey: input.interactionId ? `digest:${input.interactionId}` : null,
      }),
    );
    return { url: item.url };
  }
}

/** The same picks, in any order: a reshuffle by a few minutes of freshness is not a new digest. */
function sameItems(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return a.length === b.length && b.every((id) => set.has(id));
}

function targetOf(community: Community, channelId: string): PostTarget {
  return { platform: community.platform, spaceId: community.platformId, channelId };
}
