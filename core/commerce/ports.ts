import type { CourseAccess, CourseOrder, Entitlement, OrderStatus } from './types.ts';

export type NewEntitlement = Omit<Entitlement, 'id' | 'revokedAt'> & { createdAt: Date };

export interface CommerceStore {
  /** Creates a pending order, or returns the one this request key already made. */
  createOrder(
    order: Omit<CourseOrder, 'id' | 'status' | 'decidedAt' | 'decidedById'> & { requestKey: string },
  ): Promise<{ order: CourseOrder; created: boolean }>;
  getOrder(communityId: string, id: string): Promise<CourseOrder | null>;
  listOrders(
    communityId: string,
    filter: { status?: OrderStatus; memberId?: string; courseIds?: string[] },
  ): Promise<CourseOrder[]>;
  /**
   * Moves a pending order to paid (granting the entitlement in the same transaction) or cancelled.
   * Returns null when the order was no longer pending: two moderators confirming at once grant once.
   */
  decideOrder(
    id: string,
    decision: { status: 'paid' | 'cancelled'; by: string; at: Date; entitlement?: NewEntitlement },
  ): Promise<{ order: CourseOrder; entitlement: Entitlement | null } | null>;
  grant(entitlement: NewEntitlement): Promise<Entitlement>;
  entitlements(communityId: string, memberId: string): Promise<Entitlement[]>;
  /** Entitlements that have ended and whose unlocked access has not been taken back yet, oldest first. */
  endedWithAccess(at: Date, limit: number): Promise<Entitlement[]>;
  markAccessEnded(id: string, at: Date): Promise<void>;
  getAccess(courseId: string): Promise<CourseAccess | null>;
  setAccess(access: CourseAccess): Promise<CourseAccess>;
}
