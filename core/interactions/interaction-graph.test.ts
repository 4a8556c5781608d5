import { describe, expect, it } from 'vitest';
import type { EventVerb, InteractionEvent } from '../domain/types.ts';
import { decayFactor, graphFromEvents, threadsStarted } from './interaction-graph.ts';
import { computeKolScores } from './kol-score.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
let seq = 0;
function ev(
  actorId: string,
  verb: EventVerb,
  targetMemberId: string | null,
  daysAgo = 0,
  metadata: Record<string, unknown> = {},
  objectId = `m${seq++}`,
): InteractionEvent {
  return {
    id: `e${seq++}`,
    communityId: 'c1',
    actorId,
    verb,
    objectType: 'message',
    objectId,
    targetMemberId,
    channelId: null,
    platform: 'console',
    occurredAt: new Date(NOW.getTime() - daysAgo * 86_400_000),
    metadata,
  };
}

describe('interaction graph', () => {
  it('counts who a member helped, where, and the replies that thank them in words', () => {
    const graph = graphFromEvents(
      [
        ev('ann', 'message.replied', 'bob', 1, { text: 'Try a window function', topic: 'sql' }),
        ev('ann', 'message.replied', 'cat', 1, { text: 'Here is how', topic: 'python' }),
        ev('bob', 'message.replied', 'ann', 0, { text: 'Thanks, that worked!' }),
        ev('cat', 'message.replied', 'ann', 0, { text: '谢谢你' }),
        ev('dan', 'message.replied', 'ann', 0, { text: 'I disagree' }),
      ],
      { now: NOW },
    );
    const ann = graph.activity[graph.indexOf('ann') as number]!;
    expect([...ann.helped].sort()).toEqual(['bob', 'cat']);
    expect([...ann.places].sort()).toEqual(['python', 'sql']);
    expect(ann.thanked).toBe(2);
    expect(graph.activity[graph.indexOf('bob') as number]!.thanked).toBe(0);
  });

  it('credits a reply the asker reacted to, once, and takes it back when the reaction is removed', () => {
    const events = [
      ev('bob', 'message.posted', null, 3, {}, 'q1'),
      ev('ann', 'message.posted', null, 2, {}, 'r1'),
      ev('ann', 'message.replied', 'bob', 2, { inReplyTo: 'q1' }, 'r1'),
      ev('cat', 'message.posted', null, 1, {}, 'r2'),
      ev('cat', 'message.replied', 'bob', 1, { inReplyTo: 'q1' }, 'r2'),
      // The asker reacts to ann's reply twice (two emoji): one acceptance. A bystander's reaction to cat's is none.
      ev('bob', 'reaction.added', 'ann', 1, { emoji: '✅' }, 'r1'),
      ev('bob', 'reaction.added', 'ann', 1, { emoji: '👍' }, 'r1'),
      ev('dan', 'reaction.added', 'cat', 1, { emoji: '👍' }, 'r2'),
    ];
    const graph = graphFromEvents(events, { now: NOW });
    const of = (id: string) => graph.activity[graph.indexOf(id) as number]!;
    expect(of('ann').accepted).toBe(1);
    expect(of('cat').accepted).toBe(0);
    const undone = graphFromEvents([...events, ev('bob', 'reaction.removed', 'ann', 0, { emoji: '✅' }, 'r1')], {
      now: NOW,
    });
    expect(undone.activity[undone.indexOf('ann') as number]!.accepted).toBe(0);
  });

  it('counts replies that came within a day of the message they answer, and posts that started a thread', () => {
    const graph = graphFromEvents(
      [
        ev('bob', 'message.posted', null, 10, {}, 'q1'),
        ev('ann', 'message.posted', null, 9.5, {}, 'r1'),
        ev('ann', 'message.replied', 'bob', 9.5, { inReplyTo: 'q1' }, 'r1'),
        ev('cat', 'message.posted', null, 7, {}, 'r2'),
        ev('cat', 'message.replied', 'bob', 7, { inReplyTo: 'q1' }, 'r2'),
        // Its parent is not in the log (before the window): never counted as quick.
        ev('cat', 'message.replied', 'bob', 1, { inReplyTo: 'older' }, 'r3'),
      ],
      { now: NOW },
    );
    const of = (id: string) => graph.activity[graph.indexOf(id) as number]!;
    expect(of('ann').quickReplies).toBe(1);
    expect(of('cat').quickReplies).toBe(0);
    expect(threadsStarted(of('bob'))).toBe(1);
    expect(threadsStarted(of('ann'))).toBe(0);
    expect(of('cat').repliesSent).toBe(2);
  });

  it('halves an interaction every half-life', () => {
    expect(decayFactor(0, 30)).toBe(1);
    expect(decayFactor(30 * 86_400_000, 30)).toBeCloseTo(0.5, 12);
    expect(decayFactor(60 * 86_400_000, 30)).toBeCloseTo(0.25, 12);
    expect(decayFactor(1e12, Number.POSITIVE_INFINITY)).toBe(1);
  });

  it('turns replies, mentions, reactions, shares and tips into directed edges and counts what each member received', () => {
    const graph = graphFromEvents(
      [
        ev('a', 'message.replied', 'b'),
        ev('c', 'message.replied', 'b'),
        ev('a', 'message.mentioned', 'b'),
        ev('a', 'reaction.added', 'b', 0, { emoji: '👍' }, 'msg1'),
        ev('a', 'message.shared', 'b'),
        ev('c', 'tip.sent', 'b', 0, { amount: 10 }),
        ev('b', 'message.replied', 'b'), // self-reply: no edge
        ev('b', 'message.posted', null, 0, { quality: 0.9 }),
        ev('b', 'message.posted', null),
      ],
      { now: NOW },
    );
    expect(graph.edgeCount).toBe(6);
    const b = graph.activity[graph.indexOf('b') as number]!;
    expect(b.received).toEqual({ reply: 2, mention: 1, reaction: 1, share: 1, tip: 1 });
    expect([...b.tippers]).toEqual(['c']);
    expect(b.pointsReceived).toBe(10);
    expect(b.posts).toBe(2);
    expect(b.qualitySum).toBeCloseTo(0.9, 12);
    expect(b.supporters.size).toBe(2);
  });

  it('cancels a reaction that was removed', () => {
    const graph = graphFromEvents(
      [
        ev('a', 'reaction.added', 'b', 0, { emoji: '👍' }, 'msg1'),
        ev('a', 'reaction.removed', 'b', 0, { emoji: '👍' }, 'msg1'),
      ],
      { now: NOW },
    );
    expect([...graph.edges()].map((e) => e[2])).toEqual([0]);
    expect(graph.activity[graph.indexOf('b') as number]!.received.reaction).toBe(0);
  });

  it('lets recent attention outweigh old attention', () => {
    const graph = graphFromEvents(
      [
        ev('x', 'message.replied', 'old', 120),
        ev('y', 'message.replied', 'old', 120),
        ev('x', 'message.replied', 'fresh', 1),
        ev('y', 'message.replied', 'fresh', 1),
      ],
      { now: NOW, halfLifeDays: 30 },
    );
    const kol = computeKolScores(graph, { weights: { contribution: 0, volume: 0, presence: 0 } });
    const fresh = kol.find((e) => e.memberId === 'fresh')!;
    const old = kol.find((e) => e.memberId === 'old')!;
    expect(fresh.pagerank).toBeGreaterThan(old.pagerank);
  });
});

describe('KOL score', () => {
  it('ranks the member with influence and good posts first and leaves excluded members out', () => {
    const events = [
      ...['a', 'b', 'c', 'd'].map((x) => ev(x, 'message.replied', 'star')),
      ev('star', 'message.posted', null, 0, { quality: 0.95 }),
      ev('star', 'message.posted', null, 1, { quality: 0.9 }),
      ev('a', 'message.posted', null, 0, { quality: 0.1 }),
      ...['a', 'b'].map((x) => ev(x, 'message.replied', 'staff')),
    ];
    const graph = graphFromEvents(events, { now: NOW });
    const ranked = computeKolScores(graph, { exclude: new Set(['staff']) });
    expect(ranked[0]?.memberId).toBe('star');
    expect(ranked.map((e) => e.memberId)).not.toContain('staff');
    expect(ranked[0]?.score).toBe(100);
    for (const e of ranked) expect(e.score).toBeGreaterThanOrEqual(0);
  });

  it('counts tenure only when join dates are given, and reports the days', () => {
    // Two members with identical activity: only tenure can separate them.
    const events = [
      ev('x', 'message.replied', 'old'),
      ev('x', 'message.replied', 'new'),
      ev('old', 'message.posted', null, 0, { quality: 0.5 }),
      ev('new', 'message.posted', null, 0, { quality: 0.5 }),
    ];
    const graph = graphFromEvents(events, { now: NOW });
    const joinedAt = new Map([
      ['old', new Date(NOW.getTime() - 400 * 86_400_000)],
      ['new', new Date(NOW.getTime() - 3 * 86_400_000)],
    ]);
    const withTenure = computeKolScores(graph, { joinedAt, now: NOW });
    const oldEntry = withTenure.find((e) => e.memberId === 'old');
    const newEntry = withTenure.find((e) => e.memberId === 'new');
    expect(oldEntry?.memberDays).toBe(400);
    expect(newEntry?.memberDays).toBe(3);
    expect(oldEntry!.score).toBeGreaterThan(newEntry!.score);
    const without = computeKolScores(graph);
    expect(without.find((e) => e.memberId === 'old')?.score).toBe(without.find((e) => e.memberId === 'new')?.score);
    expect(without[0]?.memberDays).toBeUndefined();
  });
});
