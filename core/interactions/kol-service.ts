import type { Community, Member, PermissionLevel } from '../domain/types.ts';
import type { Logger } from '../ports/logger.ts';
import type { EventStore, MemberStore } from '../ports/stores.ts';
import { type CommunityStats, communityStats } from './community-analytics.ts';
import { safeTimeZone } from './community-day.ts';
import { graphFromEvents } from './interaction-graph.ts';
import { computeKolScores, type KolWeights } from './kol-score.ts';
import type { KolStore, SnapshotEntry } from './kol-store.ts';
import {
  eventTopics,
  filterByTopic,
  type LeaderboardWindow,
  whyFacts,
  windowHalfLifeDays,
  windowStart,
} from './leaderboard.ts';

export interface KolServiceOptions {
  /** Roles left off leaderboards (staff). Default: moderators and admins. */
  excludeRoles: PermissionLevel[];
  /** A snapshot older than this is recomputed when someone asks for the leaderboard. */
  snapshotMaxAgeMs: number;
  /** How many ranked entries a snapshot keeps. */
  snapshotSize: number;
  /** Upper bound on events read per computation. */
  maxEvents: number;
  weights?: Partial<KolWeights>;
}

export const DEFAULT_KOL_OPTIONS: KolServiceOptions = {
  excludeRoles: ['moderator', 'admin'],
  snapshotMaxAgeMs: 15 * 60_000,
  snapshotSize: 1000,
  maxEvents: 2_000_000,
};

export interface LeaderboardEntry extends SnapshotEntry {
  member: Member;
}

export interface Leaderboard {
  window: LeaderboardWindow;
  topic: string;
  computedAt: Date;
  /** Ranked 1, 2, 3… over the members this board shows: no gap where an opted-out or erased member was. */
  entries: LeaderboardEntry[];
  /** Entries before this page. */
  offset: number;
  /** True when an entry exists after this page. */
  hasMore: boolean;
}

export interface KolServiceDeps {
  store: KolStore;
  events: EventStore;
  members: MemberStore;
  log: Logger;
  options?: Partial<KolServiceOptions>;
}

export class KolService {
  readonly options: KolServiceOptions;
  readonly #store: KolStore;
  readonly #events: EventStore;
  readonly #members: MemberStore;
  readonly #log: Logger;
  /** Snapshots being computed, so concurrent requests share one run. */
  readonly #refreshing = new Map<string, Promise<number>>();
  /** Topics seen in each community's recent events, briefly cached (a topic check must not scan the log each time). */
  readonly #topics = new Map<string, { topics: string[]; until: number }>();
  /** Snapshots someone asked for: the background job keeps these fresh. */
  readonly #wanted = new Map<string, { community: Community; window: LeaderboardWindow; topic: string }>();

  constructor(deps: KolServiceDeps) {
    this.options = { ...DEFAULT_KOL_OPTIONS, ...deps.options };
    this.#store = deps.store;
    this.#events = deps.events;
    this.#members = deps.members;
    this.#log = deps.log.child({ ns: 'core:kol' });
  }

  /** Recomputes and stores one snapshot; concurrent calls for the same snapshot share one run. */
  refresh(community: Community, window: LeaderboardWindow, topic: string, now: Date): Promise<number> {
    const key = `${community.id}|${window}|${topic}`;
    const running = this.#refreshing.get(key);
    if (running) return running;
    const work = this.#compute(community, window, topic, now).finally(() => this.#refreshing.delete(key));
    this.#refreshing.set(key, work);
    return work;
  }

  /**
   * Refreshes every snapshot members have asked for, one after another (PageRank over a big community is CPU work;
   * running them in parallel would only slow the bot's replies). The feature runs it every 10 minutes.
   */
  async refreshWanted(now: Date): Promise<void> {
    for (const w of [...this.#wanted.values()]) {
      await this.refresh(w.community, w.window, w.topic, now).catch((err: unknown) =>
        this.#log.error({ err, community: w.community.id, window: w.window }, 'scheduled snapshot failed'),
      );
    }
  }

  async #compute(community: Community, window: LeaderboardWindow, topic: string, now: Date): Promise<number> {
    const since = windowStart(window, now, safeTimeZone(community.timezone));
    let events = await this.#events.query({
      communityId: community.id,
      ...(since ? { since } : {}),
      // `until` is exclusive: include what happened at this very instant (a tip just sent).
      until: new Date(now.getTime() + 1),
      limit: this.options.maxEvents,
    });
    if (topic) events = filterByTopic(events, topic);
    const graph = graphFromEvents(events, { now, halfLifeDays: windowHalfLifeDays(window) });
    const exclude = new Set(await this.#store.optedOut(community.id));
    const members = await this.#getMany(graph.ids);
    for (const id of graph.ids) {
      const m = members.get(id);
      // Unknown ids (deleted members), bots and staff are never ranked; they still relay influence through the graph.
      if (!m || m.isBot || this.options.excludeRoles.includes(m.role)) exclude.add(id);
    }
    // Opted-out members are filtered again at read time; leaving them out here too keeps ranks dense.
    // Tenure counts on the all-time board only: a weekly board should let a newcomer shine.
    const joinedAt =
      window === 'all' ? new Map([...members.values()].map((m) => [m.id, m.joinedAt] as const)) : undefined;
    const ranked = computeKolScores(graph, {
      exclude,
      ...(joinedAt ? { joinedAt, now } : {}),
      ...(this.options.weights ? { weights: this.options.weights } : {}),
    });
    const entries = ranked.slice(0, this.options.snapshotSize).map(
      (e, i): SnapshotEntry => ({
        memberId: e.memberId,
        rank: i + 1,
        score: Math.round(e.score * 10) / 10,
        facts: whyFacts(e.activity, e.memberDays),
      }),
    );
    await this.#store.saveSnapshot({ communityId: community.id, window, topic, computedAt: now, entries });
    this.#log.info(
      { community: community.id, window, topic, events: events.length, ranked: entries.length },
      'snapshot',
    );
    return entries.length;
  }

  async leaderboard(
    community: Community,
    window: LeaderboardWindow,
    topic: string | null | undefined,
    now: Date,
    limit = 10,
    offset = 0,
  ): Promise<Leaderboard> {
    const key = (topic ?? '').trim().toLowerCase();
    if (this.#wanted.size < 1000)
      this.#wanted.set(`${community.id}|${window}|${key}`, { community, window, topic: key });
    // One more than asked: its presence says whether a next page exists.
    const read = () => this.#store.top(community.id, window, key, limit + 1, offset);
    let top = await read();
    const start = windowStart(window, now, safeTimeZone(community.timezone));
    // A monthly or seasonal board computed before this month or season began is last period's: never show it.
    const fromLastPeriod =
      top !== null && (window === 'month' || window === 'season') && start && top.computedAt < start;
    if (!top || fromLastPeriod) {
      // First request for this ranking, or a reset: compute it now (the command is `slow`, so adapters defer).
      await this.refresh(community, window, key, now);
      top = await read();
    } else if (now.getTime() - top.computedAt.getTime() > this.options.snapshotMaxAgeMs) {
      // Stale: answer from the snapshot we have and refresh behind the reply.
      void this.refresh(community, window, key, now).catch((err: unknown) =>
        this.#log.error({ err, community: community.id, window }, 'snapshot refresh failed'),
      );
    }
    const snapshot = top ?? { computedAt: now, entries: [] };
    const members = await this.#getMany(snapshot.entries.map((e) => e.memberId));
    const entries: LeaderboardEntry[] = [];
    for (const e of snapshot.entries.slice(0, limit)) {
      const member = members.get(e.memberId);
      // Ranks are positions among the members shown, not the snapshot's: a member who opted out after the snapshot
      // was taken leaves no gap that would tell everyone where they stood.
      if (member) entries.push({ ...e, rank: offset + entries.length + 1, member });
    }
    return {
      window,
      topic: key,
      computedAt: snapshot.computedAt,
      entries,
      offset,
      hasMore: snapshot.entries.length > limit,
    };
  }

  /** Moderator analytics over the last `periodDays` (and the three periods before, for trends and "returning"). */
  async stats(community: Community, now: Date, periodDays = 7): Promise<CommunityStats> {
    const events = await this.#events.query({
      communityId: community.id,
      since: new Date(now.getTime() - 4 * periodDays * 86_400_000),
      // `until` is exclusive: include what happened at this very instant (a tip just sent).
      until: new Date(now.getTime() + 1),
      limit: this.options.maxEvents,
    });
    const actors = [...new Set(events.map((e) => e.actorId))];
    const members = await this.#getMany(actors);
    const joinedAt = new Map([...members.values()].map((m) => [m.id, m.joinedAt]));
    // Bots are not community members for these counts.
    const human = events.filter((e) => members.get(e.actorId)?.isBot !== true);
    return communityStats({ events: human, now, periodDays, timeZone: safeTimeZone(community.timezone), joinedAt });
  }

  /** Topics that posts and interactions of the last 90 days carry (model labels, tags), lower case. */
  async topicsSeen(community: Community, now: Date): Promise<string[]> {
    const cached = this.#topics.get(community.id);
    if (cached && cached.until > now.getTime()) return cached.topics;
    const events = await this.#events.query({
      communityId: community.id,
      since: new Date(now.getTime() - 90 * 86_400_000),
      until: new Date(now.getTime() + 1),
      limit: 20_000,
    });
    const topics = [...new Set(events.flatMap(eventTopics))].sort();
    if (this.#topics.size > 1000) this.#topics.clear();
    this.#topics.set(community.id, { topics, until: now.getTime() + 10 * 60_000 });
    return topics;
  }

  async members(ids: readonly string[]): Promise<Map<string, Member>> {
    return this.#getMany(ids);
  }

  setOptOut(community: Community, member: Member, optedOut: boolean, now: Date): Promise<void> {
    return this.#store.setOptOut(community.id, member.id, optedOut, now);
  }

  async #getMany(ids: readonly string[]): Promise<Map<string, Member>> {
    const out = new Map<string, Member>();
    for (let i = 0; i < ids.length; i += 500) {
      for (const m of await this.#members.getMany(ids.slice(i, i + 500))) out.set(m.id, m);
    }
    return out;
  }
}
