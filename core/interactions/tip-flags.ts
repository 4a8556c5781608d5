import type { Member } from '../domain/types.ts';
import type { FlagDetails, FlagKind, TipEdge } from './ledger-store.ts';

/**
 * Patterns of tipping that moderators should look at. Nothing is blocked automatically (friends do thank each
 * other); a flag records the members involved, and why, so a human can decide.
 */

export interface TipFlag {
  kind: FlagKind;
  memberIds: string[];
  details: FlagDetails;
}

/** When a cycle of tips counts as a ring: the community's thresholds (/points policy ring-tips ring-window). */
export interface RingRule {
  /** Tips along every leg of the cycle, within the window, before it is flagged. 1 would flag one mutual thank-you. */
  minTipsEachWay: number;
  windowMs: number;
}

/** One leg of a cycle: how many tips went from → to within the window. */
export interface RingLeg {
  fromMemberId: string;
  toMemberId: string;
  tips: number;
}

/** A cycle closed by the new tip from → to, with its legs in order (from → to first). */
export interface RingCandidate {
  memberIds: string[];
  legs: RingLeg[];
}

/** The tips of `recent`, counted per leg (from → to): all the ring check needs of them. */
export function countLegs(recent: readonly TipEdge[]): RingLeg[] {
  const out = new Map<string, RingLeg>();
  for (const tip of recent) {
    const key = `${tip.fromMemberId}|${tip.toMemberId}`;
    const leg = out.get(key);
    if (leg) leg.tips++;
    else out.set(key, { fromMemberId: tip.fromMemberId, toMemberId: tip.toMemberId, tips: 1 });
  }
  return [...out.values()];
}

function legTable(legs: readonly RingLeg[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const leg of legs) {
    if (leg.fromMemberId === leg.toMemberId) continue;
    let row = out.get(leg.fromMemberId);
    if (!row) {
      row = new Map();
      out.set(leg.fromMemberId, row);
    }
    row.set(leg.toMemberId, (row.get(leg.toMemberId) ?? 0) + leg.tips);
  }
  return out;
}

/**
 * Cycles of two or three members that the new tip from → to closes, every other leg already repeated at least
 * `minTips` times inside the window (to → from, or to → x → from; `recent` is what `tipsAround` reads). The new tip's
 * own leg is counted by the caller (`confirmRings`): it needs a read of its own, done only when a candidate exists.
 */
export function ringCandidates(from: string, to: string, recent: readonly TipEdge[], minTips: number): RingCandidate[] {
  return ringCandidatesOfLegs(from, to, countLegs(recent), minTips);
}

/** `ringCandidates` from the recent tips already counted per leg (`countLegs`, or a store's aggregate of them). */
export function ringCandidatesOfLegs(
  from: string,
  to: string,
  recentLegs: readonly RingLeg[],
  minTips: number,
): RingCandidate[] {
  const legs = legTable(recentLegs);
  const count = (a: string, b: string) => legs.get(a)?.get(b) ?? 0;
  const rings: RingCandidate[] = [];
  if (count(to, from) >= minTips) {
    rings.push({
      memberIds: [from, to].sort(),
      legs: [
        { fromMemberId: from, toMemberId: to, tips: 0 },
        { fromMemberId: to, toMemberId: from, tips: count(to, from) },
      ],
    });
  }
  for (const [middle, n] of legs.get(to) ?? []) {
    if (middle === from || middle === to || n < minTips || count(middle, from) < minTips) continue;
    rings.push({
      memberIds: [from, to, middle].sort(),
      legs: [
        { fromMemberId: from, toMemberId: to, tips: 0 },
        { fromMemberId: to, toMemberId: middle, tips: n },
        { fromMemberId: middle, toMemberId: from, tips: count(middle, from) },
      ],
    });
  }
  return rings;
}

/** The candidates whose new leg (from → to, `forwardTips` within the window, the new tip included) is repeated too. */
export function confirmRings(candidates: readonly RingCandidate[], forwardTips: number, rule: RingRule): TipFlag[] {
  if (forwardTips < rule.minTipsEachWay) return [];
  return candidates.map((c) => ({
    kind: 'tip_ring' as const,
    memberIds: c.memberIds,
    details: {
      legs: c.legs.map((leg, i) => (i === 0 ? { ...leg, tips: forwardTips } : leg)),
      minTips: rule.minTipsEachWay,
      windowDays: Math.round(rule.windowMs / 86_400_000),
    },
  }));
}

/** Both sides joined recently: the classic pattern of sock-puppet accounts feeding one another. */
export function isNewAccountPair(sender: Member, recipient: Member, now: Date, newAccountAgeMs: number): boolean {
  const young = (m: Member) => now.getTime() - m.joinedAt.getTime() < newAccountAgeMs;
  return young(sender) && young(recipient);
}

export function newAccountFlag(sender: Member, recipient: Member, now: Date, newAccountAgeMs: number): TipFlag[] {
  if (!isNewAccountPair(sender, recipient, now, newAccountAgeMs)) return [];
  return [
    {
      kind: 'new_accounts',
      memberIds: [sender.id, recipient.id].sort(),
      details: { newAccountDays: Math.round(newAccountAgeMs / 86_400_000) },
    },
  ];
}
