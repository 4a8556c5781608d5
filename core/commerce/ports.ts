import type { EffectEvents } from '../ports/stores.ts';
import type { CourseAccess, CourseOrder, Entitlement, OrderStatus } from './types.ts';

export type NewEntitlement = Omit<Entitlement, 'id' | 'revokedAt'> & { createdAt: Date };

/**
 * Storage of orders and entitlements. Every effect that feeds the graph, profiles or analytics takes the events
 * that record it (`EffectEvents`) and writes them in its own transaction: an order with its `course.enrolled`, a
 * confirmation with its entitlement and `course.purchased`, a grant with its `course.enrolled`.
 */
export interface CommerceStore {
  /**
   * Creates a pending order (with the id given) and its events, or finds the one this request key already made:
   * `created: false`, and `conflict: true` when that order was for another course or member (nothing is written).
   */
  createOrder(
    order: Omit<CourseOrder, 'status' | 'decidedAt' | 'decidedById'> & { requestKey: string },
    events: EffectEvents,
  ): Promise<{ order: CourseOrder; created: boolean; conflict: boolean }>;
  getOrder(communityId: string, id: string): Promise<CourseOrder | null>;
  listOrders(
    communityId: string,
    filter: { status?: OrderStatus; memberId?: string; courseIds?: string[] },
  ): Promise<CourseOrder[]>;
  /**
   * Moves a pending order to paid (granting the entitlement in the same transaction) or cancelled, with its events.
   * Returns null when the order was no longer pending: two moderators confirming at once grant once.
   */
  decideOrder(
    id: string,
    decision: { status: 'paid' | 'cancelled'; by: string; at: Date; entitlement?: NewEntitlement },
    events: EffectEvents,
  ): Promise<{ order: CourseOrder; entitlement: Entitlement | null } | null>;
  grant(entitlement: NewEntitlement, events: EffectEvents): Promise<Entitlement>;
  /** An order by its id alone (payment providers carry the id, not the community). */
  orderById(id: string): Promise<CourseOrder | null>;
  /** The entitlement an order bought, if any. */
  entitlementForOrder(orderId: string): Promise<Entitlement | null>;
  setEntitlementExpiry(id: string, expiresAt: Date): Promise<void>;
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
  /** Entitlements that have ended and whose unlocked access has not been taken back yet, oldest first. */
  endedWithAccess(at: Date, limit: number): Promise<Entitlement[]>;
  markAccessEnded(id: string, at: Date): Promise<void>;
  getAccess(courseId: string): Promise<CourseAccess | null>;
  setAccess(access: CourseAccess): Promise<CourseAccess>;
}

export interface CommerceIntegrityCounts {
  /** Paid orders without the entitlement they bought. */
  paidWithoutEntitlement: number;
  /** Purchase entitlements whose order is missing or not paid. */
  entitlementsWithoutPaidOrder: number;
}
