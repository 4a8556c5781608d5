import type { Community, Course, EventVerb, InteractionEvent, Member } from '../domain/types.ts';
import type { Clock } from '../ports/clock.ts';
import type { ContentModel } from '../ports/content-model.ts';
import type { Logger } from '../ports/logger.ts';
import { seededRandom } from '../ports/random.ts';
import type { EmptyReason, MemberProfile } from '../ports/recommender.ts';
import type { CourseStore, EventStore } from '../ports/stores.ts';
import { buildCatalog, topicIndexOf } from './catalog.ts';
import { RecommenderEngine } from './engine.ts';
import { FEATURES, normalise } from './features.ts';
import type { Reason } from './hybrid.ts';
import { learningStart } from './learning-sample.ts';
import { hourIn, ProfileAccumulator } from './profile.ts';
import type { RankerWeights } from './ranker.ts';
import { type MemberFacts, truthfulReason } from './reasons.ts';
import { searchCatalogue } from './search.ts';
import { COURSE_STRENGTH, eventText, eventTopics, SIGNAL_VERBS, topicStrength } from './signals.ts';
import type { RecommenderSnapshotStore } from './snapshot-store.ts';
import { warmServing } from './warm.ts';

/**
 * The recommender as the bot uses it, per community: a trained snapshot (catalogue embeddings, ALS factors,
 * interest groups, the learned blend) that serving reads without retraining, kept current between retrains by
 * folding in the events logged since. `retrain` runs on a schedule (`start`) and on demand.
 */
export interface RecommendServiceDeps {
  courses: CourseStore;
  events: EventStore;
  /** The content model; when absent the model-free hashed embedder stands in (no cross-lingual matching). */
  model: ContentModel;
  clock: Clock;
  log: Logger;
  /** Where retrains keep what they learned (absent: nothing survives a restart but the log). */
  snapshots?: RecommenderSnapshotStore;
  seed?: number;
  /** Ids of the community's archived (off-sale) courses: never suggested. Absent: none are archived. */
  archived?: (communityId: string) => Promise<ReadonlySet<string>>;
}

export interface Recommendation {
  course: Course;
  score: number;
  reason: Reason;
  /** For "because you looked at …": the course behind an item-kNN or content reason. */
  becauseOf: Course | null;
  /** Topics of the member's interest group, for "popular with members who like …". */
  groupLabel: string[];
}

export interface SearchHit {
  course: Course;
  similarity: number;
}

export interface GroupView {
  index: number;
  label: string[];
  size: number;
}

interface Snapshot {
  communityId: string;
  trainedAt: number;
  /** The newest event folded in; serving folds in anything later before it answers. */
  lastEventAt: number;
  /** Ids of the events folded in that occurred at lastEventAt (the only ones a later read can return again). */
  seenEventIds: Set<string>;
  courses: Course[];
  /** The catalogue version (CourseStore.catalogueVersion) the snapshot was trained on. */
  catalogue: string;
  courseIndex: Map<string, number>;
  courseVectors: Float32Array[];
  memberIndex: Map<string, number>;
  engine: RecommenderEngine;
  profiles: Map<number, ProfileAccumulator>;
  timezone: string;
}

const MAX_COURSES = 50_000;
/**
 * Events read per query while retraining: small enough that a page dies young (a page that outlives two minor
 * collections is copied into the old generation, which then grows by the log's size before a full collection).
 */
const EVENT_PAGE = 5_000;
const COURSE_VERBS = Object.keys(COURSE_STRENGTH) as EventVerb[];

export class RecommendService {
  readonly #deps: RecommendServiceDeps;
  readonly #snapshots = new Map<string, Snapshot>();
  readonly #training = new Map<string, Promise<Snapshot>>();
  readonly #embeddingCache = new Map<string, Float32Array>();
  readonly #log: Logger;

  constructor(deps: RecommendServiceDeps) {
    this.#deps = deps;
    this.#log = deps.log.child({ ns: 'core:recommend' });
  }

  get modelId(): string {
    return this.#deps.model.id;
  }

  /** Retrains every community that has a snapshot, one after another (the scheduled retrain). */
  async retrainAll(): Promise<void> {
    for (const snapshot of [...this.#snapshots.values()]) {
      await this.retrain({ id: snapshot.communityId, timezone: snapshot.timezone }).catch((err: unknown) =>
        this.#log.error({ err, community: snapshot.communityId }, 'scheduled retrain failed'),
      );
    }
  }

  /** Builds a fresh snapshot from the catalogue and the whole log. Concurrent calls share one run. */
  retrain(community: Pick<Community, 'id' | 'timezone'>): Promise<Snapshot> {
    const running = this.#training.get(community.id);
    if (running) return running;
    const work = this.#train(community).finally(() => this.#training.delete(community.id));
    this.#training.set(community.id, work);
    return work;
  }

  /** Resolves once no retrain is running (failures are the retrain's own to log). */
  async settle(): Promise<void> {
    while (this.#training.size > 0) await Promise.allSettled([...this.#training.values()]);
  }

  /** On-demand retrain (moderators' `/recommend retrain`): the figures a reply needs. */
  async retrainNow(community: Pick<Community, 'id' | 'timezone'>): Promise<{ courses: number; groups: number }> {
    const snapshot = await this.retrain(community);
    return { courses: snapshot.courses.length, groups: snapshot.engine.grouping?.k ?? 0 };
  }

  async #train(community: Pick<Community, 'id' | 'timezone'>): Promise<Snapshot> {
    const started = performance.now();
    const now = this.#deps.clock.now().getTime();
    // Read before the list: a course added meanwhile makes the next request see a newer version and train again.
    const catalogue = await this.#deps.courses.catalogueVersion(community.id);
    const courses = (await this.#deps.courses.list(community.id, { limit: MAX_COURSES })).sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id),
    );
    const courseIndex = new Map(courses.map((c, i) => [c.id, i]));
    const courseVectors = await this.#courseVectors(courses);
    const memberIndex = new Map<string, number>();
    const indexOf = (id: string) => {
      let i = memberIndex.get(id);
      if (i === undefined) {
        i = memberIndex.size;
        memberIndex.set(id, i);
      }
      return i;
    };
    const dims = this.#deps.model.dimensions;
    const vectors = new Float32Array(courses.length * dims);
    courseVectors.forEach((v, i) => {
      vectors.set(v.subarray(0, dims), i * dims);
    });
    const catalog = buildCatalog(
      courses.map((c) => ({
        createdAt: c.createdAt.getTime(),
        author: c.creatorId ? indexOf(c.creatorId) : -1,
        topics: c.tags,
      })),
      courses.length > 0 ? { dims, vectors } : null,
    );
    const engine = new RecommenderEngine(catalog, seededRandom(this.#deps.seed ?? 42), {
      minExamples: 30,
      rank: { k: 5, pool: 20, mmrLambda: 0.7 },
    });
    const snapshot: Snapshot = {
      communityId: community.id,
      trainedAt: now,
      lastEventAt: 0,
      seenEventIds: new Set(),
      courses,
      catalogue,
      courseIndex,
      courseVectors,
      memberIndex,
      engine,
      profiles: new Map(),
      timezone: community.timezone,
    };
    engine.setMemberContent((m) => {
      const v = snapshot.profiles.get(m)?.textVector;
      if (!v) return null;
      const copy = Float32Array.from(v);
      normalise(copy);
      return copy;
    });
    engine.setMemberTopics((m) => snapshot.profiles.get(m)?.topicWeights(now) ?? new Map());
    const previous = this.#snapshots.get(community.id)?.engine.ranker ?? (await this.#storedBlend(community.id));
    if (previous) engine.warmStart(previous);
    // Learning examples are only built for the most recent course interactions (a bounded, recent sample): a fit
    // reads only the newest learningWindow of them, and building one costs a query, so learning from the whole log
    // would spend most of a retrain on examples that are never read. Twice the window, as repeats build none.
    const until = new Date(now + 1);
    const recent = await this.#deps.events.query({
      communityId: community.id,
      verbs: COURSE_VERBS,
      until,
      newestFirst: true,
      limit: 2 * engine.learningWindow,
    });
    const learnFrom = recent.at(-1)?.occurredAt.getTime() ?? Number.POSITIVE_INFINITY;
    // The log is read a page at a time (never a million rows held at once), oldest first.
    let events = 0;
    let since: Date | undefined;
    let limit = EVENT_PAGE;
    // Where a retrain's time goes, logged with it (reading the log, folding it in, the fits, warming serving, the
    // stored copy).
    const ms = { read: 0, fold: 0, fit: 0, warm: 0, save: 0 };
    let mark = performance.now();
    const lap = (stage: keyof typeof ms) => {
      const t = performance.now();
      ms[stage] += t - mark;
      mark = t;
    };
    // The events from learnFrom on are held back and folded last, with learning on from where the newest
    // learningWindow examples begin (learning-sample.ts). Pages overlap at their boundary instant: held ids dedupe.
    const tail: InteractionEvent[] = [];
    const held = new Set<string>();
    for (;;) {
      const page = await this.#deps.events.query({
        communityId: community.id,
        verbs: SIGNAL_VERBS,
        since,
        until,
        limit,
      });
      lap('read');
      let cut = page.findIndex((e) => e.occurredAt.getTime() >= learnFrom);
      if (cut < 0) cut = page.length;
      await this.#fold(snapshot, cut === page.length ? page : page.slice(0, cut));
      for (let i = cut; i < page.length; i++) {
        const event = page[i] as InteractionEvent;
        if (held.has(event.id)) continue;
        held.add(event.id);
        tail.push(event);
      }
      lap('fold');
      events += page.length;
      if (page.length < limit) break;
      const last = (page.at(-1) as InteractionEvent).occurredAt;
      // A page of events at one instant: the next page starts there again, so it must be larger to move on.
      limit = since && last.getTime() === since.getTime() ? limit * 2 : EVENT_PAGE;
      since = last;
    }
    const start = learningStart(tail, engine.learningWindow, (e) => {
      const item = e.objectType === 'course' ? courseIndex.get(e.objectId) : undefined;
      if (item === undefined || !((COURSE_STRENGTH[e.verb] ?? 0) > 0)) return null;
      const m = memberIndex.get(e.actorId);
      if (m !== undefined && engine.state.members.get(m)?.has(item)) return null;
      return { pair: `${e.actorId}\u0000${item}` };
    });
    await this.#fold(snapshot, tail.slice(0, start));
    await this.#fold(snapshot, tail.slice(start), true);
    lap('fold');
    await this.#continueGroups(community.id, snapshot);
    this.#continueFactors(community.id, snapshot);
    engine.retrain(now, true);
    lap('fit');
    // As serving asks (clock + 1 ms): the first requests after the retrain find the caches built and the code hot.
    warmServing(engine, this.#deps.clock.now().getTime() + 1, memberIndex.size);
    lap('warm');
    this.#snapshots.set(community.id, snapshot);
    await this.#save(snapshot, events);
    lap('save');
    this.#log.info(
      {
        community: community.id,
        courses: courses.length,
        events,
        groups: engine.grouping?.k ?? 0,
        examples: engine.exampleCount,
        ms: Math.round(performance.now() - started),
        stages: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, Math.round(v)])),
      },
      'recommender retrained',
    );
    return snapshot;
  }

  /**
   * Hands the new engine the groups of the snapshot it replaces (in memory, else the stored one), keyed by the new
   * member indexes, so interest groups keep their numbers and labels across retrains and restarts.
   */
  async #continueGroups(communityId: string, snapshot: Snapshot): Promise<void> {
    const old = this.#snapshots.get(communityId);
    let groups: { index: number; label: string[] }[] = [];
    const byMember = new Map<string, number>();
    if (old?.engine.grouping) {
      groups = old.engine.grouping.groups;
      for (const [memberId, m] of old.memberIndex) {
        const g = old.engine.groupOf(m);
        if (g >= 0) byMember.set(memberId, g);
      }
    } else {
      const stored = await this.#deps.snapshots?.load(communityId).catch(() => null);
      if (!stored) return;
      groups = stored.groups;
      for (const [memberId, g] of stored.membership) byMember.set(memberId, g);
    }
    const members = new Map<number, number>();
    for (const [memberId, g] of byMember) {
      const m = snapshot.memberIndex.get(memberId);
      if (m !== undefined) members.set(m, g);
    }
    if (groups.length > 0 && members.size > 0) snapshot.engine.continueGroups(groups, members);
  }

  /**
   * Hands the new engine the ALS factors of the snapshot it replaces, by member and course id: between full fits a
   * retrain only absorbs what changed (two warm sweeps instead of a cold fit), as the engine does within a replay.
   */
  #continueFactors(communityId: string, snapshot: Snapshot): void {
    const old = this.#snapshots.get(communityId);
    const als = old?.engine.als;
    if (!old || !als) return;
    const k = als.factors;
    const users = snapshot.memberIndex.size;
    const items = snapshot.courses.length;
    const userFactors = new Float32Array(users * k);
    const itemFactors = new Float32Array(items * k);
    for (const [memberId, m] of snapshot.memberIndex) {
      const before = old.memberIndex.get(memberId);
      if (before !== undefined && before < als.users) {
        userFactors.set(als.userFactors.subarray(before * k, (before + 1) * k), m * k);
      }
    }
    snapshot.courses.forEach((course, i) => {
      const before = old.courseIndex.get(course.id);
      if (before !== undefined && before < als.items) {
        itemFactors.set(als.itemFactors.subarray(before * k, (before + 1) * k), i * k);
      }
    });
    snapshot.engine.warmStartAls({ factors: k, userFactors, itemFactors, users, items });
  }

  async #storedBlend(communityId: string): Promise<RankerWeights | null> {
    const stored = await this.#deps.snapshots?.load(communityId).catch((err: unknown) => {
      this.#log.error({ err, community: communityId }, 'loading the recommender snapshot failed');
      return null;
    });
    if (!stored || stored.blend.features.join() !== FEATURES.join()) return null;
    return {
      weights: Float32Array.from(stored.blend.weights),
      mean: Float32Array.from(stored.blend.mean),
      std: Float32Array.from(stored.blend.std),
    };
  }

  async #save(snapshot: Snapshot, events: number): Promise<void> {
    if (!this.#deps.snapshots) return;
    const { engine } = snapshot;
    const membership = new Map<string, number>();
    for (const [memberId, m] of snapshot.memberIndex) {
      const g = engine.groupOf(m);
      if (g >= 0) membership.set(memberId, g);
    }
    try {
      await this.#deps.snapshots.save({
        communityId: snapshot.communityId,
        trainedAt: new Date(snapshot.trainedAt),
        modelId: this.#deps.model.id,
        blend: {
          features: [...FEATURES],
          weights: Array.from(engine.ranker.weights),
          mean: Array.from(engine.ranker.mean),
          std: Array.from(engine.ranker.std),
        },
        silhouette: engine.grouping?.silhouette ?? 0,
        courses: snapshot.courses.length,
        events,
        groups: (engine.grouping?.groups ?? []).map((g) => ({ index: g.index, label: g.label, size: g.size })),
        membership,
      });
    } catch (err) {
      // Serving does not depend on the stored copy: log and carry on.
      this.#log.error({ err, community: snapshot.communityId }, 'saving the recommender snapshot failed');
    }
  }

  async #catalogueCurrent(community: Pick<Community, 'id'>, snapshot: Snapshot): Promise<boolean> {
    return (await this.#deps.courses.catalogueVersion(community.id)) === snapshot.catalogue;
  }

  async #courseVectors(courses: readonly Course[]): Promise<Float32Array[]> {
    const text = (c: Course) => `${c.title}. ${c.description} ${c.tags.join(' ')}`;
    // Keyed by the text too: an edited course is embedded again.
    const key = (c: Course) => `${this.#deps.model.id}:${c.id}:${text(c)}`;
    const missing = courses.filter((c) => !this.#embeddingCache.has(key(c)));
    if (missing.length > 0) {
      const texts = missing.map(text);
      const vectors = await this.#deps.model.embed(texts);
      missing.forEach((c, i) => {
        this.#embeddingCache.set(key(c), vectors[i] as Float32Array);
      });
    }
    return courses.map((c) => this.#embeddingCache.get(key(c)) as Float32Array);
  }

  /**
   * Folds events (oldest first) into the snapshot: behaviour into the engine, everything into the profiles.
   * With `learn`, course interactions also become learning examples.
   */
  async #fold(snapshot: Snapshot, events: readonly InteractionEvent[], learn = false): Promise<void> {
    const fresh = events.filter((e) => !snapshot.seenEventIds.has(e.id));
    if (fresh.length === 0) return;
    const { engine, courseIndex, courses, memberIndex } = snapshot;
    const texts: { event: InteractionEvent; text: string }[] = [];
    for (const event of fresh) {
      const at = event.occurredAt.getTime();
      // Later reads start at lastEventAt (inclusive), so only the ids at that instant can come back.
      if (at > snapshot.lastEventAt) {
        snapshot.seenEventIds.clear();
        snapshot.lastEventAt = at;
      }
      snapshot.seenEventIds.add(event.id);
      let m = memberIndex.get(event.actorId);
      if (m === undefined) {
        m = memberIndex.size;
        memberIndex.set(event.actorId, m);
      }
      engine.touch(m);
      const profile = this.#profile(snapshot, m, event.actorId);
      const item = event.objectType === 'course' ? courseIndex.get(event.objectId) : undefined;
      const strength = COURSE_STRENGTH[event.verb] ?? 0;
      const courseTopics = item !== undefined && strength > 0 ? (courses[item]?.tags ?? []) : [];
      profile.observe(event, hourIn(event.occurredAt, snapshot.timezone), courseTopics, strength);
      // Viewing is interest, not ownership: a viewed course stays on the member's list.
      const learnThis = learn && COURSE_STRENGTH[event.verb] !== undefined;
      if (item !== undefined && strength > 0) {
        engine.observe(m, item, at, strength, learnThis, event.verb !== 'course.viewed');
      } else if (item !== undefined && event.verb === 'course.dismissed') engine.dismiss(m, item, at);
      // Topics named by non-course events (messages, searches, digest votes, corrections) feed the same
      // decayed topic weights the ranker reads, when a course carries that topic.
      const ts = topicStrength(event);
      if (ts !== 0) {
        for (const t of eventTopics(event)) {
          const idx = topicIndexOf(engine.state.catalog, t);
          if (idx >= 0) engine.state.addTopic(engine.state.history(m), idx, at, ts * 0.5);
        }
      }
      if (event.verb === 'tip.sent' && event.targetMemberId) {
        const target = memberIndex.get(event.targetMemberId) ?? memberIndex.size;
        memberIndex.set(event.targetMemberId, target);
        this.#profile(snapshot, target, event.targetMemberId).tipsReceived++;
      }
      const text = eventText(event);
      if (text && (event.verb.startsWith('message.') || event.verb === 'search.performed')) texts.push({ event, text });
    }
    if (texts.length > 0) {
      const batch = texts.map((t) => t.text.slice(0, 1000));
      const [vectors, signals] = await Promise.all([this.#deps.model.embed(batch), this.#deps.model.signals(batch)]);
      texts.forEach(({ event }, i) => {
        const m = memberIndex.get(event.actorId) as number;
        const profile = this.#profile(snapshot, m, event.actorId);
        const v = vectors[i];
        if (v) profile.addText(v, event.occurredAt.getTime(), event.verb === 'search.performed' ? 1.5 : 1);
        const s = signals[i];
        const topics = eventTopics(event);
        const named = topics.length > 0 ? topics : (s?.topics ?? []).filter((t) => t.weight >= 0.5).map((t) => t.topic);
        if (s && event.verb.startsWith('message.') && named.length > 0) profile.addSentiment(named, s.sentiment);
      });
    }
  }

  #profile(snapshot: Snapshot, m: number, memberId: string): ProfileAccumulator {
    let p = snapshot.profiles.get(m);
    if (!p) {
      p = new ProfileAccumulator(memberId);
      snapshot.profiles.set(m, p);
    }
    return p;
  }

  /** The current snapshot with every event logged since folded in (trains on first use). */
  async #current(community: Pick<Community, 'id' | 'timezone'>): Promise<Snapshot> {
    const snapshot = this.#snapshots.get(community.id) ?? (await this.retrain(community));
    if (!(await this.#catalogueCurrent(community, snapshot))) {
      // A course was added or edited (here or in another process): serve this snapshot, and train the next one
      // in the background rather than make this member wait for it.
      this.retrain(community).catch((err: unknown) =>
        this.#log.error({ err, community: community.id }, 'retraining after a catalogue change failed'),
      );
    }
    const since = new Date(snapshot.lastEventAt);
    const events = await this.#deps.events.query({ communityId: community.id, verbs: SIGNAL_VERBS, since });
    await this.#fold(snapshot, events);
    return snapshot;
  }

  async recommend(
    community: Pick<Community, 'id' | 'timezone'>,
    member: Member,
    options: { topic?: string; k?: number } = {},
  ): Promise<Recommendation[]> {
    const snapshot = await this.#current(community);
    const { engine } = snapshot;
    let m = snapshot.memberIndex.get(member.id);
    if (m === undefined) {
      m = snapshot.memberIndex.size;
      snapshot.memberIndex.set(member.id, m);
    }
    const topic = options.topic ? topicIndexOf(engine.state.catalog, options.topic) : undefined;
    if (options.topic && (topic === undefined || topic < 0)) return [];
    const profile = snapshot.profiles.get(m);
    const now = this.#deps.clock.now().getTime() + 1;
    const k = options.k ?? 5;
    // Asked for more than shown: picks in a topic the member removed are dropped below, and the list still fills.
    const picks = engine.recommend(m, now, {
      k: k * 3,
      pool: Math.max(k * 4, 20),
      ...(topic !== undefined ? { topic } : {}),
    });
    const group = engine.groupOf(m);
    const groupLabel = group >= 0 ? (engine.grouping?.groups[group]?.label ?? []) : [];
    const facts = memberFacts(snapshot, m, profile, now);
    const archived = (await this.#deps.archived?.(community.id)) ?? new Set<string>();
    return picks
      .filter((p) => !archived.has(snapshot.courses[p.item]?.id ?? ''))
      .filter((p) => !(profile && (snapshot.courses[p.item]?.tags ?? []).some((t) => profile.isBlocked(t))))
      .map((p) => {
        const checked = truthfulReason(
          p.reason.signal === 'group' && groupLabel.length === 0 ? { signal: 'popularity' } : p.reason,
          p.item,
          facts,
        );
        return {
          course: snapshot.courses[p.item] as Course,
          score: p.score,
          reason: checked,
          becauseOf: checked.becauseOf !== undefined ? (snapshot.courses[checked.becauseOf] ?? null) : null,
          groupLabel,
        };
      })
      .slice(0, k);
  }

  /** Why a member's list is empty, counted over the courses that fit (the topic's, or all). */
  async whyEmpty(community: Pick<Community, 'id' | 'timezone'>, member: Member, topic?: string): Promise<EmptyReason> {
    const snapshot = await this.#current(community);
    const m = snapshot.memberIndex.get(member.id);
    const h = m === undefined ? undefined : snapshot.engine.state.members.get(m);
    const profile = m === undefined ? undefined : snapshot.profiles.get(m);
    const wanted = topic?.trim().toLowerCase();
    const now = this.#deps.clock.now().getTime();
    const counts = { owned: 0, dismissed: 0, blocked: 0, own: 0, open: 0 };
    const archived = (await this.#deps.archived?.(community.id)) ?? new Set<string>();
    snapshot.courses.forEach((course, i) => {
      const tags = course.tags.map((t) => t.trim().toLowerCase());
      if ((wanted && !tags.includes(wanted)) || course.createdAt.getTime() > now) return;
      // An archived course is not on offer: it neither fills the list nor explains why it is empty.
      if (archived.has(course.id) && !h?.owned.has(i)) return;
      if (h?.owned.has(i)) counts.owned++;
      else if (h?.dismissed.has(i)) counts.dismissed++;
      else if (m !== undefined && snapshot.engine.state.catalog.authorOf[i] === m) counts.own++;
      else if (profile && tags.some((t) => profile.isBlocked(t))) counts.blocked++;
      else counts.open++;
    });
    if (counts.open > 0) return 'none';
    if (counts.blocked > 0 && wanted) return 'blocked';
    if (counts.owned > 0 && counts.owned >= counts.dismissed) return 'owned';
    if (counts.dismissed > 0) return 'dismissed';
    if (counts.own > 0) return 'own';
    return 'none';
  }

  async profile(community: Pick<Community, 'id' | 'timezone'>, member: Member): Promise<MemberProfile> {
    const snapshot = await this.#current(community);
    const m = snapshot.memberIndex.get(member.id);
    const now = this.#deps.clock.now().getTime();
    const group = m === undefined ? -1 : snapshot.engine.groupOf(m);
    const label = group >= 0 ? (snapshot.engine.grouping?.groups[group]?.label ?? null) : null;
    const acc = m === undefined ? undefined : snapshot.profiles.get(m);
    return (acc ?? new ProfileAccumulator(member.id)).snapshot(now, label);
  }

  async groups(
    community: Pick<Community, 'id' | 'timezone'>,
  ): Promise<{ groups: GroupView[]; silhouette: number; trainedAt: Date }> {
    const snapshot = await this.#current(community);
    const grouping = snapshot.engine.grouping;
    return {
      groups: (grouping?.groups ?? [])
        .map((g) => ({ index: g.index, label: g.label, size: g.size }))
        .sort((a, b) => b.size - a.size || a.index - b.index),
      silhouette: grouping?.silhouette ?? 0,
      trainedAt: new Date(snapshot.trainedAt),
    };
  }

  /** Search over the catalogue across Chinese and English (core/recommend/search.ts), best first; may be empty. */
  async search(community: Pick<Community, 'id' | 'timezone'>, query: string, k = 5): Promise<SearchHit[]> {
    const snapshot = await this.#current(community);
    const [q] = await this.#deps.model.embed([query]);
    // A course added or edited a moment ago is found at once: until the next snapshot, search the catalogue as it is.
    const fresh = (await this.#catalogueCurrent(community, snapshot))
      ? null
      : await this.#deps.courses.list(community.id, { limit: MAX_COURSES });
    const courses = fresh ?? snapshot.courses;
    const vectors = fresh ? await this.#courseVectors(fresh) : snapshot.courseVectors;
    const candidates = courses.map((course, i) => ({ course, vector: vectors[i] as Float32Array }));
    return searchCatalogue(candidates, query, q ?? null, k).map((h) => ({ course: h.course, similarity: h.score }));
  }

  /** Topics the catalogue knows, for validating `/profile interests add`. */
  async knownTopics(community: Pick<Community, 'id' | 'timezone'>): Promise<string[]> {
    const snapshot = await this.#current(community);
    return [...snapshot.engine.state.catalog.topicNames].sort();
  }
}

const DAY_MS = 86_400_000;

/** What is true of a member, from their data, for checking the reasons shown under their picks. */
function memberFacts(snapshot: Snapshot, m: number, profile: ProfileAccumulator | undefined, now: number): MemberFacts {
  const { state } = snapshot.engine;
  const h = state.members.get(m);
  const tags = (item: number) => (snapshot.courses[item]?.tags ?? []).map((t) => t.trim().toLowerCase());
  return {
    interests: profile?.topicWeights(now) ?? new Map(),
    history: new Set(h?.items ?? []),
    knowsAuthorOf: (item) => {
      const author = state.catalog.authorOf[item] as number;
      return author >= 0 && (h?.authors.get(author) ?? 0) > 0;
    },
    peersTook: (item) => {
      if (!h || h.items.length === 0) return false;
      const who = state.participants[item];
      if (!who) return false;
      for (let e = 0; e < who.size; e++) {
        const v = who.keyAt(e);
        if (v === m) continue;
        const hv = state.members.get(v);
        if (hv?.items.some((i) => i !== item && h.has(i))) return true;
      }
      return false;
    },
    recentInteractions: (item) => state.trendShort.at(item, now),
    interactions: (item) => state.count[item] as number,
    ageDays: (item) => (now - (state.catalog.createdAt[item] as number)) / DAY_MS,
    topicsOf: tags,
  };
}
