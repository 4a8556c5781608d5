import type { Reason } from './hybrid.ts';

/**
 * A reason shown under a pick must be true of this member and this course, checked against their data rather than
 * read off the signal that contributed most: "Because you are interested in writing" only when writing is among the
 * interests their profile shows (never a topic they removed), "Members with tastes like yours took it" only when a
 * member who shares their courses did. A reason that does not hold falls back to the next one that does, down to
 * what is true of any course (its topic, offered for exploration).
 */
export interface MemberFacts {
  /** The member's interests as their profile shows them: positive weights, removed topics absent. */
  interests: ReadonlyMap<string, number>;
  /** Courses in the member's history (viewed, enrolled, bought). */
  history: ReadonlySet<number>;
  /** Whether the course's creator is someone whose work the member engaged with. */
  knowsAuthorOf(item: number): boolean;
  /** Whether a member who shares a course with this member took this one. */
  peersTook(item: number): boolean;
  /** Interactions with the course over the last couple of days (decayed). */
  recentInteractions(item: number): number;
  /** All-time interactions with the course. */
  interactions(item: number): number;
  ageDays(item: number): number;
  topicsOf(item: number): readonly string[];
}

/** How recent "recently published" may be. */
export const RECENT_DAYS = 30;
/** Decayed interactions that make "members are engaging with it right now" true. */
export const TRENDING_MIN = 1;

export function truthfulReason(reason: Reason, item: number, facts: MemberFacts): Reason {
  const topics = facts.topicsOf(item);
  const interest = topics
    .filter((t) => (facts.interests.get(t) ?? 0) > 0)
    .sort((a, b) => (facts.interests.get(b) ?? 0) - (facts.interests.get(a) ?? 0))[0];
  // Name the course's topic the member cares most about, else its first topic.
  const topic = interest ?? topics[0];
  const withTopic = (r: Reason): Reason => (topic !== undefined ? { ...r, topic } : r);
  const holds = (r: Reason): boolean => {
    switch (r.signal) {
      case 'itemKnn':
      case 'content':
        return (r.becauseOf !== undefined && facts.history.has(r.becauseOf)) || interest !== undefined;
      case 'topic':
      case 'freshTopic':
        return interest !== undefined;
      case 'group':
        return true;
      case 'peers':
      case 'cf':
        return facts.peersTook(item);
      case 'author':
        return facts.knowsAuthorOf(item);
      case 'trendShort':
      case 'trendLong':
      case 'lastActive':
      case 'justActive':
        return facts.recentInteractions(item) >= TRENDING_MIN;
      case 'popularity':
        return facts.interactions(item) > 0;
      default:
        return facts.ageDays(item) <= RECENT_DAYS;
    }
  };
  if (holds(reason)) {
    // "Because you looked at X": only when X really is in their history; otherwise the interest says it.
    if (
      (reason.signal === 'itemKnn' || reason.signal === 'content') &&
      !(reason.becauseOf !== undefined && facts.history.has(reason.becauseOf))
    ) {
      return withTopic({ signal: 'topic' });
    }
    if (reason.signal === 'topic' || reason.signal === 'freshTopic') return withTopic({ signal: 'topic' });
    return withTopic(reason);
  }
  const fallbacks: Reason[] = [
    { signal: 'topic' },
    { signal: 'peers' },
    { signal: 'author' },
    { signal: 'trendShort' },
    { signal: 'fresh' },
    { signal: 'popularity' },
  ];
  for (const r of fallbacks) if (holds(r)) return withTopic(r);
  return withTopic({ signal: 'explore' });
}
