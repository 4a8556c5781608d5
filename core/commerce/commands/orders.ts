import { formatPrice } from '../../domain/money.ts';
import { hasPermission } from '../../domain/types.ts';
import { UserError } from '../../errors.ts';
import { option } from '../../framework/options.ts';
import { isPastEnd, pageButtons, pageFooter, pageOfList, pageOption, pageRequest } from '../../framework/paging.ts';
import { short } from '../commerce-service.ts';
import { formatDate } from '../course-card.ts';
import { ORDER_STATUSES } from '../types.ts';
import { orderButtons } from './buy.ts';
import { defineCommerceCommand } from './shared.ts';

const orderRef = option.string({
  description: { en: 'Order #id', 'zh-CN': '订单 #编号' },
  required: true,
  maxLength: 40,
});

/**
 * `/orders`: a member's own orders (status, receipt, cancel while unpaid). Creators and moderators see the orders
 * for their courses (moderators: all) to confirm; `mine:true` shows their own purchases instead.
 */
export const ordersCommand = defineCommerceCommand({
  name: 'orders',
  description: {
    en: 'Your orders; creators: orders for your courses (mine:true for your own)',
    'zh-CN': '你的订单；讲师：你课程的订单（mine:true 查看自己的）',
  },
  permission: 'member',
  options: {
    status: option.choice({
      description: { en: 'pending, paid, cancelled or refunded', 'zh-CN': 'pending、paid、cancelled 或 refunded' },
      choices: ORDER_STATUSES,
    }),
    mine: option.boolean({ description: { en: 'Your own purchases', 'zh-CN': '只看自己的购买' } }),
    page: pageOption,
  },
  async handler({ input, member, community, services, t, locale }) {
    const { commerce } = services;
    const seller = hasPermission(member.role, 'creator') && !input.mine;
    if (!seller) {
      const all = await commerce.listOrders(community.id, { memberId: member.id, status: input.status });
      if (all.length === 0) return { text: t('commerce:myOrdersEmpty'), ephemeral: true };
      const page = pageOfList(all, pageRequest(input.page, 10));
      if (isPastEnd(page)) return { text: t('common:paging.pastEnd', { page: page.page }), ephemeral: true };
      const again = `/orders${input.status ? ` ${input.status}` : ''}${input.mine ? ' mine:true' : ''}`;
      return {
        title: t('commerce:myOrdersTitle'),
        items: await Promise.all(
          page.items.map(async (o) => ({
            title: (await services.courses.get(o.courseId))?.title ?? o.courseId,
            description: t('commerce:myOrderLine', {
              ref: short(o.id),
              price: formatPrice(o.amountMinor, o.currency, locale),
              status: t(`commerce:status.${o.status}`),
            }),
            meta: formatDate(o.createdAt, locale, community.timezone),
          })),
        ),
        buttons: [...page.items.flatMap((o) => orderButtons(o, t)).slice(0, 5), ...pageButtons(page, again, t)],
        ...(pageFooter(page, t) ? { footer: pageFooter(page, t) as string } : {}),
        ephemeral: true,
      };
    }
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

export const orderConfirmCommand = defineCommerceCommand({
  name: 'order confirm',
  description: { en: 'Confirm an order is paid and give access', 'zh-CN': '确认订单已付款并开通权限' },
  permission: 'creator',
  options: { order: orderRef },
  async handler({ input, member, community, services, t, locale, clock }) {
    const { order, entitlement, course, buyer } = await services.commerce.decide(
      community,
      member,
      input.order,
      'paid',
      clock.now(),
    );
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

/** Buyers cancel their own unpaid orders; the course's creator or a moderator may cancel any pending order. */
export const orderCancelCommand = defineCommerceCommand({
  name: 'order cancel',
  description: { en: 'Cancel an unpaid order', 'zh-CN': '取消未付款订单' },
  permission: 'member',
  options: { order: orderRef },
  async handler({ input, member, community, services, t, clock }) {
    const { order } = await services.commerce.decide(community, member, input.order, 'cancelled', clock.now());
    return { text: t('commerce:cancelled', { ref: short(order.id) }), tone: 'success', ephemeral: true };
  },
});

export const orderReceiptCommand = defineCommerceCommand({
  name: 'order receipt',
  description: { en: 'The receipt of a paid order', 'zh-CN': '已付款订单的收据' },
  permission: 'member',
  options: { order: orderRef },
  async handler({ input, member, community, services, t, locale }) {
    const { commerce } = services;
    const order = await commerce.findOrder(community.id, input.order);
    const course = await commerce.findCourse(community.id, order.courseId);
    if (order.memberId !== member.id) {
      // Not the buyer: only the course's creator or a moderator may read it.
      try {
        commerce.assertManages(member, course);
      } catch {
        throw new UserError('NOT_BUYER', 'commerce:errors.notBuyer');
      }
    }
    if (order.status !== 'paid' && order.status !== 'refunded')
      throw new UserError('RECEIPT_UNPAID', 'commerce:errors.receiptUnpaid', {
        ref: short(order.id),
        status: t(`commerce:status.${order.status}`),
      });
    const money = (minor: number) => formatPrice(minor, order.currency, locale);
    const buyer = await services.members.get(order.memberId);
    const date = (d: Date) =>
      new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: community.timezone }).format(
        d,
      );
    return {
      title: t('commerce:orderReceiptTitle', { ref: short(order.id) }),
      fields: [
        { name: t('commerce:receipt.course'), value: course.title },
        { name: t('commerce:receipt.buyer'), value: buyer?.displayName ?? '—', inline: true },
        { name: t('commerce:receipt.price'), value: money(order.amountMinor + order.discountMinor), inline: true },
        ...(order.discountMinor > 0
          ? [{ name: t('commerce:receipt.discount'), value: `−${money(order.discountMinor)}`, inline: true }]
          : []),
        { name: t('commerce:receipt.paid'), value: money(order.amountMinor), inline: true },
        { name: t('commerce:receipt.status'), value: t(`commerce:status.${order.status}`), inline: true },
        { name: t('commerce:receipt.date'), value: date(order.createdAt), inline: true },
        ...(order.decidedAt
          ? [{ name: t('commerce:receipt.decided'), value: date(order.decidedAt), inline: true }]
          : []),
      ],
      footer: `${community.name} · ${order.id}`,
      ephemeral: true,
    };
  },
});
