import { formatPrice } from '../../domain/money.ts';
import { hasPermission } from '../../domain/types.ts';
import { option } from '../../framework/options.ts';
import { isPastEnd, pageButtons, pageFooter, pageOfList, pageOption, pageRequest } from '../../framework/paging.ts';
import { short } from '../commerce-service.ts';
import { formatDate } from '../course-card.ts';
import { defineCommerceCommand } from './shared.ts';

const orderRef = option.string({
  description: { en: 'Order #id', 'zh-CN': '订单 #编号' },
  required: true,
  maxLength: 40,
});

export const ordersCommand = defineCommerceCommand({
  name: 'orders',
  description: { en: 'Orders for your courses (moderators: all)', 'zh-CN': '你课程的订单（版主可见全部）' },
  permission: 'creator',
  options: {
    status: option.choice({
      description: { en: 'pending, paid or cancelled', 'zh-CN': 'pending、paid 或 cancelled' },
      choices: ['pending', 'paid', 'cancelled'] as const,
    }),
    page: pageOption,
  },
  async handler({ input, member, community, services, t, locale }) {
    const { commerce } = services;
    const mine = hasPermission(member.role, 'moderator')
      ? undefined
      : (await services.courses.list(community.id)).filter((c) => c.creatorId === member.id).map((c) => c.id);
    const status = input.status ?? 'pending';
    const orders = await commerce.listOrders(community.id, { status, courseIds: mine });
    if (orders.length === 0) return { text: t('commerce:ordersEmpty'), ephemeral: true };
    const page = pageOfList(orders, pageRequest(input.page, 20));
    if (isPastEnd(page)) return { text: t('common:paging.pastEnd', { page: page.page }), ephemeral: true };
    const shown = page.items;
    const buyers = new Map((await services.members.getMany(shown.map((o) => o.memberId))).map((m) => [m.id, m]));
    return {
      title: t('commerce:ordersTitle'),
      items: await Promise.all(
        shown.map(async (o) => ({
          title: (await services.courses.get(o.courseId))?.title ?? o.courseId,
          description: t('commerce:orderLine', {
            ref: short(o.id),
            member: buyers.get(o.memberId)?.displayName ?? '?',
            price: formatPrice(o.amountMinor, o.currency, locale),
            status: t(`commerce:status.${o.status}`),
          }),
          meta: formatDate(o.createdAt, locale, community.timezone),
        })),
      ),
      buttons: [
        ...shown
          .filter((o) => o.status === 'pending')
          .slice(0, 4)
          .map((o) => ({ label: `✔ #${short(o.id)}`, action: `/order confirm ${o.id}`, style: 'primary' as const })),
        ...pageButtons(page, `/orders ${status}`, t),
      ],
      ...(pageFooter(page, t) ? { footer: pageFooter(page, t) as string } : {}),
      ephemeral: true,
    };
  },
});

function decisionCommand(status: 'paid' | 'cancelled') {
  return defineCommerceCommand({
    name: status === 'paid' ? 'order confirm' : 'order cancel',
    description:
      status === 'paid'
        ? { en: 'Confirm an order is paid and give access', 'zh-CN': '确认订单已付款并开通权限' }
        : { en: 'Cancel a pending order', 'zh-CN': '取消待付款订单' },
    permission: 'creator',
    options: { order: orderRef },
    async handler({ input, member, community, services, t, locale, clock }) {
      const { commerce } = services;
      const { order, entitlement, course, buyer } = await commerce.decide(
        community,
        member,
        input.order,
        status,
        clock.now(),
      );
      if (status === 'cancelled') return { text: t('commerce:cancelled', { ref: short(order.id) }), tone: 'success' };
      const until = entitlement?.expiresAt
        ? t('commerce:card.until', { date: formatDate(entitlement.expiresAt, locale, community.timezone) })
        : '';
      return {
        text: t('commerce:confirmed', {
          ref: short(order.id),
          member: buyer?.displayName ?? '?',
          title: course.title,
          until,
        }),
        tone: 'success',
      };
    },
  });
}

export const orderConfirmCommand = decisionCommand('paid');
export const orderCancelCommand = decisionCommand('cancelled');
