import type { Community, Member } from '../domain/types.ts';
import { DeliveryTaken, idempotencyKeyReused } from '../errors.ts';
import type { PointsSpendOutcome, PointsWallet } from '../ports/points.ts';
import type { LedgerService } from './ledger-service.ts';

/**
 * The ledger's face for other features: a member spends their own points (a redemption) as a `revoke` transfer
 * they act themselves, keyed, with its `points.revoked` event in the same transaction as the postings.
 */
export function pointsWallet(ledger: LedgerService): PointsWallet {
  return {
    async balance(community: Community, member: Member, now: Date) {
      return (await ledger.balance(community, member, now)).balance;
    },
    async spend(input): Promise<PointsSpendOutcome> {
      const transferId = crypto.randomUUID();
      const outcome = await ledger.store.transfer({
        transferId,
        communityId: input.community.id,
        idempotencyKey: input.idempotencyKey,
        kind: 'revoke',
        fromMemberId: input.member.id,
        toMemberId: null,
        amount: input.amount,
        reason: input.reason,
        actorId: input.member.id,
        at: input.now,
        events: [
          {
            communityId: input.community.id,
            actorId: input.member.id,
            verb: 'points.revoked',
            objectType: 'transfer',
            objectId: transferId,
            targetMemberId: input.member.id,
            channelId: null,
            platform: input.community.platform,
            occurredAt: input.now,
            metadata: { amount: input.amount, redeemed: true },
            dedupKey: `points:${transferId}`,
          },
        ],
      });
      if (outcome.status === 'refused') {
        const { balance } = await ledger.balance(input.community, input.member, input.now);
        return { status: 'refused', balance };
      }
      if (outcome.status === 'conflict') throw idempotencyKeyReused();
      if (outcome.status === 'delivery_taken') throw new DeliveryTaken();
      return { status: outcome.status, balance: outcome.status === 'applied' ? outcome.fromBalance : null };
    },
  };
}
