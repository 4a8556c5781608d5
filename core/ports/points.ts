import type { Community, Member } from '../domain/types.ts';

/** What a points spend did: applied now, a repeat of a key already applied, or refused for want of points. */
export type PointsSpendOutcome =
  | { status: 'applied' | 'duplicate'; balance: number | null }
  | { status: 'refused'; balance: number };

/**
 * The points ledger as other features see it (provided by interactions, read with `ctx.port('points')`): a balance
 * and a keyed spend, so a redemption delivered twice spends once.
 */
export interface PointsWallet {
  balance(community: Community, member: Member, now: Date): Promise<number>;
  /** Moves `amount` points out of the member's account through the ledger, once per `idempotencyKey`. */
  spend(input: {
    community: Community;
    member: Member;
    amount: number;
    reason: string;
    idempotencyKey: string;
    now: Date;
  }): Promise<PointsSpendOutcome>;
}
