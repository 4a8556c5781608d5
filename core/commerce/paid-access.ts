import { UserError } from '../errors.ts';
import type { PaidAccess, PaidOrderView } from '../ports/paid-access.ts';
import type { CommunityStore, CourseStore, MemberStore } from '../ports/stores.ts';
import type { CommerceService } from './commerce-service.ts';
import type { CommerceStore } from './ports.ts';
import type { CourseOrder } from './types.ts';

/** The commerce feature's side of the payments port: orders and access, moved by a payment provider. */
export function paidAccessOf(
  commerce: CommerceService,
  store: CommerceStore,
  courses: CourseStore,
  members: MemberStore,
  communities: CommunityStore,
): PaidAccess {
  const view = async (order: CourseOrder): Promise<PaidOrderView> => {
    const course = await courses.get(order.courseId);
    const period =
      (await store.getAccess(order.courseId))?.periodDays ?? (order.paymentModel === 'membership' ? 365 : 30);
    return {
      id: order.id,
      communityId: order.communityId,
      courseId: order.courseId,
      memberId: order.memberId,
      creatorId: course?.creatorId ?? null,
      courseTitle: course?.title ?? order.courseId,
      status: order.status,
      amountMinor: order.amountMinor,
      currency: order.currency,
      paymentModel: order.paymentModel,
      renewEveryDays: order.paymentModel === 'one_off' ? null : period,
      buyerPlatformUserId: (await members.get(order.memberId))?.platformUserId ?? null,
      createdAt: order.createdAt,
    };
  };
  return {
    async order(orderId) {
      const order = await store.orderById(orderId);
      return order ? view(order) : null;
    },
    async pendingOrders(communityId, memberId) {
      const orders = await store.listOrders(communityId, { memberId, status: 'pending' });
      return Promise.all(orders.map(view));
    },
    async openOrder(communityId, platformUserId, courseId, requestKey, at) {
      const community = await communities.get(communityId);
      const course = await courses.get(courseId);
      if (!community || !course) return null;
      const member =
        (await members.findByPlatformUserId(communityId, platformUserId)) ??
        (await members.ensure(communityId, {
          platformUserId,
          handle: `user${platformUserId}`,
          displayName: platformUserId,
        }));
      try {
        const outcome = await commerce.requestPurchase(community, member, course, requestKey, at);
        return outcome.order ? view(outcome.order) : null;
      } catch (error) {
        if (error instanceof UserError && error.code === 'ALREADY_OWNED') return null;
        throw error;
      }
    },
    fulfil: (orderId, by, at) => commerce.fulfilPaid(orderId, by, at),
    extend: (orderId, until) => commerce.setPaidUntil(orderId, until),
    end: (orderId, at) => commerce.setPaidUntil(orderId, at),
    revoke: (orderId, by, at) => commerce.revokePaid(orderId, by, at),
  };
}
