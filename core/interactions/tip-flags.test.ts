import { describe, expect, it } from 'vitest';
import type { Member } from '../domain/types.ts';
import type { TipEdge } from './ledger-store.ts';
import { findTipRings, tipFlags } from './tip-flags.ts';

const at = new Date('2026-05-01T00:00:00Z');
const tip = (from: string, to: string): TipEdge => ({ fromMemberId: from, toMemberId: to, amount: 5, createdAt: at });
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

describe('tip flags', () => {
  it('finds two- and three-member rings closed by the new tip', () => {
    expect(findTipRings('a', 'b', [tip('b', 'a')])).toEqual([['a', 'b']]);
    expect(findTipRings('a', 'b', [tip('b', 'c'), tip('c', 'a')])).toEqual([['a', 'b', 'c']]);
    expect(findTipRings('a', 'b', [tip('b', 'c'), tip('c', 'd')])).toEqual([]);
    expect(findTipRings('a', 'b', [tip('a', 'b')])).toEqual([]);
  });

  it('flags brand-new accounts tipping each other, not a newcomer thanking a regular', () => {
    expect(tipFlags(member('n1', 1), member('n2', 2), [], at, 7 * 86_400_000)).toEqual([
      { kind: 'new_accounts', memberIds: ['n1', 'n2'] },
    ]);
    expect(tipFlags(member('n1', 1), member('old', 90), [], at, 7 * 86_400_000)).toEqual([]);
  });
});
