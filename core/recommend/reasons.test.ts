import { describe, expect, it } from 'vitest';
import { type MemberFacts, truthfulReason } from './reasons.ts';

/** A member's data, and the facts derived from it the way the service derives them. */
function factsOf(member: {
  interests: Record<string, number>;
  history: number[];
  authorsKnown: number[];
  courses: { topics: string[]; author: number; ageDays: number; recent: number; total: number; peers: boolean }[];
}): MemberFacts {
  return {
    interests: new Map(Object.entries(member.interests).filter(([, w]) => w > 0)),
    history: new Set(member.history),
    knowsAuthorOf: (i) => member.authorsKnown.includes(member.courses[i]!.author),
    peersTook: (i) => member.courses[i]!.peers,
    recentInteractions: (i) => member.courses[i]!.recent,
    interactions: (i) => member.courses[i]!.total,
    ageDays: (i) => member.courses[i]!.ageDays,
    topicsOf: (i) => member.courses[i]!.topics,
  };
}

const course = (
  topics: string[],
  extra: Partial<{ author: number; ageDays: number; recent: number; total: number; peers: boolean }> = {},
) => ({
  topics,
  author: 1,
  ageDays: 200,
  recent: 0,
  total: 0,
  peers: false,
  ...extra,
});

describe('reasons under a pick', () => {
  it('never names an interest the member does not have (e.g. one they removed)', () => {
    // Removed "ai": the profile no longer lists it; "writing" was never an interest.
    const facts = factsOf({
      interests: { data: 0.7, ai: 0 },
      history: [],
      authorsKnown: [],
      courses: [course(['writing', 'ai']), course(['data', 'writing'])],
    });
    const r0 = truthfulReason({ signal: 'topic', topic: 'ai' }, 0, facts);
    expect(r0.signal).not.toBe('topic');
    expect(r0.topic).not.toBe('ai');
    const r1 = truthfulReason({ signal: 'topic', topic: 'writing' }, 1, facts);
    expect(r1).toEqual({ signal: 'topic', topic: 'data' });
  });

  it('keeps every personal reason only when the member data supports it', () => {
    const facts = factsOf({
      interests: {},
      history: [2],
      authorsKnown: [7],
      courses: [
        course(['sql'], { author: 7 }),
        course(['sql'], { peers: true }),
        course(['sql']),
        course(['sql'], { recent: 3, total: 5 }),
        course(['sql'], { total: 4 }),
        course(['sql'], { ageDays: 3 }),
      ],
    });
    expect(truthfulReason({ signal: 'author' }, 0, facts).signal).toBe('author');
    expect(truthfulReason({ signal: 'author' }, 1, facts).signal).toBe('peers');
    expect(truthfulReason({ signal: 'cf' }, 1, facts).signal).toBe('cf');
    // "Because you looked at" a course that is not in their history: not said.
    expect(truthfulReason({ signal: 'itemKnn', becauseOf: 4 }, 3, facts).becauseOf).toBeUndefined();
    expect(truthfulReason({ signal: 'itemKnn', becauseOf: 2 }, 3, facts).becauseOf).toBe(2);
    // Trending only with recent interactions; popular only with some; new only when recent.
    expect(truthfulReason({ signal: 'lastActive' }, 4, facts).signal).toBe('popularity');
    expect(truthfulReason({ signal: 'lastActive' }, 3, facts).signal).toBe('lastActive');
    expect(truthfulReason({ signal: 'fresh' }, 5, facts).signal).toBe('fresh');
    expect(truthfulReason({ signal: 'fresh' }, 2, facts)).toEqual({ signal: 'explore', topic: 'sql' });
  });
});
