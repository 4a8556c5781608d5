import { describe, expect, it } from 'vitest';
import type { Member } from '../domain/types.ts';
import type { TipEdge } from './ledger-store.ts';
import { confirmRings, countLegs, newAccountFlag, ringCandidates, ringCandidatesOfLegs } from './tip-flags.ts';

const at = new Date('2026-05-01T00:00:00Z');
const tip = (from: string, to: string): TipEdge => ({ fromMemberId: from, toMemberId: to, amount: 5, createdAt: at });
const times = (n: number, from: string, to: string) => Array.from({ length: n }, () => tip(from, to));
const member = (id: string, joinedDaysAgo: number): Member => ({
  id,
  communityId: 'c',
  platformUserId: id,
  handle: id,
  displayName: id,
  locale: null,
  role: 'member',
  isBot: false,
  joinedAt: new Date(at.getTime() - joinedDaysAgo * 86_400_000),
});
const rule = { minTipsEachWay: 3, windowMs: 14 * 86_400_000 };

describe('tip rings', () => {
  it('decides the same from the tips counted per leg (a store aggregate) as from the tips themselves', () => {
    const recent = [
      ...times(3, 'b', 'c'),
      tip('c', 'a'),
      ...times(3, 'b', 'a'),
      ...times(2, 'c', 'a'),
      ...times(4, 'b', 'd'),
      ...times(2, 'd', 'a'),
      tip('a', 'a'),
    ];
    expect(countLegs(recent)).toEqual([
      { fromMemberId: 'b', toMemberId: 'c', tips: 3 },
      { fromMemberId: 'c', toMemberId: 'a', tips: 3 },
      { fromMemberId: 'b', toMemberId: 'a', tips: 3 },
      { fromMemberId: 'b', toMemberId: 'd', tips: 4 },
      { fromMemberId: 'd', toMemberId: 'a', tips: 2 },
      { fromMemberId: 'a', toMemberId: 'a', tips: 1 },
    ]);
    const fromLegs = ringCandidatesOfLegs('a', 'b', countLegs(recent), 3);
    expect(fromLegs.map((c) => c.memberIds)).toEqual([
      ['a', 'b'],
      ['a', 'b', 'c'],
    ]);
    expect(fromLegs).toEqual(ringCandidates('a', 'b', recent, 3));
  });

  it('needs repeated reciprocity: one mutual thank-you is not a ring', () => {
    expect(ringCandidates('a', 'b', [tip('b', 'a')], 3)).toEqual([]);
    expect(confirmRings(ringCandidates('a', 'b', [tip('b', 'a')], 1), 1, { ...rule, minTipsEachWay: 1 })).toHaveLength(
      1,
    );
  });

  it('flags a pair only when both directions reach the threshold, and says so', () => {
    const candidates = ringCandidates('a', 'b', times(3, 'b', 'a'), 3);
    expect(candidates.map((c) => c.memberIds)).toEqual([['a', 'b']]);
    expect(confirmRings(candidates, 2, rule)).toEqual([]);
    expect(confirmRings(candidates, 3, rule)).toEqual([
      {
        kind: 'tip_ring',
        memberIds: ['a', 'b'],
        details: {
          legs: [
            { fromMemberId: 'a', toMemberId: 'b', tips: 3 },
            { fromMemberId: 'b', toMemberId: 'a', tips: 3 },
          ],
          minTips: 3,
          windowDays: 14,
        },
      },
    ]);
  });

  it('finds three-member rings only when every leg repeats', () => {
    expect(ringCandidates('a', 'b', [...times(3, 'b', 'c'), ...times(3, 'c', 'a')], 3).map((c) => c.memberIds)).toEqual(
      [['a', 'b', 'c']],
    );
    expect(ringCandidates('a', 'b', [...times(3, 'b', 'c'), ...times(2, 'c', 'a')], 3)).toEqual([]);
    expect(ringCandidates('a', 'b', [...times(3, 'b', 'c'), ...times(3, 'c', 'd')], 3)).toEqual([]);
    expect(ringCandidates('a', 'b', times(5, 'a', 'b'), 3)).toEqual([]);
  });
});

describe('new accounts', () => {
  it('flags brand-new accounts tipping each other, not a newcomer thanking a regular', () => {
    expect(newAccountFlag(member('n1', 1), member('n2', 2), at, 7 * 86_400_000)).toEqual([
      { kind: 'new_accounts', memberIds: ['n1', 'n2'], details: { newAccountDays: 7 } },
    ]);
    expect(newAccountFlag(member('n1', 1), member('old', 90), at, 7 * 86_400_000)).toEqual([]);
  });
});
