import type { Community, Course, InteractionEvent, Member } from '../domain/types.ts';
import type { Clock } from '../ports/clock.ts';
import type { ContentModel } from '../ports/content-model.ts';
import type { Logger } from '../ports/logger.ts';
import { seededRandom } from '../ports/random.ts';
import type { MemberProfile } from '../ports/recommender.ts';
import type { CourseStore, EventStore } from '../ports/stores.ts';
import { buildCatalog, topicIndexOf } from './catalog.ts';
import { RecommenderEngine } from './engine.ts';
import { FEATURES, normalise } from './features.ts';
import type { Reason } from './hybrid.ts';
import { hourIn, ProfileAccumulator } from './profile.ts';
import type { RankerWeights } from './ranker.ts';
import { type MemberFacts, truthfulReason } from './reasons.ts';
import { COURSE_STRENGTH, eventText, eventTopics, SIGNAL_VERBS, topicStrength } from './signals.ts';
import type { RecommenderSnapshotStore } from './snapshot-store.ts';

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
  seenEventIds: Set<string>;
  courses: Course[];
  courseIndex: Map<string, number>;
  courseVectors: Float32Array[];
  memberIndex: Map<string, number>;
  engine: RecommenderEngine;
  profiles: Map<number, ProfileAccumulator>;
  timezone: string;
}

const MAX_COURSES = 20_000;

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

  /** On-demand retrain (moderators' `/recommend retrain`): the figures a reply needs. */
  async retrainNow(community: Pick<Community, 'id' | 'timezone'>): Promise<{ courses: number; groups: number }> {
    const snapshot = await this.retrain(community);
    return { courses: snapshot.courses.length, groups: snapshot.engine.grouping?.k ?? 0 };
  }

  async #train(community: Pick<Community, 'id' | 'timezone'>): Promise<Snapshot> {
    const started = performance.now();
    const now = this.#deps.clock.now().getTime();
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
    const events = await this.#deps.events.query({
      communityId: community.id,
      verbs: SIGNAL_VERBS,
      until: new Date(now + 1),
    });
    const previous = this.#snapshots.get(community.id)?.engine.ranker ?? (await this.#storedBlend(community.id));
    if (previous) engine.warmStart(previous);
    await this.#fold(snapshot, events, true);
    engine.retrain(now, true);
    this.#snapshots.set(community.id, snapshot);
    await this.#save(snapshot, events.length);
    this.#log.info(
      {
        community: community.id,
        courses: courses.length,
        events: events.length,
        groups: engine.grouping?.k ?? 0,
        examples: engine.exampleCount,
        ms: Math.round(performance.now() - started),
      },
      'recommender retrained',
    );
    return snapshot;
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

  async #courseVectors(courses: readonly Course[]): Promise<Float32Array[]> {
    const key = (c: Course) => `${this.#deps.model.id}:${c.id}`;
    const missing = courses.filter((c) => !this.#embeddingCache.has(key(c)));
    if (missing.length > 0) {
      const texts = missing.map((c) => `${c.title}. ${c.description} ${c.tags.join(' ')}`);
      const vectors = await this.#deps.model.embed(texts);
      missing.forEach((c, i) => {
        this.#embeddingCache.set(key(c), vectors[i] as Float32Array);
      });
    }
    return courses.map((c) => this.#embeddingCache.get(key(c)) as Float32Array);
  }

  /** Folds events (oldest first) into the snapshot: behaviour into the engine, everything into the profiles. */
  async #fold(snapshot: Snapshot, events: readonly InteractionEvent[], learn: boolean): Promise<void> {
    const fresh = events.filter((e) => !snapshot.seenEventIds.has(e.id));
    if (fresh.length === 0) return;
    const { engine, courseIndex, courses, memberIndex } = snapshot;
    const texts: { event: InteractionEvent; text: string }[] = [];
    for (const event of fresh) {
      snapshot.seenEventIds.add(event.id);
      const at = event.occurredAt.getTime();
      snapshot.lastEventAt = Math.max(snapshot.lastEventAt, at);
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
      if (item !== undefined && strength > 0)
        engine.observe(m, item, at, strength, learn, event.verb !== 'course.viewed');
      else if (item !== undefined && event.verb === 'course.dismissed') engine.dismiss(m, item, at);
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
    const since = new Date(snapshot.lastEventAt);
    const events = await this.#deps.events.query({ communityId: community.id, verbs: SIGNAL_VERBS, since });
    await this.#fold(snapshot, events, false);
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
    const picks = engine.recommend(m, now, { k: options.k ?? 5, ...(topic !== undefined ? { topic } : {}) });
    const group = engine.groupOf(m);
    const groupLabel = group >= 0 ? (engine.grouping?.groups[group]?.label ?? []) : [];
    const facts = memberFacts(snapshot, m, profile, now);
    return picks
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
      });
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

  /** Semantic search over the catalogue: the query's embedding against every course's, best first. */
  async search(community: Pick<Community, 'id' | 'timezone'>, query: string, k = 5): Promise<SearchHit[]> {
    const snapshot = await this.#current(community);
    const [q] = await this.#deps.model.embed([query]);
    if (!q) return [];
    const hits = snapshot.courses.map((course, i) => {
      const v = snapshot.courseVectors[i] as Float32Array;
      let dot = 0;
      for (let a = 0; a < Math.min(v.length, q.length); a++) dot += (v[a] as number) * (q[a] as number);
      // Exact tag or title matches count too: short queries ("sql") embed weakly.
      const needle = query.trim().toLowerCase();
      const lexical = course.tags.includes(needle) || course.title.toLowerCase().includes(needle) ? 0.3 : 0;
      return { course, similarity: dot + lexical };
    });
    hits.sort((a, b) => b.similarity - a.similarity || a.course.id.localeCompare(b.course.id));
    // Keep what is close to the best match: an absolute cut-off would depend on the model's similarity scale.
    const best = hits[0]?.similarity ?? 0;
    return hits.filter((h) => h.similarity >= Math.max(0.2, best * 0.6)).slice(0, k);
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
      for (const v of (state.participants[item] ?? new Map<number, number>()).keys()) {
        if (v === m) continue;
        const hv = state.members.get(v);
        if (hv?.items.some((i) => i !== item && h.position.has(i))) return true;
      }
      return false;
    },
    recentInteractions: (item) => state.trendShort.at(item, now),
    interactions: (item) => state.count[item] as number,
    ageDays: (item) => (now - (state.catalog.createdAt[item] as number)) / DAY_MS,
    topicsOf: tags,
  };
}
