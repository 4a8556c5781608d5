import { randomUUID } from 'node:crypto';
import { formatPrice } from '../../domain/money.ts';
import { option } from '../../framework/options.ts';
import { courseRef, short } from '../commerce-service.ts';
import { formatDate } from '../course-card.ts';
import type { Entitlement } from '../types.ts';
import { fromOption, validPromotion } from './course-show.ts';
import { courseRefDescription, defineCommerceCommand } from './shared.ts';

const courseOption = option.string({ description: courseRefDescription, required: true, maxLength: 40 });

export const buyCommand = defineCommerceCommand({
  name: 'buy',
  description: { en: 'Buy, subscribe to or join a course', 'zh-CN': '购买、订阅或加入课程' },
  permission: 'member',
  options: {
    course: courseOption,
    coupon: option.string({ description: { en: 'Coupon code', 'zh-CN': '优惠码' }, maxLength: 32 }),
    from: fromOption,
  },
  async handler({ input, member, community, services, t, locale, clock, interactionId, record }) {
    const { commerce } = services;
    const course = await commerce.findCourse(community.id, input.course);
    const promotionId = input.from ? await validPromotion(services, community.id, input.from, course.id) : null;
    // A press on a promotion card's Buy button is a click on that card too.
    if (promotionId)
      await record({
        verb: 'course.viewed',
        objectType: 'course',
        objectId: course.id,
        targetMemberId: course.creatorId,
        metadata: { via: 'promotion', promotionId, button: 'buy' },
      });
    // The platform's interaction id makes a retried delivery land on the same order.
    const outcome = await commerce.requestPurchase(
      community,
      member,
      course,
      interactionId ?? randomUUID(),
      clock.now(),
      { coupon: input.coupon ?? null, promotionId },
    );
    if (outcome.kind === 'granted')
      return { text: t('commerce:grantedFree', { title: course.title }), tone: 'success' };
    const order = outcome.order!;
    if (!outcome.created) {
      return {
        text: t('commerce:orderExisting', {
          title: course.title,
          ref: short(order.id),
          status: t(`commerce:status.${order.status}`),
        }),
        buttons: orderButtons(order, t),
        ephemeral: true,
      };
    }
    if (order.status === 'paid')
      return {
        text: t('commerce:freeWithCoupon', { code: input.coupon?.toUpperCase(), title: course.title }),
        tone: 'success',
      };
    const discount =
      order.discountMinor > 0
        ? `\n${t('commerce:couponApplied', { code: input.coupon?.toUpperCase(), discount: formatPrice(order.discountMinor, order.currency, locale) })}`
        : '';
    return {
      text:
        t('commerce:orderCreated', {
          ref: short(order.id),
          title: course.title,
          price: formatPrice(order.amountMinor, order.currency, locale),
        }) + discount,
      // Where a payment provider is configured, /pay opens its checkout; otherwise it explains manual payment.
      buttons: [
        { label: t('commerce:payOnline'), action: `/pay ${order.id}`, style: 'primary' },
        ...orderButtons(order, t),
      ],
      tone: 'success',
      ephemeral: true,
    };
  },
});

/** What a buyer can do with an order: cancel it while unpaid, read its receipt once settled. */
export function orderButtons(
  order: { id: string; status: string },
  t: (k: string, p?: Record<string, unknown>) => string,
) {
  const ref = short(order.id);
  if (order.status === 'pending')
    return [
      { label: t('commerce:cancelButton', { ref }), action: `/order cancel ${order.id}`, style: 'danger' as const },
    ];
  if (order.status === 'paid' || order.status === 'refunded')
    return [{ label: t('commerce:receiptButton', { ref }), action: `/order receipt ${order.id}` }];
  return [];
}

export const trialCommand = defineCommerceCommand({
  name: 'trial',
  description: { en: 'Start a course’s free trial', 'zh-CN': '开始课程的免费试用' },
  permission: 'member',
  options: { course: courseOption },
  async handler({ input, member, community, services, t, locale, clock }) {
    const course = await services.commerce.findCourse(community.id, input.course);
    const trial = await services.commerce.startTrial(community, member, course, clock.now());
    return {
      text: t('commerce:trialStarted', {
        title: course.title,
        date: formatDate(trial.expiresAt!, locale, community.timezone),
      }),
      tone: 'success',
      ephemeral: true,
    };
  },
});

export const myCoursesCommand = defineCommerceCommand({
  name: 'mycourses',
  description: { en: 'The courses you own and until when', 'zh-CN': '你拥有的课程及有效期' },
  permission: 'member',
  options: {},
  async handler({ member, community, services, t, locale, clock }) {
    const { commerce } = services;
    const now = clock.now();
    // One line per course: the entitlement that lasts longest (a renewal, a grant on top of a purchase) speaks.
    const best = new Map<string, Entitlement>();
    for (const e of await commerce.entitlements(member)) {
      // Refunded or disputed purchases are no longer the member's.
      if (e.revokedAt) continue;
      const held = best.get(e.courseId);
      if (!held || lastsLonger(e, held)) best.set(e.courseId, e);
    }
    if (best.size === 0) return { text: t('commerce:mineEmpty') };
    const items = [];
    for (const e of best.values()) {
      const course = await services.courses.get(e.courseId);
      if (!course) continue;
      const date = e.expiresAt ? formatDate(e.expiresAt, locale, community.timezone) : '';
      const status = !e.expiresAt
        ? t('commerce:forever')
        : e.expiresAt > now
          ? t('commerce:expires', { date })
          : t('commerce:expired', { date });
      items.push({ title: course.title, meta: `#${courseRef(course.id)} · ${status}` });
    }
    return { title: t('commerce:mineTitle'), items, ephemeral: true };
  },
});

const lastsLonger = (a: Entitlement, b: Entitlement) =>
  (a.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) > (b.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY);

export const redeemCommand = defineCommerceCommand({
  name: 'redeem',
  description: { en: 'Turn points into a coupon for a course', 'zh-CN': '用积分兑换课程优惠码' },
  permission: 'member',
  options: {
    course: courseOption,
    points: option.integer({
      description: { en: 'Points to spend (default: as many as help)', 'zh-CN': '使用的积分（默认尽量多用）' },
      min: 1,
    }),
  },
  async handler({ input, member, community, services, t, locale, clock, interactionId }) {
    const course = await services.commerce.findCourse(community.id, input.course);
    const { coupon, created } = await services.redemption.redeem(
      community,
      member,
      course,
      interactionId ?? randomUUID(),
      clock.now(),
      input.points,
    );
    const discount = formatPrice(coupon.value, coupon.currency ?? course.currency, locale);
    const text = created
      ? t('commerce:redeemed', {
          points: coupon.pointsSpent,
          code: coupon.code,
          discount,
          title: course.title,
          date: formatDate(coupon.expiresAt!, locale, community.timezone),
          course: courseRef(course.id),
        })
      : t('commerce:redeemedAgain', { code: coupon.code, discount, title: course.title });
    return {
      text,
      tone: 'success',
      ephemeral: true,
      buttons: [
        {
          label: t('commerce:redeemButton'),
          action: `/buy ${courseRef(course.id)} coupon:${coupon.code}`,
          style: 'primary',
        },
      ],
    };
  },
});
