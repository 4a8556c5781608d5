import type { PaymentModel } from '../domain/types.ts';

/**
 * What a payment provider may do to paid content, offered by the commerce feature to the payments feature.
 * Every call is idempotent: providers deliver at least once, so a repeated call finds the work already done and
 * says so instead of granting, extending or revoking twice. `by` names the provider (`provider:stripe`).
 */
export interface PaidOrderView {
  id: string;
  communityId: string;
  courseId: string;
  memberId: string;
  creatorId: string | null;
  courseTitle: string;
  status: 'pending' | 'paid' | 'cancelled' | 'refunded';
  amountMinor: number;
  currency: string;
  paymentModel: PaymentModel;
  /** Subscriptions and memberships: the length of one period; null for one-off purchases. */
  renewEveryDays: number | null;
  /** The buyer's id on the community's platform (who may pay it). */
  buyerPlatformUserId: string | null;
  createdAt: Date;
}

export type FulfilOutcome =
  /** The order was pending and is now paid, with its entitlement. */
  | { kind: 'fulfilled'; entitlementId: string }
  /** The order was already paid (a repeated delivery, or a crash after the grant): nothing new. */
  | { kind: 'already-paid'; entitlementId: string | null }
  /** The buyer or a moderator cancelled the order before the money arrived: the caller refunds or flags it. */
  | { kind: 'cancelled' }
  | { kind: 'refunded' };

export interface PaidAccess {
  order(orderId: string): Promise<PaidOrderView | null>;
  /** A member's orders still waiting for payment, newest first. */
  pendingOrders(communityId: string, memberId: string): Promise<PaidOrderView[]>;
  /**
   * An order for a member known by their platform id (created on first contact), made by a provider that sells
   * outside /buy (a Discord SKU). The request key makes a repeat find the same order; null when the member already
   * owns the course for good.
   */
  openOrder(
    communityId: string,
    platformUserId: string,
    courseId: string,
    requestKey: string,
    at: Date,
  ): Promise<PaidOrderView | null>;
  /** Marks a pending order paid and grants its entitlement (and unlocks its role or channel). */
  fulfil(orderId: string, by: string, at: Date): Promise<FulfilOutcome>;
  /** A subscription's access now lasts until `until` (renewal, or a grace period after a failed payment). */
  extend(orderId: string, until: Date): Promise<boolean>;
  /** The subscription ended: access ends at `at` (its role or channel taken back by the expiry job). */
  end(orderId: string, at: Date): Promise<boolean>;
  /** Refund or dispute: the order is refunded, its entitlement revoked and its role or channel taken back now. */
  revoke(orderId: string, by: string, at: Date): Promise<boolean>;
}
