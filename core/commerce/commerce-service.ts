import { randomUUID } from 'node:crypto';
import { isShortId } from '../domain/short-id.ts';
import type { Community, Course, Member, NewInteractionEvent } from '../domain/types.ts';
import { hasPermission } from '../domain/types.ts';
import { idempotencyKeyReused, UserError } from '../errors.ts';
import type { AccessGranter, AccessTarget } from '../ports/access.ts';
import type { Logger } from '../ports/logger.ts';
import type { FulfilOutcome } from '../ports/paid-access.ts';
import type { CommunityStore, CourseStore, MemberStore } from '../ports/stores.ts';
import type { CommerceStore, CouponStore, NewEntitlement, NewNotice, NoticeStore } from './ports.ts';
import { couponDiscount, normalizeCode } from './pricing.ts';
import { type CourseAccess, type CourseOrder, DEFAULT_ACCESS, type Entitlement, isActive } from './types.ts';

const DAY = 86_400_000;
/** How long the access sweep keeps retrying an unlock the platform refuses (a deleted role, a kicked bot). */
const RETRY_DAYS = 7;

export interface PurchaseOutcome {
  kind: 'order' | 'granted';
  /** False when this request repeated an earlier one (same interaction) and found its order. */
  created: boolean;
  order: CourseOrder | null;
  entitlement: Entitlement | null;
}

export interface PurchaseOptions {
  /** A coupon code the buyer typed. */
  coupon?: string | null;
  /** The promotion card the buyer came from (tracked click-through). */
  promotionId?: string | null;
}

/** What a payment provider's fulfilment did: `fulfilled` is false when the order was already paid (a replay). */
export interface Fulfilment {
  order: CourseOrder;
  entitlement: Entitlement | null;
  fulfilled: boolean;
}

/**
 * Paid content: members ask to buy, creators (or moderators, or a payment provider) confirm payment, entitlements
 * follow and unlock the course's role or channel. One-off purchases last for good; subscriptions and memberships
 * last one period, and renewing extends from the current end so no paid day is lost. Each step's event
 * (`course.enrolled`, `course.purchased`) and notice is written by the store in the step's own transaction.
 *
 * Payment providers call `fulfilOrder`, `cancelOrder` and `refundOrder`: each is keyed by the order id and
 * idempotent, so a webhook delivered twice changes nothing the second time.
 */
export class CommerceService {
  constructor(
    private readonly deps: {
      store: CommerceStore;
      coupons?: CouponStore;
      /** Where renewal reminders are written (the notices job sends them). */
      notices?: Pick<NoticeStore, 'add'>;
      courses: CourseStore;
      members: MemberStore;
      communities: CommunityStore;
      access: AccessGranter | null;
      log: Logger;
      /** For steps a provider's notice makes without a time of its own (a renewal's new access). */
      now?: () => Date;
    },
  ) {}

  /**
   * Finds a course by the id on its card. Newer courses have short ids (the card shows all of it); older ones have
   * long ids, found by an unambiguous prefix of at least 6 characters.
   */
  async findCourse(communityId: string, ref: string): Promise<Course> {
    const wanted = ref.trim().replace(/^#/, '').toLowerCase();
    const exact = await this.deps.courses.get(wanted);
    if (exact && exact.communityId === communityId) return exact;
    if (wanted.length >= 6 && !isShortId(wanted)) {
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

  /** The course's settings (access, trial, points, archive), with defaults when none were set. */
  async settings(course: Course): Promise<CourseAccess> {
    return (
      (await this.deps.store.getAccess(course.id)) ?? {
        ...DEFAULT_ACCESS,
        courseId: course.id,
        communityId: course.communityId,
        periodDays: course.paymentModel === 'membership' ? 365 : 30,
      }
    );
  }

  async assertOnSale(course: Course): Promise<void> {
    if ((await this.deps.store.getAccess(course.id))?.archivedAt)
      throw new UserError('COURSE_ARCHIVED', 'commerce:errors.archived', { title: course.title });
  }

  async requestPurchase(
    community: Community,
    member: Member,
    course: Course,
    requestKey: string,
    at: Date,
    options: PurchaseOptions = {},
  ): Promise<PurchaseOutcome> {
    const owned = await this.activeEntitlement(member, course.id, at);
    if (owned && !owned.expiresAt)
      throw new UserError('ALREADY_OWNED', 'commerce:errors.alreadyOwned', { title: course.title });
    await this.assertOnSale(course);
    if (course.priceMinor === 0) {
      const entitlement = await this.#grant(community, member, course, { source: 'grant', orderId: null }, at);
      return { kind: 'granted', created: true, order: null, entitlement };
    }
    const waiting = (await this.deps.store.listOrders(community.id, { memberId: member.id, status: 'pending' })).find(
      (o) => o.courseId === course.id,
    );
    if (waiting) return { kind: 'order', created: false, order: waiting, entitlement: null };
    let discountMinor = 0;
    let couponId: string | null = null;
    if (options.coupon) {
      const coupon = await this.#coupon(community.id, options.coupon);
      discountMinor = couponDiscount(
        coupon,
        course,
        { memberId: member.id, hasPaidBefore: await this.deps.store.hasPaidOrder(community.id, member.id) },
        at,
      );
      couponId = coupon.id;
    }
    const id = randomUUID();
    const { order, created, conflict } = await this.deps.store.createOrder(
      {
        id,
        communityId: community.id,
        courseId: course.id,
        memberId: member.id,
        amountMinor: course.priceMinor - discountMinor,
        discountMinor,
        couponId,
        promotionId: options.promotionId ?? null,
        currency: course.currency,
        paymentModel: course.paymentModel,
        createdAt: at,
        requestKey,
      },
      [
        courseEvent(community, course, member.id, 'course.enrolled', at, {
          metadata: {
            orderId: id,
            intent: 'purchase',
            ...(options.promotionId ? { promotionId: options.promotionId } : {}),
          },
          dedupKey: `order:${id}:created`,
        }),
      ],
    );
    if (conflict) {
      this.deps.log.warn({ requestKey, order: order.id, course: course.id }, 'request key reused for another order');
      throw idempotencyKeyReused();
    }
    // A coupon that takes the whole price leaves nothing to pay: the order is paid at once.
    if (created && order.amountMinor === 0) {
      const paid = await this.#settle(community, order, course, 'paid', null, at);
      return { kind: 'order', created, order: paid.order, entitlement: paid.entitlement };
    }
    return { kind: 'order', created, order, entitlement: null };
  }

  /** A creator or moderator decides an order; a buyer may cancel their own order while it is unpaid. */
  async decide(
    community: Community,
    decider: Member,
    orderId: string,
    status: 'paid' | 'cancelled',
    at: Date,
  ): Promise<{ order: CourseOrder; entitlement: Entitlement | null; course: Course; buyer: Member | null }> {
    const order = await this.findOrder(community.id, orderId);
    const buyer = await this.deps.members.get(order.memberId);
    const course = await this.findCourse(community.id, order.courseId);
    const ownCancel = status === 'cancelled' && order.memberId === decider.id;
    if (!ownCancel) this.assertManages(decider, course);
    if (order.status !== 'pending') {
      throw new UserError('ORDER_DECIDED', 'commerce:errors.orderDecided', {
        id: short(order.id),
        status: order.status,
      });
    }
    const decided = await this.#settle(community, order, course, status, decider.id, at);
    return { ...decided, course, buyer };
  }

  /**
   * A payment provider saw the order paid: it becomes paid and the buyer gets access, once. Repeating it (a webhook
   * delivered twice) returns the order with `fulfilled: false`. A cancelled order is not revived: the caller refunds
   * or flags the payment (ORDER_NOT_PAYABLE).
   */
  async fulfilOrder(communityId: string, orderId: string, at: Date): Promise<Fulfilment> {
    const community = await this.#community(communityId);
    const order = await this.findOrder(communityId, orderId);
    if (order.status === 'paid') return { order, entitlement: await this.#entitlementOf(order), fulfilled: false };
    if (order.status !== 'pending')
      throw new UserError('ORDER_NOT_PAYABLE', 'commerce:errors.orderDecided', {
        id: short(order.id),
        status: order.status,
      });
    const course = await this.findCourse(communityId, order.courseId);
    const settled = await this.#settle(community, order, course, 'paid', null, at);
    if (settled.order.status !== 'paid')
      throw new UserError('ORDER_NOT_PAYABLE', 'commerce:errors.orderDecided', {
        id: short(order.id),
        status: settled.order.status,
      });
    return { order: settled.order, entitlement: settled.entitlement, fulfilled: settled.changed };
  }

  /** Cancels an unpaid order (a checkout that expired). Idempotent: an order already cancelled stays so. */
  async cancelOrder(communityId: string, orderId: string, at: Date): Promise<CourseOrder> {
    const community = await this.#community(communityId);
    const order = await this.findOrder(communityId, orderId);
    if (order.status !== 'pending') return order;
    const course = await this.findCourse(communityId, order.courseId);
    return (await this.#settle(community, order, course, 'cancelled', null, at)).order;
  }

  /**
   * A refund or a lost dispute, for callers that know the community (tests, moderators' tools): `revokePaid` under
   * the order's reference. Idempotent: `revoked: false` when it was refunded already.
   */
  async refundOrder(communityId: string, orderId: string, at: Date): Promise<{ order: CourseOrder; revoked: boolean }> {
    const order = await this.findOrder(communityId, orderId);
    const revoked = await this.revokePaid(order.id, 'refund', at);
    return { order: (await this.deps.store.getOrder(communityId, order.id)) ?? order, revoked };
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
    if (decided.entitlement && buyer) await this.#unlock(community, buyer, decided.entitlement, at);
    return { kind: 'fulfilled', entitlementId: decided.entitlement?.id ?? '' };
  }

  /** Sets how long a paid subscription's access lasts (renewal, grace period, end). False when nothing changed. */
  async setPaidUntil(orderId: string, until: Date): Promise<boolean> {
    const entitlement = await this.deps.store.entitlementForOrder(orderId);
    if (!entitlement || entitlement.revokedAt || entitlement.expiresAt?.getTime() === until.getTime()) return false;
    // Extended after the expiry job took the role back: give it again (the sweep does, should this stop short).
    const extended = until > (entitlement.expiresAt ?? until);
    await this.deps.store.setEntitlementExpiry(entitlement.id, until, { regrant: extended });
    const order = await this.deps.store.orderById(orderId);
    const member = order ? await this.deps.members.get(order.memberId) : null;
    const community = order ? await this.deps.communities.get(order.communityId) : null;
    if (member && community && extended)
      await this.#unlock(community, member, entitlement, this.deps.now?.() ?? new Date());
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

  /** Gives a course; granting what the member already holds returns that one entitlement with `created: false`. */
  async grant(
    community: Community,
    granter: Member,
    member: Member,
    course: Course,
    at: Date,
  ): Promise<{ entitlement: Entitlement; created: boolean }> {
    this.assertManages(granter, course);
    return this.#grantOnce(community, member, course, { source: 'grant', orderId: null }, at);
  }

  /** Starts the course's free trial for a member, once per member and course. */
  async startTrial(community: Community, member: Member, course: Course, at: Date): Promise<Entitlement> {
    await this.assertOnSale(course);
    const settings = await this.settings(course);
    if (settings.trialDays <= 0 || course.paymentModel === 'one_off')
      throw new UserError('NO_TRIAL', 'commerce:errors.noTrial', { title: course.title });
    if (await this.activeEntitlement(member, course.id, at))
      throw new UserError('ALREADY_OWNED', 'commerce:errors.alreadyOwned', { title: course.title });
    if (await this.deps.store.hadTrial(community.id, member.id, course.id))
      throw new UserError('TRIAL_USED', 'commerce:errors.trialUsed', { title: course.title });
    const { entitlement } = await this.deps.store.grant(
      {
        communityId: community.id,
        memberId: member.id,
        courseId: course.id,
        source: 'trial',
        orderId: null,
        startsAt: at,
        expiresAt: new Date(at.getTime() + settings.trialDays * DAY),
        createdAt: at,
      },
      [courseEvent(community, course, member.id, 'course.enrolled', at, { metadata: { intent: 'trial' } })],
    );
    await this.#unlock(community, member, entitlement, at);
    return entitlement;
  }

  /** Gives a course a level unlocked (once: a member who holds it keeps that one). */
  async grantForLevel(community: Community, member: Member, course: Course, level: number, at: Date) {
    const { entitlement, created } = await this.deps.store.grant(
      {
        communityId: community.id,
        memberId: member.id,
        courseId: course.id,
        source: 'level',
        orderId: null,
        startsAt: at,
        expiresAt: null,
        createdAt: at,
      },
      [courseEvent(community, course, member.id, 'course.enrolled', at, { metadata: { intent: 'level', level } })],
    );
    if (created) await this.#unlock(community, member, entitlement, at);
    return entitlement;
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

  accesses(communityId: string) {
    return this.deps.store.accesses(communityId);
  }

  async setAccess(course: Course, patch: Partial<Omit<CourseAccess, 'courseId' | 'communityId'>>) {
    const current = await this.settings(course);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    return this.deps.store.setAccess({ ...current, ...defined, courseId: course.id, communityId: course.communityId });
  }

  async findOrder(communityId: string, ref: string): Promise<CourseOrder> {
    const wanted = ref.trim().replace(/^#/, '');
    const exact = await this.deps.store.getOrder(communityId, wanted);
    if (exact) return exact;
    if (wanted.length >= 6) {
      const matches = (await this.deps.store.listOrders(communityId, {})).filter((o) => o.id.startsWith(wanted));
      if (matches.length === 1) return matches[0] as CourseOrder;
    }
    throw new UserError('ORDER_UNKNOWN', 'commerce:errors.orderUnknown', { ref: wanted });
  }

  async #settle(
    community: Community,
    order: CourseOrder,
    course: Course,
    status: 'paid' | 'cancelled',
    by: string | null,
    at: Date,
  ): Promise<{ order: CourseOrder; entitlement: Entitlement | null; changed: boolean }> {
    const entitlement =
      status === 'paid'
        ? await this.#entitlementFor(order.memberId, course, { source: 'purchase', orderId: order.id }, at)
        : undefined;
    const events =
      status === 'paid'
        ? [
            courseEvent(community, course, order.memberId, 'course.purchased', at, {
              metadata: {
                orderId: order.id,
                priceMinor: order.amountMinor,
                currency: order.currency,
                ...(order.promotionId ? { promotionId: order.promotionId } : {}),
              },
              dedupKey: `order:${order.id}:paid`,
            }),
          ]
        : [];
    // A buyer whose order someone else cancelled is told; cancelling your own order needs no message.
    const notices: NewNotice[] =
      status === 'cancelled' && by !== order.memberId
        ? [
            {
              communityId: community.id,
              memberId: order.memberId,
              kind: 'cancelled',
              key: `cancelled:${order.id}`,
              params: { title: course.title, ref: short(order.id) },
              dueAt: at,
            },
          ]
        : [];
    const decided = await this.deps.store.decideOrder(order.id, { status, by, at, entitlement }, events, notices);
    if (!decided) {
      const now = (await this.deps.store.getOrder(community.id, order.id)) ?? order;
      if (by !== null)
        throw new UserError('ORDER_DECIDED', 'commerce:errors.orderDecided', {
          id: short(order.id),
          status: now.status,
        });
      return { order: now, entitlement: await this.#entitlementOf(now), changed: false };
    }
    if (decided.entitlement) {
      const buyer = await this.deps.members.get(order.memberId);
      if (buyer) await this.#unlock(community, buyer, decided.entitlement, at);
    }
    return { order: decided.order, entitlement: decided.entitlement, changed: true };
  }

  async #entitlementOf(order: CourseOrder): Promise<Entitlement | null> {
    const all = await this.deps.store.entitlements(order.communityId, order.memberId);
    return all.find((e) => e.orderId === order.id) ?? null;
  }

  async #coupon(communityId: string, raw: string) {
    const code = normalizeCode(raw);
    const coupon = code && this.deps.coupons ? await this.deps.coupons.byCode(communityId, code) : null;
    if (!coupon) throw new UserError('COUPON_UNKNOWN', 'commerce:errors.couponUnknown', { code: raw.trim() });
    return coupon;
  }

  async #community(id: string): Promise<Community> {
    const community = await this.deps.communities.get(id);
    if (!community) throw new UserError('COMMUNITY_UNKNOWN', 'commerce:errors.orderUnknown', { ref: id });
    return community;
  }

  async #grant(
    community: Community,
    member: Member,
    course: Course,
    origin: Pick<NewEntitlement, 'source' | 'orderId'>,
    at: Date,
  ): Promise<Entitlement> {
    return (await this.#grantOnce(community, member, course, origin, at)).entitlement;
  }

  async #grantOnce(
    community: Community,
    member: Member,
    course: Course,
    origin: Pick<NewEntitlement, 'source' | 'orderId'>,
    at: Date,
  ): Promise<{ entitlement: Entitlement; created: boolean }> {
    // Free courses a member takes themselves, and courses given by their creator or a moderator: an enrolment.
    const intent = course.priceMinor === 0 ? 'free' : 'gift';
    const outcome = await this.deps.store.grant(await this.#entitlementFor(member.id, course, origin, at), [
      courseEvent(community, course, member.id, 'course.enrolled', at, { metadata: { intent } }),
    ]);
    if (outcome.created) await this.#unlock(community, member, outcome.entitlement, at);
    return outcome;
  }

  async #entitlementFor(
    memberId: string,
    course: Course,
    origin: Pick<NewEntitlement, 'source' | 'orderId'>,
    at: Date,
  ): Promise<NewEntitlement> {
    let expiresAt: Date | null = null;
    if (course.paymentModel !== 'one_off' && course.priceMinor > 0) {
      const period = (await this.settings(course)).periodDays;
      const current = (await this.deps.store.entitlements(course.communityId, memberId))
        .filter((e) => e.courseId === course.id && isActive(e, at) && e.source !== 'trial')
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

  /**
   * Gives the entitlement's role/channel on the platform, after its commit, and records that it did. A crash or a
   * platform failure in between leaves the record empty: `applyPendingAccess` gives it on its next run.
   */
  async #unlock(community: Community, member: Member, entitlement: Entitlement, at: Date): Promise<boolean> {
    const courseId = entitlement.courseId;
    const access = await this.deps.store.getAccess(courseId);
    const unlocks = Boolean(access && (access.unlockRoleId || access.unlockChannelId));
    // Without a platform (the console sandbox) there is nothing to give: recorded as done, like a course unlocking nothing.
    if (unlocks && access && this.deps.access) {
      try {
        await this.deps.access.grant(accessTarget(community, member, access));
      } catch (error) {
        // The entitlement stands; the sweep gives the role again. Moderators see the failure in the logs.
        this.deps.log.error({ err: error, courseId, member: member.id }, 'unlocking course access failed');
        return false;
      }
    }
    await this.deps.store.markAccessGranted(entitlement.id, at);
    return unlocks;
  }

  /**
   * Gives the access of live entitlements whose unlock never completed (a crash after the commit, a platform
   * error), oldest first; entitlements younger than `graceMs` are left to the command giving them now, and one the
   * platform has refused for `RETRY_DAYS` is left to moderators (each failure is logged). Returns how many roles or
   * channels it gave.
   */
  async applyPendingAccess(at: Date, graceMs = 2 * 60_000): Promise<number> {
    let given = 0;
    const window = { from: new Date(at.getTime() - RETRY_DAYS * DAY), until: new Date(at.getTime() - graceMs) };
    for (const entitlement of await this.deps.store.awaitingAccess(at, window, 200)) {
      const member = await this.deps.members.get(entitlement.memberId);
      const community = await this.deps.communities.get(entitlement.communityId);
      if (!member || !community) {
        await this.deps.store.markAccessGranted(entitlement.id, at); // erased member or community: nothing to give
        continue;
      }
      if (await this.#unlock(community, member, entitlement, at)) given++;
    }
    return given;
  }

  /**
   * Reminds members `daysAhead` days before a subscription or membership ends (a trial too), once per entitlement. The
   * reminder is skipped when a later period already covers them.
   */
  async queueRenewalReminders(at: Date, daysAhead = 3): Promise<number> {
    const soon = await this.deps.store.endingBetween(at, new Date(at.getTime() + daysAhead * DAY), 500);
    const owed: NewNotice[] = [];
    for (const e of soon) {
      const later = (await this.deps.store.entitlements(e.communityId, e.memberId)).some(
        (o) =>
          o.courseId === e.courseId &&
          o.id !== e.id &&
          !o.revokedAt &&
          (!o.expiresAt || (e.expiresAt && o.expiresAt > e.expiresAt)),
      );
      const course = await this.deps.courses.get(e.courseId);
      if (later || !course || !e.expiresAt) continue;
      owed.push({
        communityId: e.communityId,
        memberId: e.memberId,
        kind: 'renewal',
        // A provider's renewal extends the same entitlement: each period's end has its own reminder.
        key: `renewal:${e.id}:${e.expiresAt.getTime()}`,
        params: {
          title: course.title,
          courseId: course.id,
          endsAt: e.expiresAt.toISOString(),
          trial: e.source === 'trial' ? 1 : 0,
        },
        dueAt: at,
      });
    }
    return owed.length && this.deps.notices ? this.deps.notices.add(owed) : 0;
  }

  /**
   * Takes back the role/channel of subscriptions, memberships and trials that have ended (run periodically) and
   * tells the member, once. A member who renewed keeps access: another active entitlement for the course means
   * nothing is revoked and nothing is said.
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
          await this.deps.access.revoke(accessTarget(community, member, access));
          revoked++;
        } catch (error) {
          // Left unmarked, so the next run tries again.
          this.deps.log.error({ err: error, entitlement: ended.id }, 'revoking ended course access failed');
          continue;
        }
      }
      const course = await this.deps.courses.get(ended.courseId);
      const notices: NewNotice[] =
        member && !stillOwned && course && !ended.revokedAt
          ? [
              {
                communityId: ended.communityId,
                memberId: ended.memberId,
                kind: 'ended',
                key: `ended:${ended.id}:${ended.expiresAt?.getTime() ?? 0}`,
                params: { title: course.title, courseId: course.id, trial: ended.source === 'trial' ? 1 : 0 },
                dueAt: at,
              },
            ]
          : [];
      await this.deps.store.markAccessEnded(ended.id, at, notices);
    }
    return revoked;
  }
}

/** Where a course's role or channel is given or taken back: the member, in the community's space. */
const accessTarget = (community: Community, member: Member, access: CourseAccess): AccessTarget => ({
  platform: community.platform,
  spaceId: community.platformId,
  platformUserId: member.platformUserId,
  roleId: access.unlockRoleId,
  channelId: access.unlockChannelId,
});

/** The short reference shown to people for orders: enough of the id to be unambiguous in practice. */
export const short = (id: string) => id.slice(0, 8);

/** The id shown on a course's card: all of a short id, or all of an older long one (which always works too). */
export const courseRef = (id: string) => id;

const byExpiryDesc = (a: Entitlement, b: Entitlement) =>
  (b.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) - (a.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY);

/** An event about a course, acted by `actorId` and aimed at the course's creator (the graph's edge). */
export function courseEvent(
  community: Community,
  course: Course,
  actorId: string,
  verb: 'course.enrolled' | 'course.purchased' | 'course.viewed',
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
