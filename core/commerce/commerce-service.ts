import type { Community, Course, Member } from '../domain/types.ts';
import { hasPermission } from '../domain/types.ts';
import { UserError } from '../errors.ts';
import type { AccessGranter } from '../ports/access.ts';
import type { Logger } from '../ports/logger.ts';
import type { CommunityStore, CourseStore, EventStore, MemberStore } from '../ports/stores.ts';
import type { CommerceStore, NewEntitlement } from './ports.ts';
import { type CourseOrder, type Entitlement, isActive } from './types.ts';

const DAY = 86_400_000;

export interface PurchaseOutcome {
  kind: 'order' | 'granted';
  /** False when this request repeated an earlier one (same interaction) and found its order. */
  created: boolean;
  order: CourseOrder | null;
  entitlement: Entitlement | null;
}

/**
 * Paid content: members ask to buy, creators (or moderators) confirm payment, entitlements follow and unlock
 * the course's role or channel. One-off purchases last for good; subscriptions and memberships last one period,
 * and renewing extends from the current end so no paid day is lost.
 */
export class CommerceService {
  constructor(
    private readonly deps: {
      store: CommerceStore;
      courses: CourseStore;
      members: MemberStore;
      communities: CommunityStore;
      events: EventStore;
      access: AccessGranter | null;
      log: Logger;
    },
  ) {}

  /** Finds a course by its id or an unambiguous id prefix of at least 6 characters (what members copy from cards). */
  async findCourse(communityId: string, ref: string): Promise<Course> {
    const wanted = ref.trim().replace(/^#/, '');
    const exact = await this.deps.courses.get(wanted);
    if (exact && exact.communityId === communityId) return exact;
    if (wanted.length >= 6) {
      const matches = (await this.deps.courses.list(communityId)).filter((c) => c.id.startsWith(wanted));
      if (matches.length === 1) return matches[0] as Course;
    }
    throw new UserError('COURSE_UNKNOWN', 'commerce:errors.courseUnknown', { ref: wanted });
  }

  /** Creators manage their own courses; moderators manage every course. */
  assertManages(member: Member, course: Course): void {
    if (course.creatorId === member.id || hasPermission(member.role, 'moderator')) return;
    throw new UserError('NOT_COURSE_OWNER', 'commerce:errors.notOwner', { title: course.title });
  }

  async activeEntitlement(member: Member, courseId: string, at: Date): Promise<Entitlement | null> {
    const all = await this.deps.store.entitlements(member.communityId, member.id);
    return all.filter((e) => e.courseId === courseId && isActive(e, at)).sort(byExpiryDesc)[0] ?? null;
  }

  async requestPurchase(
    community: Community,
    member: Member,
    course: Course,
    requestKey: string,
    at: Date,
  ): Promise<PurchaseOutcome> {
    const owned = await this.activeEntitlement(member, course.id, at);
    if (owned && !owned.expiresAt)
      throw new UserError('ALREADY_OWNED', 'commerce:errors.alreadyOwned', { title: course.title });
    if (course.priceMinor === 0) {
      const entitlement = await this.#grant(community, member, course, { source: 'grant', orderId: null }, at);
      return { kind: 'granted', created: true, order: null, entitlement };
    }
    const waiting = (await this.deps.store.listOrders(community.id, { memberId: member.id, status: 'pending' })).find(
      (o) => o.courseId === course.id,
    );
    if (waiting) return { kind: 'order', created: false, order: waiting, entitlement: null };
    const { order, created } = await this.deps.store.createOrder({
      communityId: community.id,
      courseId: course.id,
      memberId: member.id,
      amountMinor: course.priceMinor,
      currency: course.currency,
      paymentModel: course.paymentModel,
      createdAt: at,
      requestKey,
    });
    if (created) {
      await this.deps.events.append({
        communityId: community.id,
        actorId: member.id,
        verb: 'course.enrolled',
        objectType: 'course',
        objectId: course.id,
        targetMemberId: course.creatorId,
        channelId: null,
        platform: community.platform,
        occurredAt: at,
        metadata: { orderId: order.id, intent: 'purchase' },
      });
    }
    return { kind: 'order', created, order, entitlement: null };
  }

  async decide(
    community: Community,
    decider: Member,
    orderId: string,
    status: 'paid' | 'cancelled',
    at: Date,
  ): Promise<{ order: CourseOrder; entitlement: Entitlement | null; course: Course; buyer: Member | null }> {
    const order = await this.#findOrder(community.id, orderId);
    const buyer = await this.deps.members.get(order.memberId);
    const course = await this.findCourse(community.id, order.courseId);
    this.assertManages(decider, course);
    if (order.status !== 'pending') {
      throw new UserError('ORDER_DECIDED', 'commerce:errors.orderDecided', {
        id: short(order.id),
        status: order.status,
      });
    }
    const entitlement =
      status === 'paid'
        ? await this.#entitlementFor(order.memberId, course, { source: 'purchase', orderId: order.id }, at)
        : undefined;
    const decided = await this.deps.store.decideOrder(order.id, { status, by: decider.id, at, entitlement });
    if (!decided)
      throw new UserError('ORDER_DECIDED', 'commerce:errors.orderDecided', { id: short(order.id), status: 'decided' });
    if (decided.entitlement) {
      await this.deps.events.append({
        communityId: community.id,
        actorId: order.memberId,
        verb: 'course.purchased',
        objectType: 'course',
        objectId: course.id,
        targetMemberId: course.creatorId,
        channelId: null,
        platform: community.platform,
        occurredAt: at,
        metadata: { orderId: order.id, priceMinor: order.amountMinor, currency: order.currency },
      });
      if (buyer) await this.#unlock(community, buyer, course.id);
    }
    return { order: decided.order, entitlement: decided.entitlement, course, buyer };
  }

  async grant(community: Community, granter: Member, member: Member, course: Course, at: Date): Promise<Entitlement> {
    this.assertManages(granter, course);
    return this.#grant(community, member, course, { source: 'grant', orderId: null }, at);
  }

  listOrders(communityId: string, filter: Parameters<CommerceStore['listOrders']>[1]): Promise<CourseOrder[]> {
    return this.deps.store.listOrders(communityId, filter);
  }

  entitlements(member: Member): Promise<Entitlement[]> {
    return this.deps.store.entitlements(member.communityId, member.id);
  }

  getAccess(courseId: string) {
    return this.deps.store.getAccess(courseId);
  }

  setAccess(
    course: Course,
    patch: { unlockRoleId?: string | null; unlockChannelId?: string | null; periodDays?: number },
  ) {
    return this.deps.store.getAccess(course.id).then((current) =>
      this.deps.store.setAccess({
        courseId: course.id,
        communityId: course.communityId,
        unlockRoleId: patch.unlockRoleId !== undefined ? patch.unlockRoleId : (current?.unlockRoleId ?? null),
        unlockChannelId:
          patch.unlockChannelId !== undefined ? patch.unlockChannelId : (current?.unlockChannelId ?? null),
        periodDays: patch.periodDays ?? current?.periodDays ?? 30,
      }),
    );
  }

  async #grant(
    community: Community,
    member: Member,
    course: Course,
    origin: Pick<NewEntitlement, 'source' | 'orderId'>,
    at: Date,
  ): Promise<Entitlement> {
    const entitlement = await this.deps.store.grant(await this.#entitlementFor(member.id, course, origin, at));
    await this.#unlock(community, member, course.id);
    return entitlement;
  }

  async #entitlementFor(
    memberId: string,
    course: Course,
    origin: Pick<NewEntitlement, 'source' | 'orderId'>,
    at: Date,
  ): Promise<NewEntitlement> {
    let expiresAt: Date | null = null;
    if (course.paymentModel !== 'one_off' && course.priceMinor > 0) {
      const period =
        (await this.deps.store.getAccess(course.id))?.periodDays ?? (course.paymentModel === 'membership' ? 365 : 30);
      const current = (await this.deps.store.entitlements(course.communityId, memberId))
        .filter((e) => e.courseId === course.id && isActive(e, at))
        .sort(byExpiryDesc)[0];
      const from = current?.expiresAt && current.expiresAt > at ? current.expiresAt : at;
      expiresAt = new Date(from.getTime() + period * DAY);
    }
    return {
      communityId: course.communityId,
      memberId,
      courseId: course.id,
      ...origin,
      startsAt: at,
      expiresAt,
      createdAt: at,
    };
  }

  async #unlock(community: Community, member: Member, courseId: string): Promise<void> {
    const access = await this.deps.store.getAccess(courseId);
    if (!access || (!access.unlockRoleId && !access.unlockChannelId) || !this.deps.access) return;
    try {
      await this.deps.access.grant({
        platform: community.platform,
        spaceId: community.platformId,
        platformUserId: member.platformUserId,
        roleId: access.unlockRoleId,
        channelId: access.unlockChannelId,
      });
    } catch (error) {
      // The entitlement stands; the role can be re-applied. Moderators see the failure in the logs.
      this.deps.log.error({ err: error, courseId, member: member.id }, 'unlocking course access failed');
    }
  }

  /**
   * Takes back the role/channel of subscriptions and memberships that have ended (run periodically).
   * A member who renewed keeps access: another active entitlement for the course means nothing is revoked.
   */
  async endExpiredAccess(at: Date): Promise<number> {
    let revoked = 0;
    for (const ended of await this.deps.store.endedWithAccess(at, 200)) {
      const member = await this.deps.members.get(ended.memberId);
      const stillOwned = member ? await this.activeEntitlement(member, ended.courseId, at) : null;
      const access = await this.deps.store.getAccess(ended.courseId);
      const community = await this.deps.communities.get(ended.communityId);
      if (
        member &&
        community &&
        !stillOwned &&
        access &&
        (access.unlockRoleId || access.unlockChannelId) &&
        this.deps.access
      ) {
        try {
          await this.deps.access.revoke({
            platform: community.platform,
            spaceId: community.platformId,
            platformUserId: member.platformUserId,
            roleId: access.unlockRoleId,
            channelId: access.unlockChannelId,
          });
          revoked++;
        } catch (error) {
          // Left unmarked, so the next run tries again.
          this.deps.log.error({ err: error, entitlement: ended.id }, 'revoking ended course access failed');
          continue;
        }
      }
      await this.deps.store.markAccessEnded(ended.id, at);
    }
    return revoked;
  }

  async #findOrder(communityId: string, ref: string): Promise<CourseOrder> {
    const wanted = ref.trim().replace(/^#/, '');
    const exact = await this.deps.store.getOrder(communityId, wanted);
    if (exact) return exact;
    if (wanted.length >= 6) {
      const matches = (await this.deps.store.listOrders(communityId, {})).filter((o) => o.id.startsWith(wanted));
      if (matches.length === 1) return matches[0] as CourseOrder;
    }
    throw new UserError('ORDER_UNKNOWN', 'commerce:errors.orderUnknown', { ref: wanted });
  }
}

/** The short reference shown to people: enough of the id to be unambiguous in practice. */
export const short = (id: string) => id.slice(0, 8);

const byExpiryDesc = (a: Entitlement, b: Entitlement) =>
  (b.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) - (a.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY);
