import { type ItemCatalog, topicsOf } from './catalog.ts';
import { CountRow } from './count-row.ts';

/**
 * What the community has done so far, kept up to date one interaction at a time in time order: per-item counts and
 * exponentially decayed "trending" counters, per-member histories and decayed topic weights, and item co-occurrence.
 * The evaluation replays the log through it (so a ranking at time t only ever sees the past), and training builds
 * the serving snapshot with it. Decayed counters are stored with their last update time and decayed lazily on read.
 */

export const HOUR_MS = 3_600_000;

export interface ActivityOptions {
  /** Half-lives of the two trending counters and of members' topic weights. */
  shortHalfLifeHours: number;
  longHalfLifeHours: number;
  topicHalfLifeHours: number;
  /** Co-occurrence only pairs an item with a member's most recent items: bounds the cost of heavy members. */
  coocWindow: number;
}

export const DEFAULT_ACTIVITY: ActivityOptions = {
  shortHalfLifeHours: 12,
  longHalfLifeHours: 24 * 7,
  topicHalfLifeHours: 24 * 60,
  coocWindow: 10,
};

export class DecayedCounter {
  readonly value: Float64Array;
  readonly last: Float64Array;
  readonly #lambda: number;
  constructor(size: number, halfLifeHours: number) {
    this.value = new Float64Array(size);
    this.last = new Float64Array(size);
    this.#lambda = Math.LN2 / (halfLifeHours * HOUR_MS);
  }
  add(i: number, at: number, amount: number): void {
    this.value[i] = this.at(i, at) + amount;
    this.last[i] = Math.max(at, this.last[i] as number);
  }
  at(i: number, at: number): number {
    const v = this.value[i] as number;
    if (v === 0) return 0;
    const dt = at - (this.last[i] as number);
    return dt <= 0 ? v : v * Math.exp(-this.#lambda * dt);
  }
}

/** Shared by every history that has none yet: most members never dismiss, own or follow an author. */
const NO_ITEMS: ReadonlySet<number> = new Set<number>();
const NO_AUTHORS: ReadonlyMap<number, number> = new Map<number, number>();
/** Below this many items a history is searched in place; above it, an index (a Map) is built once and kept. */
const INDEXED_FROM = 12;

/**
 * Appends to a history column. The first few appends copy into an array of exactly the new length: `push` onto an
 * empty array reserves 17 slots, and at a million members, most with one or two items, that slack was most of the
 * histories' memory. Past that, `push` (amortised growth) as before.
 */
function append(column: number[], value: number): number[] {
  if (column.length >= INDEXED_FROM) {
    column.push(value);
    return column;
  }
  return column.concat(value);
}

/**
 * One member's history. Kept compact, because there is one per member (a million in a large community): sets and
 * maps a member may never need are shared empty ones until first written, the item index is a scan until the
 * history is long, and topic weights are one flat array instead of a Map of objects. Reads are what they were.
 */
export class MemberHistory {
  /** Distinct items, in the order first touched. */
  items: number[] = [];
  firstAt: number[] = [];
  /** Accumulated strength per item (parallel to items). */
  strength: number[] = [];
  /** When each item was last touched (parallel to items). */
  lastAt: number[] = [];
  /** Topic weights, decayed lazily like DecayedCounter: [topic, weight, at] per topic, in first-seen order. */
  topics: number[] = [];
  /** Authors this member engaged with (social signal), with counts. */
  authors: ReadonlyMap<number, number> = NO_AUTHORS;
  /** Items the member said "not interested" to: never shown again, and their topics weigh less. */
  dismissed: ReadonlySet<number> = NO_ITEMS;
  /**
   * Items the member has (enrolled, bought; in a Q&A replay, threads they already took part in): never candidates.
   * A view is interest, not ownership: a viewed item stays on offer.
   */
  owned: ReadonlySet<number> = NO_ITEMS;
  /** Sum of log(1 + item age in hours) at first touch: how fresh the things this member picks up tend to be. */
  sumLogAge = 0;
  #position: Map<number, number> | null = null;

  /** Where `item` is in `items`, or undefined when the member never touched it. */
  positionOf(item: number): number | undefined {
    if (this.#position) return this.#position.get(item);
    const k = this.items.indexOf(item);
    return k < 0 ? undefined : k;
  }

  has(item: number): boolean {
    return this.positionOf(item) !== undefined;
  }

  /** A first touch of `item` (the caller checked it is new). */
  addItem(item: number, at: number, strength: number): void {
    const k = this.items.length;
    this.items = append(this.items, item);
    this.firstAt = append(this.firstAt, at);
    this.strength = append(this.strength, strength);
    this.lastAt = append(this.lastAt, at);
    if (this.#position) this.#position.set(item, k);
    else if (k + 1 >= INDEXED_FROM) this.#position = new Map(this.items.map((i, p) => [i, p]));
  }

  own(item: number): void {
    if (this.owned === NO_ITEMS) this.owned = new Set<number>();
    (this.owned as Set<number>).add(item);
  }

  dismiss(item: number): void {
    if (this.dismissed === NO_ITEMS) this.dismissed = new Set<number>();
    (this.dismissed as Set<number>).add(item);
  }

  engageAuthor(author: number): void {
    if (this.authors === NO_AUTHORS) this.authors = new Map<number, number>();
    const authors = this.authors as Map<number, number>;
    authors.set(author, (authors.get(author) ?? 0) + 1);
  }
}

export class ActivityState {
  readonly catalog: ItemCatalog;
  readonly options: ActivityOptions;
  readonly count: Float64Array;
  readonly trendShort: DecayedCounter;
  readonly trendLong: DecayedCounter;
  /** Distinct members per item. */
  readonly reach: Float64Array;
  readonly members = new Map<number, MemberHistory>();
  /** Sparse symmetric co-occurrence counts (count-row.ts: a Map's entries, compactly). */
  readonly cooc: CountRow[];
  /**
   * Who touched each item (member → count, in first-touch order): the member–member neighbourhood behind the "peers"
   * signal. Compact rows like co-occurrence (a Map per item held some 40 bytes an entry).
   */
  readonly participants: CountRow[];
  readonly #topicLambda: number;
  /** Latest time observed: the replay's "now". */
  now = 0;
  /** Bumped by every change: serving caches item-level scores per version. */
  version = 0;
  /**
   * Items whose item-level signals (counts, trends, last activity) changed, in order: a cache of item-level scores
   * patches just these instead of recomputing every item. Dropped when it outgrows the catalogue (a full recompute
   * is then cheaper); #changedFrom is the position of its first entry in the whole sequence.
   */
  #changed: number[] = [];
  #changedFrom = 0;
  /** Community-wide counterpart of MemberHistory.sumLogAge. */
  sumLogAge = 0;
  firstTouches = 0;
  /** Creation times, ascending, for "how many items appeared since this one". */
  readonly #sortedCreated: Float64Array;
  /** Item indexes in creation order (parallel to #sortedCreated). */
  readonly #byCreated: Int32Array;

  constructor(catalog: ItemCatalog, options: Partial<ActivityOptions> = {}) {
    this.catalog = catalog;
    this.options = { ...DEFAULT_ACTIVITY, ...options };
    const n = catalog.size;
    this.count = new Float64Array(n);
    this.reach = new Float64Array(n);
    this.trendShort = new DecayedCounter(n, this.options.shortHalfLifeHours);
    this.trendLong = new DecayedCounter(n, this.options.longHalfLifeHours);
    this.cooc = Array.from({ length: n }, () => new CountRow());
    this.participants = Array.from({ length: n }, () => new CountRow());
    this.#topicLambda = Math.LN2 / (this.options.topicHalfLifeHours * HOUR_MS);
    this.#byCreated = Int32Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => (catalog.createdAt[a] as number) - (catalog.createdAt[b] as number) || a - b,
    );
    this.#sortedCreated = Float64Array.from(this.#byCreated, (i) => catalog.createdAt[i] as number);
  }

  /**
   * The `k` newest items created strictly before `at` (newest first): the alternatives a member really weighs in a
   * living community, used as hard negatives when the blend is learned.
   */
  newestBefore(at: number, k: number): Int32Array {
    const end = this.#lowerBound(at);
    const from = Math.max(0, end - k);
    const out = new Int32Array(end - from);
    for (let i = end - 1, o = 0; i >= from; i--, o++) out[o] = this.#byCreated[i] as number;
    return out;
  }

  /** How many items exist (were created strictly before `at`). */
  existingAt(at: number): number {
    return this.#lowerBound(at);
  }

  /** Items created strictly after `from` and strictly before `to` (binary search over creation times). */
  createdBetween(from: number, to: number): number {
    return Math.max(0, this.#lowerBound(to) - this.#upperBound(from));
  }

  #lowerBound(x: number): number {
    const a = this.#sortedCreated;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((a[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #upperBound(x: number): number {
    const a = this.#sortedCreated;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((a[mid] as number) <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #itemChanged(item: number): void {
    this.#changed.push(item);
    if (this.#changed.length > 2 * this.catalog.size + 1024) {
      this.#changedFrom += this.#changed.length;
      this.#changed = [];
    }
  }

  /** Position in the sequence of item changes: pass it to `changedSince` later. */
  get changeCount(): number {
    return this.#changedFrom + this.#changed.length;
  }

  /** Items changed since position `from` (with repeats), or null when that part of the sequence was dropped. */
  changedSince(from: number): readonly number[] | null {
    if (from < this.#changedFrom) return null;
    return this.#changed.slice(from - this.#changedFrom);
  }

  /** When anything last happened to an item: its last interaction, or its creation. */
  lastActivity(item: number): number {
    return Math.max(this.trendShort.last[item] as number, this.catalog.createdAt[item] as number);
  }

  /** Mean log(1 + age in hours) of what this member picks up, shrunk towards the community's mean. */
  preferredLogAge(member: number): number {
    const global = this.firstTouches > 0 ? this.sumLogAge / this.firstTouches : 3;
    const h = this.members.get(member);
    const prior = 2;
    return h ? (h.sumLogAge + prior * global) / (h.items.length + prior) : global;
  }

  history(member: number): MemberHistory {
    let h = this.members.get(member);
    if (!h) {
      h = new MemberHistory();
      this.members.set(member, h);
    }
    return h;
  }

  /**
   * One interaction: `strength` is the verb's weight (an enrolment counts more than a view); `owns` says whether it
   * takes the item off the member's list (an enrolment does, a view does not).
   */
  observe(member: number, item: number, at: number, strength = 1, owns = true): void {
    this.now = Math.max(this.now, at);
    this.version++;
    this.#itemChanged(item);
    this.count[item]! += strength;
    this.trendShort.add(item, at, strength);
    this.trendLong.add(item, at, strength);
    const h = this.history(member);
    if (owns) h.own(item);
    const known = h.positionOf(item);
    (this.participants[item] as CountRow).add(member, 1);
    if (known !== undefined) {
      h.strength[known]! += strength;
      h.lastAt[known] = Math.max(h.lastAt[known] as number, at);
    } else {
      this.reach[item]! += 1;
      const from = Math.max(0, h.items.length - this.options.coocWindow);
      for (let k = from; k < h.items.length; k++) {
        const j = h.items[k] as number;
        (this.cooc[item] as CountRow).add(j, 1);
        (this.cooc[j] as CountRow).add(item, 1);
      }
      const logAge = Math.log1p(Math.max(0, at - (this.catalog.createdAt[item] as number)) / HOUR_MS);
      h.sumLogAge += logAge;
      this.sumLogAge += logAge;
      this.firstTouches++;
      h.addItem(item, at, strength);
    }
    for (const t of topicsOf(this.catalog, item)) this.addTopic(h, t, at, strength);
    const author = this.catalog.authorOf[item] as number;
    if (author >= 0 && author !== member) h.engageAuthor(author);
  }

  /**
   * Activity on an item that is nobody's interaction with it (its author replying in its thread, an edit): it makes
   * the item live (trending, last activity) without entering anyone's history.
   */
  bump(item: number, at: number, strength = 1): void {
    this.now = Math.max(this.now, at);
    this.version++;
    this.#itemChanged(item);
    this.trendShort.add(item, at, strength);
    this.trendLong.add(item, at, strength);
  }

  /** A topic signal that is not tied to an item (a search, a message's topic, an explicit interest). */
  addTopic(h: MemberHistory, topic: number, at: number, weight: number): void {
    const t = h.topics;
    for (let e = 0; e < t.length; e += 3) {
      if (t[e] !== topic) continue;
      const when = t[e + 2] as number;
      t[e + 1] = this.decay(t[e + 1] as number, when, at) + weight;
      t[e + 2] = Math.max(at, when);
      return;
    }
    h.topics = t.concat(topic, 0 + weight, at);
  }

  dismiss(member: number, item: number, at: number): void {
    const h = this.history(member);
    h.dismiss(item);
    for (const t of topicsOf(this.catalog, item)) this.addTopic(h, t, at, -0.5);
  }

  decay(w: number, from: number, to: number): number {
    const dt = to - from;
    return dt <= 0 ? w : w * Math.exp(-this.#topicLambda * dt);
  }

  /** The member's topic weights at time t, positive part, normalised to sum 1 (empty when unknown). */
  topicWeights(member: number, at: number): Map<number, number> {
    const h = this.members.get(member);
    const out = new Map<number, number>();
    if (!h) return out;
    let total = 0;
    const topics = h.topics;
    for (let e = 0; e < topics.length; e += 3) {
      const t = topics[e] as number;
      const v = this.decay(topics[e + 1] as number, topics[e + 2] as number, at);
      if (v > 0) {
        out.set(t, v);
        total += v;
      }
    }
    if (total > 0) for (const [t, v] of out) out.set(t, v / total);
    return out;
  }
}
