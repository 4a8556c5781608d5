import { randomUUID } from 'node:crypto';
import { formatPrice } from '../../domain/money.ts';
import { option } from '../../framework/options.ts';
import { short } from '../commerce-service.ts';
import { formatDate } from '../course-card.ts';
import { defineCommerceCommand } from './shared.ts';

export const buyCommand = defineCommerceCommand({
  name: 'buy',
  description: { en: 'Buy, subscribe to or join a course', 'zh-CN': '购买、订阅或加入课程' },
  permission: 'member',
  options: {
    course: option.string({ description: { en: 'Course #id', 'zh-CN': '课程 #编号' }, required: true, maxLength: 40 }),
  },
  async handler({ input, member, community, services, t, locale, clock, interactionId }) {
    const { commerce } = services;
    const course = await commerce.findCourse(community.id, input.course);
    // The platform's interaction id makes a retried delivery land on the same order.
    const outcome = await commerce.requestPurchase(
      community,
      member,
      course,
      interactionId ?? randomUUID(),
      clock.now(),
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
        ephemeral: true,
      };
    }
    return {
      text: t('commerce:orderCreated', {
        ref: short(order.id),
        title: course.title,
        price: formatPrice(order.amountMinor, order.currency, locale),
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
    const entitlements = await commerce.entitlements(member);
    if (entitlements.length === 0) return { text: t('commerce:mineEmpty') };
    const now = clock.now();
    const items = [];
    for (const e of entitlements) {
      // Refunded or disputed purchases are no longer the member's.
      if (e.revokedAt) continue;
      const course = await services.courses.get(e.courseId);
      if (!course) continue;
      const date = e.expiresAt ? formatDate(e.expiresAt, locale, community.timezone) : '';
      const status = !e.expiresAt
        ? t('commerce:forever')
        : e.expiresAt > now
          ? t('commerce:expires', { date })
          : t('commerce:expired', { date });
      items.push({ title: course.title, meta: `#${short(course.id)} · ${status}` });
    }
    return { title: t('commerce:mineTitle'), items, ephemeral: true };
  },
});
