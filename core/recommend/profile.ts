import type { InteractionEvent } from '../domain/types.ts';
import type { MemberProfile } from '../ports/recommender.ts';
import { HOUR_MS } from './activity.ts';
import { eventLanguage, eventTopics, topicStrength } from './signals.ts';

const TOPIC_HALF_LIFE_MS = 60 * 24 * HOUR_MS;
const LAMBDA = Math.LN2 / TOPIC_HALF_LIFE_MS;

/**
 * Builds a member's profile P_u from behaviour B_u and sentiment E_u (see MemberProfile), plus an interest vector in
 * the content embedding space, by folding the interaction log in time order.
 */
export class ProfileAccumulator {
  readonly memberId: string;
  readonly #topics = new Map<string, { w: number; at: number }>();
  readonly #pinned = new Set<string>();
  readonly #blocked = new Set<string>();
  readonly #languages = { zh: 0, en: 0 };
  readonly #hours = new Float64Array(24);
  readonly #sentiment = new Map<string, { sum: number; n: number }>();
  /** Decayed sum of the embeddings of what the member wrote or searched. */
  textVector: Float32Array | null = null;
  #textAt = 0;
  tipsGiven = 0;
  tipsReceived = 0;
  interactions = 0;

  constructor(memberId: string) {
    this.memberId = memberId;
  }

  addTopic(topic: string, at: number, weight: number): void {
    const cur = this.#topics.get(topic);
    const w = cur ? cur.w * Math.exp(-LAMBDA * Math.max(0, at - cur.at)) : 0;
    this.#topics.set(topic, { w: w + weight, at: Math.max(at, cur?.at ?? at) });
  }

  /** Folds one event in; `hour` is the event's hour in the community's time zone. */
  observe(event: InteractionEvent, hour: number, topicsOfCourse: readonly string[], courseStrength: number): void {
    const at = event.occurredAt.getTime();
    this.interactions++;
    this.#hours[hour]! += 1;
    if (event.verb === 'profile.interest_added') {
      this.#pinned.add(event.objectId);
      this.#blocked.delete(event.objectId);
    } else if (event.verb === 'profile.interest_removed') {
      this.#blocked.add(event.objectId);
      this.#pinned.delete(event.objectId);
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
      this.#languages[lang]++;
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
    for (const [t, { w, at }] of this.#topics) {
      if (this.#blocked.has(t)) continue;
      const v = w * Math.exp(-LAMBDA * Math.max(0, now - at));
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
    const hours = Array.from(this.#hours, (n, h) => ({ h, n }))
      .filter((x) => x.n > 0)
      .sort((a, b) => b.n - a.n || a.h - b.h)
      .slice(0, 3)
      .map((x) => x.h);
    const { zh, en } = this.#languages;
    return {
      memberId: this.memberId,
      topics: weights
        .slice(0, maxTopics)
        .map(([topic, weight]) => ({ topic, weight, pinned: this.#pinned.has(topic) })),
      blocked: [...this.#blocked].sort(),
      language: zh === 0 && en === 0 ? null : zh > en ? 'zh' : 'en',
      activeHours: hours,
      sentiment: [...this.#sentiment.entries()]
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
