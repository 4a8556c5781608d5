import { describe, expect, it } from 'vitest';
import type { EventVerb, InteractionEvent } from '../domain/types.ts';
import { activityChartSvg, renderPng } from './activity-chart.ts';
import { communityStats } from './community-analytics.ts';

const NOW = new Date('2026-06-29T12:00:00Z');
let n = 0;
function ev(actorId: string, verb: EventVerb, daysAgo: number, target: string | null = null, metadata = {}) {
  return {
    id: `e${n++}`,
    communityId: 'c',
    actorId,
    verb,
    objectType: 'message',
    objectId: `m${n}`,
    targetMemberId: target,
    channelId: null,
    platform: 'console',
    occurredAt: new Date(NOW.getTime() - daysAgo * 86_400_000),
    metadata,
  } satisfies InteractionEvent;
}

describe('community stats', () => {
  it('counts active, new, returning and churning members', () => {
    const events = [
      ev('steady', 'message.posted', 1),
      ev('steady', 'message.posted', 9),
      ev('back', 'message.posted', 20),
      ev('back', 'message.posted', 2),
      ev('gone', 'message.posted', 10),
      ev('fresh', 'member.joined', 3),
      ev('fresh', 'message.posted', 2, null, { topics: ['qiskit'] }),
      ev('steady', 'message.posted', 1, null, { topics: ['qiskit', 'error-correction'] }),
    ];
    const stats = communityStats({ events, now: NOW, periodDays: 7, timeZone: 'UTC' });
    expect(stats.active).toBe(3);
    expect(stats.new).toBe(1);
    expect(stats.returning).toBe(1);
    expect(stats.churningIds).toEqual(['gone']);
    expect(stats.topTopics[0]).toEqual({ topic: 'qiskit', count: 2 });
    expect(stats.dailyActive).toHaveLength(28);
    expect(stats.dailyActive.at(-2)).toEqual({ day: '2026-06-28', active: 1 });
    expect(stats.dailyActive.at(-3)).toEqual({ day: '2026-06-27', active: 2 });
  });

  it('finds two conversation groups and the member who bridges them', () => {
    const events: InteractionEvent[] = [];
    for (const [a, b] of [
      ['a1', 'a2'],
      ['a2', 'a3'],
      ['a3', 'a1'],
      ['b1', 'b2'],
      ['b2', 'b3'],
      ['b3', 'b1'],
    ]) {
      for (let i = 0; i < 4; i++) events.push(ev(a as string, 'message.replied', 1, b as string));
    }
    events.push(ev('a1', 'message.replied', 1, 'b1'));
    const stats = communityStats({ events, now: NOW, periodDays: 7, timeZone: 'UTC', seed: 3 });
    expect(stats.groups.map((g) => [...g.memberIds].sort())).toEqual([
      ['a1', 'a2', 'a3'],
      ['b1', 'b2', 'b3'],
    ]);
    expect(stats.modularity).toBeGreaterThan(0.3);
    expect(stats.bridges.map((b) => b.memberId).sort()).toEqual(['a1', 'b1']);
  });

  it('renders the activity chart as a PNG', () => {
    const svg = activityChartSvg([
      { day: '2026-06-27', active: 3 },
      { day: '2026-06-28', active: 5 },
    ]);
    expect(svg).toContain('<rect');
    const png = renderPng(svg);
    expect(Array.from(png.slice(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });
});
