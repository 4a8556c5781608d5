import type { Member } from '../domain/types.ts';
import type { FlagKind, TipEdge } from './ledger-store.ts';

/**
 * Patterns of tipping that moderators should look at. Nothing is blocked automatically (friends do thank each
 * other); a flag records the members involved so a human can decide.
 */

export interface TipFlag {
  kind: FlagKind;
  memberIds: string[];
}

/**
 * A ring: the new tip from → to closes a cycle of two or three members with tips inside the window
 * (to → from, or to → x → from). Points circulating in a cycle inflate everyone in it without new value.
 */
export function findTipRings(from: string, to: string, recent: readonly TipEdge[]): string[][] {
  const out = new Map<string, Set<string>>();
  for (const tip of recent) {
    if (tip.fromMemberId === tip.toMemberId) continue;
    let set = out.get(tip.fromMemberId);
    if (!set) {
      set = new Set();
      out.set(tip.fromMemberId, set);
    }
    set.add(tip.toMemberId);
  }
  const rings: string[][] = [];
  const fromTo = out.get(to);
  if (fromTo?.has(from)) rings.push([from, to].sort());
  for (const middle of fromTo ?? []) {
    if (middle === from || middle === to) continue;
    if (out.get(middle)?.has(from)) rings.push([from, to, middle].sort());
  }
  return rings;
}

/** Both sides joined recently: the classic pattern of sock-puppet accounts feeding one another. */
export function isNewAccountPair(sender: Member, recipient: Member, now: Date, newAccountAgeMs: number): boolean {
  const young = (m: Member) => now.getTime() - m.joinedAt.getTime() < newAccountAgeMs;
  return young(sender) && young(recipient);
}

export function tipFlags(
  sender: Member,
  recipient: Member,
  recent: readonly TipEdge[],
  now: Date,
  newAccountAgeMs: number,
): TipFlag[] {
  const flags: TipFlag[] = findTipRings(sender.id, recipient.id, recent).map((memberIds) => ({
    kind: 'tip_ring' as const,
    memberIds,
  }));
  if (isNewAccountPair(sender, recipient, now, newAccountAgeMs)) {
    flags.push({ kind: 'new_accounts', memberIds: [sender.id, recipient.id].sort() });
  }
  return flags;
}
