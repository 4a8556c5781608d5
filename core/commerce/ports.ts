import type { EffectEvents } from '../ports/stores.ts';
import type {
  Coupon,
  CourseAccess,
  CourseOrder,
  Entitlement,
  LevelReward,
  MemberNotice,
  NoticeKind,
  OrderStatus,
  PromoChannel,
  Promotion,
  PromotionStatus,
} from './types.ts';

export type NewEntitlement = Omit<Entitlement, 'id' | 'revokedAt'> & { createdAt: Date };

export type NewOrder = Omit<CourseOrder, 'status' | 'decidedAt' | 'decidedById'> & { requestKey: string };

/** A notice to write with the change that causes it; a second notice under the same key is skipped. */
export interface NewNotice {
  communityId: string;
  memberId: string;
  kind: NoticeKind;
  key: string;
  params: Record<string, string | number>;
  dueAt: Date;
}

/**
 * Storage of orders and entitlements. Every effect that feeds the graph, profiles or analytics takes the events
 * that record it (`EffectEvents`) and writes them in its own transaction: an order with its `course.enrolled`, a
 * confirmation with its entitlement and `course.purchased`, a grant with its `course.enrolled`.
 */
export interface CommerceStore {
  /**
   * Creates a pending order (with the id given) and its events, or finds the one this request key already made:
   * `created: false`, and `conflict: true` when that order was for another course or member (nothing is written).
   * An order with a coupon takes one of its uses in the same transaction (COUPON_USED_UP when none was left).
   */
  createOrder(
    order: NewOrder,
    events: EffectEvents,
  ): Promise<{ order: CourseOrder; created: boolean; conflict: boolean }>;
  getOrder(communityId: string, id: string): Promise<CourseOrder | null>;
  listOrders(
    communityId: string,
    filter: { status?: OrderStatus; memberId?: string; courseIds?: string[]; since?: Date },
  ): Promise<CourseOrder[]>;
  /** Whether the member ever paid for anything in this community (first-purchase coupons). */
  hasPaidOrder(communityId: string, memberId: string): Promise<boolean>;
  /**
   * Moves a pending order to paid (granting the entitlement in the same transaction) or cancelled (giving its
   * coupon use back), with its events and notices. Returns null when the order was no longer pending: two
   * moderators confirming at once grant once.
   */
  decideOrder(
    id: string,
    decision: { status: 'paid' | 'cancelled'; by: string | null; at: Date; entitlement?: NewEntitlement },
    events: EffectEvents,
    notices?: readonly NewNotice[],
  ): Promise<{ order: CourseOrder; entitlement: Entitlement | null } | null>;
  /**
   * Writes a grant, unless the member already holds the course (for good, or, for a timed grant, any access still
   * running): then that entitlement is returned with `created: false` (granting twice is one entitlement).
   */
  grant(entitlement: NewEntitlement, events: EffectEvents): Promise<{ entitlement: Entitlement; created: boolean }>;
  /** An order by its id alone (payment providers carry the id, not the community). */
  orderById(id: string): Promise<CourseOrder | null>;
  /** The entitlement an order bought, if any. */
  entitlementForOrder(orderId: string): Promise<Entitlement | null>;
  /** A new end for a timed entitlement; `regrant` marks its access as not given, for when it was taken back. */
  setEntitlementExpiry(id: string, expiresAt: Date, options?: { regrant?: boolean }): Promise<void>;
  /**
   * Moves a paid order to refunded and revokes its entitlement in one transaction. Null when the order was not paid
   * (already refunded, never paid): a repeated refund notice changes nothing.
   */
  refundOrder(
    id: string,
    refund: { by: string; at: Date },
  ): Promise<{ order: CourseOrder; entitlement: Entitlement | null } | null>;
  /** The invariants of paid content in one community (all 0 when sound). */
  integrity(communityId: string): Promise<CommerceIntegrityCounts>;
  entitlements(communityId: string, memberId: string): Promise<Entitlement[]>;
  /** Timed entitlements still running that end within (from, until], for renewal reminders. */
  endingBetween(from: Date, until: Date, limit: number): Promise<Entitlement[]>;
  /** Whether the member ever had a trial of the course. */
  hadTrial(communityId: string, memberId: string, courseId: string): Promise<boolean>;
  /** Entitlements that have ended and whose unlocked access has not been taken back yet, oldest first. */
  endedWithAccess(at: Date, limit: number): Promise<Entitlement[]>;
  /** Marks access as taken back, with the notice that tells the member (written once per key). */
  markAccessEnded(id: string, at: Date, notices?: readonly NewNotice[]): Promise<void>;
  /**
   * Live entitlements (not revoked, not ended at `at`) whose access has not been given yet, created within
   * [created.from, created.until) (the upper end is the grace that lets the command in flight give it), oldest first.
   */
  awaitingAccess(at: Date, created: { from: Date; until: Date }, limit: number): Promise<Entitlement[]>;
  /** Records that the entitlement's role/channel is on the platform (or that it unlocks nothing). */
  markAccessGranted(id: string, at: Date): Promise<void>;
  getAccess(courseId: string): Promise<CourseAccess | null>;
  setAccess(access: CourseAccess): Promise<CourseAccess>;
  /** Accesses of one community's courses (archive state, levels that unlock courses). */
  accesses(communityId: string): Promise<CourseAccess[]>;
}

export interface CommerceIntegrityCounts {
  /** Paid orders without the entitlement they bought. */
  paidWithoutEntitlement: number;
  /** Purchase entitlements whose order is missing or not paid. */
  entitlementsWithoutPaidOrder: number;
}

export interface CouponStore {
  /**
   * Null when the code is taken in this community. A coupon with a `sourceKey` (a points redemption) is made once:
   * creating it again under that key returns the first one.
   */
  create(coupon: Coupon): Promise<Coupon | null>;
  byCode(communityId: string, code: string): Promise<Coupon | null>;
  bySourceKey(communityId: string, sourceKey: string): Promise<Coupon | null>;
  list(communityId: string, filter: { creatorId?: string; memberId?: string }): Promise<Coupon[]>;
  /** Marks a points coupon paid for (its points left the account): from now it works. */
  markFunded(id: string, at: Date): Promise<void>;
  /** Ends a coupon now (its expiry set to `at`). */
  expire(communityId: string, id: string, at: Date): Promise<void>;
}

export interface PromotionStore {
  channel(communityId: string, channelId: string): Promise<PromoChannel | null>;
  channels(communityId: string): Promise<PromoChannel[]>;
  saveChannel(channel: PromoChannel): Promise<PromoChannel>;
  removeChannel(communityId: string, channelId: string): Promise<boolean>;
  create(promotion: Promotion): Promise<Promotion>;
  get(communityId: string, id: string): Promise<Promotion | null>;
  /** Promotions by one creator in one channel since `since` that count against the quota (pending or posted). */
  countSince(communityId: string, channelId: string, creatorId: string, since: Date): Promise<number>;
  list(
    communityId: string,
    filter: { status?: PromotionStatus; since?: Date; courseIds?: string[] },
  ): Promise<Promotion[]>;
  /** Moves a pending promotion to posted or rejected; null when it was no longer pending. */
  decide(id: string, status: 'posted' | 'rejected', by: string, at: Date): Promise<Promotion | null>;
}

export interface NoticeStore {
  /** Writes notices, skipping any whose key exists. Returns how many were new. */
  add(notices: readonly NewNotice[]): Promise<number>;
  /** Unsent notices due by `at` with fewer than `maxAttempts` failures, oldest first. */
  due(at: Date, maxAttempts: number, limit: number): Promise<MemberNotice[]>;
  markSent(id: string, at: Date): Promise<void>;
  markFailed(id: string): Promise<void>;
  forMember(communityId: string, memberId: string): Promise<MemberNotice[]>;
}

export interface LevelStore {
  enabled(communityId: string): Promise<boolean>;
  setEnabled(communityId: string, enabled: boolean, by: string, at: Date): Promise<void>;
  rewards(communityId: string): Promise<LevelReward[]>;
  setReward(reward: LevelReward): Promise<void>;
  removeReward(communityId: string, level: number): Promise<boolean>;
  memberLevel(communityId: string, memberId: string): Promise<{ level: number; pointsEarned: number } | null>;
  saveMemberLevel(communityId: string, memberId: string, level: number, pointsEarned: number, at: Date): Promise<void>;
  /** Members with a stored level (the periodic recheck). */
  members(communityId: string): Promise<{ memberId: string; level: number }[]>;
}

/** The commerce feature's stores (its storage half builds them). */
export interface CommerceStores {
  orders: CommerceStore;
  coupons: CouponStore;
  promotions: PromotionStore;
  notices: NoticeStore;
  levels: LevelStore;
}
