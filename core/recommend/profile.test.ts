import { describe, expect, it } from 'vitest';
import type { EventVerb, InteractionEvent } from '../domain/types.ts';
import { hourIn, ProfileAccumulator } from './profile.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1, 12);

function event(verb: EventVerb, at: number, metadata: Record<string, unknown> = {}, objectId = 'x'): InteractionEvent {
  return {
    id: `${verb}-${at}`,
    communityId: 'c',
    actorId: 'm',
    verb,
    objectType: verb.startsWith('profile.') ? 'topic' : 'message',
    objectId,
    targetMemberId: null,
    channelId: null,
    platform: 'console',
    occurredAt: new Date(at),
    metadata,
  };
}

describe('member profile', () => {
  it('weighs topics by recency, takes the member’s corrections, and knows language and hours', () => {
    const p = new ProfileAccumulator('m');
    // Old interest in investing, recent interest in data, written in Chinese in the evening.
    for (let i = 0; i < 3; i++)
      p.observe(
        event('message.posted', T0 - 200 * DAY + i, { topic: 'investing', text: '指数基金怎么定投？' }),
        20,
        [],
        0,
      );
    for (let i = 0; i < 5; i++)
      p.observe(event('message.posted', T0 - DAY + i, { topic: 'data', text: '窗口函数怎么用？' }), 21, [], 0);
    p.observe(event('course.viewed', T0), 21, ['data', 'sql'], 1);
    let snap = p.snapshot(T0, null);
    expect(snap.topics[0]?.topic).toBe('data');
    expect(snap.topics.find((t) => t.topic === 'investing')!.weight).toBeLessThan(snap.topics[0]!.weight / 3);
    expect(snap.language).toBe('zh');
    expect(snap.activeHours[0]).toBe(21);

    p.observe(event('profile.interest_added', T0 + 1, {}, 'design'), 9, [], 0);
    p.observe(event('profile.interest_removed', T0 + 2, {}, 'data'), 9, [], 0);
    snap = p.snapshot(T0 + 3, ['data', 'ai']);
    expect(snap.topics.map((t) => t.topic)).not.toContain('data');
    expect(snap.topics.find((t) => t.topic === 'design')).toMatchObject({ pinned: true });
    expect(snap.blocked).toEqual(['data']);
    expect(p.isBlocked('data')).toBe(true);
    expect(snap.groupLabel).toEqual(['data', 'ai']);
  });

  it('averages the sentiment of messages per topic and counts tips', () => {
    const p = new ProfileAccumulator('m');
    p.addSentiment(['ai'], 0.8);
    p.addSentiment(['ai'], 0.4);
    p.addSentiment(['design'], -0.5);
    p.observe(event('tip.sent', T0), 10, [], 0);
    const snap = p.snapshot(T0, null);
    expect(snap.sentiment[0]).toMatchObject({ topic: 'ai', messages: 2 });
    expect(snap.sentiment[0]!.score).toBeCloseTo(0.6);
    expect(snap.tipsGiven).toBe(1);
  });

  it('reads the hour in the community’s time zone', () => {
    expect(hourIn(new Date('2026-11-20T02:00:00Z'), 'Asia/Shanghai')).toBe(10);
    expect(hourIn(new Date('2026-11-20T02:00:00Z'), 'Not/AZone')).toBe(2);
  });
});
