import { randomUUID } from 'node:crypto';
import type { Community, Course, Member, NewInteractionEvent } from '../domain/types.ts';
import { hasPermission } from '../domain/types.ts';
import { idempotencyKeyReused, UserError } from '../errors.ts';
import type { AccessGranter } from '../ports/access.ts';
import type { Logger } from '../ports/logger.ts';
import type { FulfilOutcome } from '../ports/paid-access.ts';
import type { CommunityStore, CourseStore, MemberStore } from '../ports/stores.ts';
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
 * and renewing extends from the current end so no paid day is lost. Each step's event (`course.enrolled`,
 * `course.purchased`) is written by the store in the step's own transaction.
 */
export class CommerceService {
  constructor(
    private readonly deps: {
      store: CommerceStore;
      courses: CourseStore;
      members: MemberStore;
      communities: CommunityStore;
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
    const id = randomUUID();
    const { order, created, conflict } = await this.deps.store.createOrder(
      {
        id,
        communityId: community.id,
        courseId: course.id,
        memberId: member.id,
        amountMinor: course.priceMinor,
        currency: course.currency,
        paymentModel: course.paymentModel,
        createdAt: at,
        requestKey,
      },
      [
        courseEvent(community, course, member.id, 'course.enrolled', at, {
          metadata: { orderId: id, intent: 'purchase' },
          dedupKey: `order:${id}:created`,
        }),
      ],
    );
    if (conflict) {
      this.deps.log.warn({ requestKey, order: order.id, course: course.id }, 'request key reused for another order');
      throw idempotencyKeyReused();
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
    const events =
      status === 'paid'
        ? [
            courseEvent(community, course, order.memberId, 'course.purchased', at, {
              metadata: { orderId: order.id, priceMinor: order.amountMinor, currency: order.currency },
              dedupKey: `order:${order.id}:paid`,
            }),
          ]
        : [];
    const decided = await this.deps.store.decideOrder(order.id, { status, by: decider.id, at, entitlement }, events);
    if (!decided)
      throw new UserError('ORDER_DECIDED', 'commerce:errors.orderDecided', { id: short(order.id), status: 'decided' });
    if (decided.entitlement && buyer) await this.#unlock(community, buyer, course.id);
    return { order: decided.order, entitlement: decided.entitlement, course, buyer };
  }

  /**
   * A payment provider reports the order paid (Stripe checkout, Telegram Stars): the same transition as a manual
   * confirmation, decided by the provider. Idempotent: a repeated delivery finds the order paid and grants nothing.
   */
  async fulfilPaid(orderId: string, by: string, at: Date): Promise<FulfilOutcome> {
    const order = await this.deps.store.orderById(orderId);
    if (!order) throw new UserError('ORDER_UNKNOWN', 'commerce:errors.orderUnknown', { ref: short(orderId) });
    if (order.status === 'cancelled' || order.status === 'refunded') return { kind: order.status };
    const existing = await this.deps.store.entitlementForOrder(order.id);
    if (order.status === 'paid') return { kind: 'already-paid', entitlementId: existing?.id ?? null };
    const community = await this.deps.communities.get(order.communityId);
    const course = await this.deps.courses.get(order.courseId);
    if (!community || !course)
      throw new UserError('ORDER_UNKNOWN', 'commerce:errors.orderUnknown', { ref: short(orderId) });
    const entitlement = await this.#entitlementFor(
      order.memberId,
      course,
      { source: 'purchase', orderId: order.id },
      at,
    );
    const decided = await this.deps.store.decideOrder(order.id, { status: 'paid', by, at, entitlement }, [
      courseEvent(community, course, order.memberId, 'course.purchased', at, {
        metadata: { orderId: order.id, priceMinor: order.amountMinor, currency: order.currency, by },
        dedupKey: `order:${order.id}:paid`,
      }),
    ]);
    if (!decided) return this.fulfilPaid(orderId, by, at); // decided concurrently: report what it became
    const buyer = await this.deps.members.get(order.memberId);
    if (decided.entitlement && buyer) await this.#unlock(community, buyer, course.id);
    return { kind: 'fulfilled', entitlementId: decided.entitlement?.id ?? '' };
  }

  /** Sets how long a paid subscription's access lasts (renewal, grace period, end). False when nothing changed. */
  async setPaidUntil(orderId: string, until: Date): Promise<boolean> {
    const entitlement = await this.deps.store.entitlementForOrder(orderId);
    if (!entitlement || entitlement.revokedAt || entitlement.expiresAt?.getTime() === until.getTime()) return false;
    await this.deps.store.setEntitlementExpiry(entitlement.id, until);
    const order = await this.deps.store.orderById(orderId);
    const member = order ? await this.deps.members.get(order.memberId) : null;
    const community = order ? await this.deps.communities.get(order.communityId) : null;
    // Extended after the expiry job took the role back: give it again.
    if (member && community && until > (entitlement.expiresAt ?? until))
      await this.#unlock(community, member, entitlement.courseId);
    return true;
  }

  /** A refund or a dispute: the order becomes refunded, its access is revoked and taken back now. Idempotent. */
  async revokePaid(orderId: string, by: string, at: Date): Promise<boolean> {
    const revoked = await this.deps.store.refundOrder(orderId, { by, at });
    if (!revoked) return false;
    if (revoked.entitlement) {
      // Ended now: the expiry job takes the role or channel back on its next run, or at once here.
      await this.deps.store.setEntitlementExpiry(revoked.entitlement.id, at);
      await this.endExpiredAccess(at);
    }
    return true;
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
    // Free courses a member takes themselves, and courses given by their creator or a moderator: an enrolment.
    const intent = course.priceMinor === 0 ? 'free' : 'gift';
    const entitlement = await this.deps.store.grant(await this.#entitlementFor(member.id, course, origin, at), [
      courseEvent(community, course, member.id, 'course.enrolled', at, { metadata: { intent } }),
    ]);
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

/** An event about a course, acted by `actorId` and aimed at the course's creator (the graph's edge). */
function courseEvent(
  community: Community,
  course: Course,
  actorId: string,
  verb: 'course.enrolled' | 'course.purchased',
  at: Date,
  extra: { metadata: Record<string, unknown>; dedupKey?: string },
): NewInteractionEvent {
  return {
    communityId: community.id,
    actorId,
    verb,
    objectType: 'course',
    objectId: course.id,
    targetMemberId: course.creatorId,
    channelId: null,
    platform: community.platform,
    occurredAt: at,
    metadata: extra.metadata,
    dedupKey: extra.dedupKey ?? null,
  };
}
