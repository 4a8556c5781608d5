import type { InteractionEvent } from '../domain/types.ts';
import type { MemberProfile } from '../ports/recommender.ts';
import { HOUR_MS } from './activity.ts';
import { eventLanguage, eventTopics, topicStrength } from './signals.ts';

const TOPIC_HALF_LIFE_MS = 60 * 24 * HOUR_MS;
const LAMBDA = Math.LN2 / TOPIC_HALF_LIFE_MS;

const NO_TOPICS: ReadonlySet<string> = new Set<string>();
/** Hour counters are carved out of shared slabs: a Float64Array of its own per member cost ~400 bytes, off-heap. */
const HOURS_PER_SLAB = 4096;
let hoursSlab = new Int32Array(0);
let hoursUsed = 0;

function hourCounters(): { slab: Int32Array; at: number } {
  if (hoursUsed + 24 > hoursSlab.length) {
    hoursSlab = new Int32Array(24 * HOURS_PER_SLAB);
    hoursUsed = 0;
  }
  const at = hoursUsed;
  hoursUsed += 24;
  return { slab: hoursSlab, at };
}

/**
 * Builds a member's profile P_u from behaviour B_u and sentiment E_u (see MemberProfile), plus an interest vector in
 * the content embedding space, by folding the interaction log in time order.
 * There is one per member (a million in a large community), so it is kept compact: topic weights are two flat
 * arrays (names; weight and time per name) instead of a Map of objects, sets most members never use are shared empty
 * ones until written, and the 24 hour counters live in a shared slab. Every figure is computed as before.
 */
export class ProfileAccumulator {
  readonly memberId: string;
  /** Topic names in first-seen order, and [weight, at] per name (parallel, flat). */
  #topicNames: string[] = [];
  #topicValues: number[] = [];
  #pinned: ReadonlySet<string> = NO_TOPICS;
  #blocked: ReadonlySet<string> = NO_TOPICS;
  #zh = 0;
  #en = 0;
  readonly #hoursSlab: Int32Array;
  readonly #hoursAt: number;
  #sentiment: Map<string, { sum: number; n: number }> | null = null;
  /** Decayed sum of the embeddings of what the member wrote or searched. */
  textVector: Float32Array | null = null;
  #textAt = 0;
  tipsGiven = 0;
  tipsReceived = 0;
  interactions = 0;

  constructor(memberId: string) {
    this.memberId = memberId;
    const hours = hourCounters();
    this.#hoursSlab = hours.slab;
    this.#hoursAt = hours.at;
  }

  addTopic(topic: string, at: number, weight: number): void {
    const e = this.#topicNames.indexOf(topic);
    if (e < 0) {
      // Exactly sized copies: a member names few topics, and push would reserve 17 slots for the first.
      this.#topicNames = this.#topicNames.concat(topic);
      this.#topicValues = this.#topicValues.concat(0 + weight, at);
      return;
    }
    const v = this.#topicValues;
    const when = v[2 * e + 1] as number;
    v[2 * e] = (v[2 * e] as number) * Math.exp(-LAMBDA * Math.max(0, at - when)) + weight;
    v[2 * e + 1] = Math.max(at, when);
  }

  #pinnedSet(): Set<string> {
    if (this.#pinned === NO_TOPICS) this.#pinned = new Set<string>();
    return this.#pinned as Set<string>;
  }

  #blockedSet(): Set<string> {
    if (this.#blocked === NO_TOPICS) this.#blocked = new Set<string>();
    return this.#blocked as Set<string>;
  }

  /** Folds one event in; `hour` is the event's hour in the community's time zone. */
  observe(event: InteractionEvent, hour: number, topicsOfCourse: readonly string[], courseStrength: number): void {
    const at = event.occurredAt.getTime();
    this.interactions++;
    this.#hoursSlab[this.#hoursAt + hour]! += 1;
    if (event.verb === 'profile.interest_added') {
      this.#pinnedSet().add(event.objectId);
      if (this.#blocked !== NO_TOPICS) (this.#blocked as Set<string>).delete(event.objectId);
    } else if (event.verb === 'profile.interest_removed') {
      this.#blockedSet().add(event.objectId);
      if (this.#pinned !== NO_TOPICS) (this.#pinned as Set<string>).delete(event.objectId);
    }
    if (event.verb === 'tip.sent') this.tipsGiven++;
    const strength = topicStrength(event);
    for (const t of eventTopics(event)) if (strength !== 0) this.addTopic(t, at, strength);
    for (const t of topicsOfCourse) this.addTopic(t, at, courseStrength);
    const lang = eventLanguage(event);
    if (
      lang &&
      (event.verb === 'message.posted' || event.verb === 'message.replied' || event.verb === 'search.performed')
    ) {
      if (lang === 'zh') this.#zh++;
      else this.#en++;
    }
  }

  addText(vector: Float32Array, at: number, weight = 1): void {
    if (!this.textVector) {
      this.textVector = new Float32Array(vector.length);
      this.#textAt = at;
    }
    const decay = Math.exp(-LAMBDA * Math.max(0, at - this.#textAt));
    for (let a = 0; a < vector.length; a++) {
      this.textVector[a] = (this.textVector[a] as number) * decay + weight * (vector[a] as number);
    }
    this.#textAt = Math.max(this.#textAt, at);
  }

  addSentiment(topics: readonly string[], score: number): void {
    this.#sentiment ??= new Map();
    for (const t of topics) {
      const s = this.#sentiment.get(t) ?? { sum: 0, n: 0 };
      s.sum += score;
      s.n += 1;
      this.#sentiment.set(t, s);
    }
  }

  /** Topic weights now, positive part, normalised; blocked topics removed and pinned ones guaranteed a place. */
  topicWeights(now: number): Map<string, number> {
    const out = new Map<string, number>();
    let total = 0;
    const names = this.#topicNames;
    const values = this.#topicValues;
    for (let e = 0; e < names.length; e++) {
      const t = names[e] as string;
      if (this.#blocked.has(t)) continue;
      const v = (values[2 * e] as number) * Math.exp(-LAMBDA * Math.max(0, now - (values[2 * e + 1] as number)));
      if (v > 0) {
        out.set(t, v);
        total += v;
      }
    }
    for (const t of this.#pinned) {
      const floor = Math.max(total * 0.2, 1);
      if ((out.get(t) ?? 0) < floor) {
        total += floor - (out.get(t) ?? 0);
        out.set(t, floor);
      }
    }
    if (total > 0) for (const [t, v] of out) out.set(t, v / total);
    return out;
  }

  isBlocked(topic: string): boolean {
    return this.#blocked.has(topic);
  }

  snapshot(now: number, groupLabel: string[] | null, maxTopics = 8): MemberProfile {
    const weights = [...this.topicWeights(now).entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const hours = Array.from(this.#hoursSlab.subarray(this.#hoursAt, this.#hoursAt + 24), (n, h) => ({ h, n }))
      .filter((x) => x.n > 0)
      .sort((a, b) => b.n - a.n || a.h - b.h)
      .slice(0, 3)
      .map((x) => x.h);
    const zh = this.#zh;
    const en = this.#en;
    return {
      memberId: this.memberId,
      topics: weights
        .slice(0, maxTopics)
        .map(([topic, weight]) => ({ topic, weight, pinned: this.#pinned.has(topic) })),
      blocked: [...this.#blocked].sort(),
      language: zh === 0 && en === 0 ? null : zh > en ? 'zh' : 'en',
      activeHours: hours,
      sentiment: [...(this.#sentiment ?? new Map<string, { sum: number; n: number }>()).entries()]
        .map(([topic, s]) => ({ topic, score: s.sum / s.n, messages: s.n }))
        .sort((a, b) => b.messages - a.messages || a.topic.localeCompare(b.topic)),
      tipsGiven: this.tipsGiven,
      tipsReceived: this.tipsReceived,
      interactions: this.interactions,
      groupLabel,
    };
  }
}

/** The hour of `at` in an IANA time zone (falls back to UTC for an unknown zone). */
export function hourIn(at: Date, timeZone: string): number {
  let format = formats.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone });
    } catch {
      format = null;
    }
    formats.set(timeZone, format);
  }
  if (!format) return at.getUTCHours();
  // Every zone's offset is a multiple of 15 minutes, so the hour is constant within a quarter hour: a retrain folds
  // a million events, and formatting each one would cost seconds.
  const quarter = Math.floor(at.getTime() / QUARTER_MS);
  let hours = quarterHours.get(timeZone);
  if (!hours || hours.size > 50_000) {
    hours = new Map();
    quarterHours.set(timeZone, hours);
  }
  let hour = hours.get(quarter);
  if (hour === undefined) {
    hour = Number(format.format(new Date(quarter * QUARTER_MS))) % 24;
    hours.set(quarter, hour);
  }
  return hour;
}

const QUARTER_MS = 15 * 60_000;
const formats = new Map<string, Intl.DateTimeFormat | null>();
const quarterHours = new Map<string, Map<number, number>>();
