import type { PaymentModel } from '../domain/types.ts';

/** refunded: paid, then the money went back (a provider's refund or dispute); its access is revoked. */
export type OrderStatus = 'pending' | 'paid' | 'cancelled' | 'refunded';

export interface CourseOrder {
  id: string;
  communityId: string;
  courseId: string;
  memberId: string;
  status: OrderStatus;
  amountMinor: number;
  currency: string;
  paymentModel: PaymentModel;
  createdAt: Date;
  decidedAt: Date | null;
  decidedById: string | null;
}

export interface Entitlement {
  id: string;
  communityId: string;
  memberId: string;
  courseId: string;
  source: 'purchase' | 'grant';
  orderId: string | null;
  startsAt: Date;
  /** null: owned for good (one-off purchases, permanent grants). */
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface CourseAccess {
  courseId: string;
  communityId: string;
  unlockRoleId: string | null;
  unlockChannelId: string | null;
  periodDays: number;
}

export function isActive(entitlement: Entitlement, at: Date): boolean {
  return !entitlement.revokedAt && entitlement.startsAt <= at && (!entitlement.expiresAt || entitlement.expiresAt > at);
}
