import type { PaymentModel } from '../domain/types.ts';

/** refunded: paid, then the money went back (a provider's refund or dispute); its access is revoked. */
export type OrderStatus = 'pending' | 'paid' | 'cancelled' | 'refunded';
export const ORDER_STATUSES = ['pending', 'paid', 'cancelled', 'refunded'] as const satisfies readonly OrderStatus[];

export interface CourseOrder {
  id: string;
  communityId: string;
  courseId: string;
  memberId: string;
  status: OrderStatus;
  /** What the buyer pays: the list price less `discountMinor`. */
  amountMinor: number;
  discountMinor: number;
  couponId: string | null;
  /** The promotion card the order came from (tracked click-through). */
  promotionId: string | null;
  currency: string;
  paymentModel: PaymentModel;
  createdAt: Date;
  decidedAt: Date | null;
  decidedById: string | null;
}

/** How the member got access: bought, given by the creator, a free trial, or a level reached. */
export type EntitlementSource = 'purchase' | 'grant' | 'trial' | 'level';

export interface Entitlement {
  id: string;
  communityId: string;
  memberId: string;
  courseId: string;
  source: EntitlementSource;
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
  /** Free trial length (0: none). */
  trialDays: number;
  /** Points for one whole unit of the currency (0: points not accepted) and the share of the price they may pay. */
  pointsPerUnit: number;
  pointsCapPercent: number;
  /** Reaching this level gives the course. */
  unlockLevel: number | null;
  /** Off sale since (creator erased, or withdrawn). */
  archivedAt: Date | null;
}

export const DEFAULT_ACCESS: Omit<CourseAccess, 'courseId' | 'communityId'> = {
  unlockRoleId: null,
  unlockChannelId: null,
  periodDays: 30,
  trialDays: 0,
  pointsPerUnit: 0,
  pointsCapPercent: 0,
  unlockLevel: null,
  archivedAt: null,
};

export type CouponKind = 'percent' | 'fixed';

export interface Coupon {
  id: string;
  communityId: string;
  code: string;
  creatorId: string | null;
  courseId: string | null;
  kind: CouponKind;
  /** Percent (1–100) or minor units of `currency`. */
  value: number;
  currency: string | null;
  expiresAt: Date | null;
  maxUses: number | null;
  uses: number;
  firstPurchaseOnly: boolean;
  /** Only this member may use it (bought with points). */
  memberId: string | null;
  sourceKey: string | null;
  pointsSpent: number;
  /** When its points were taken (coupons bought with points work only from then). */
  fundedAt: Date | null;
  createdAt: Date;
}

export interface PromoChannel {
  communityId: string;
  channelId: string;
  weeklyQuota: number;
  needsApproval: boolean;
  allowedById: string;
  createdAt: Date;
}

export type PromotionStatus = 'pending' | 'posted' | 'rejected';

export interface Promotion {
  id: string;
  communityId: string;
  courseId: string;
  creatorId: string;
  channelId: string;
  status: PromotionStatus;
  requestedAt: Date;
  decidedAt: Date | null;
  decidedById: string | null;
}

export type NoticeKind = 'renewal' | 'ended' | 'archived' | 'cancelled';

export interface MemberNotice {
  id: string;
  communityId: string;
  memberId: string;
  kind: NoticeKind;
  key: string;
  params: Record<string, string | number>;
  dueAt: Date;
  sentAt: Date | null;
  attempts: number;
}

export interface LevelReward {
  communityId: string;
  level: number;
  roleId: string | null;
  courseId: string | null;
}

export function isActive(entitlement: Entitlement, at: Date): boolean {
  return !entitlement.revokedAt && entitlement.startsAt <= at && (!entitlement.expiresAt || entitlement.expiresAt > at);
}
