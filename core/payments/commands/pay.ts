import { formatPrice } from '../../domain/money.ts';
import type { ReplyButton } from '../../domain/reply.ts';
import { option } from '../../framework/options.ts';
import { definePaymentsCommand, shortRef } from './shared.ts';

export const payCommand = definePaymentsCommand({
  name: 'pay',
  description: { en: 'Pay an order online (card or Stars)', 'zh-CN': '在线支付订单（银行卡或星）' },
  permission: 'member',
  slow: true,
  options: {
    order: option.string({ description: { en: 'Order #id', 'zh-CN': '订单 #编号' }, required: true, maxLength: 40 }),
  },
  async handler({ input, member, community, services, t, locale, log }) {
    const { payments } = services;
    const wanted = input.order.trim().replace(/^#/, '');
    const order = (await payments.pendingOrders(community.id, member.id)).find(
      (o) => o.id === wanted || (wanted.length >= 6 && o.id.startsWith(wanted)),
    );
    if (!order)
      return { text: t('payments:payNoOrder', { ref: wanted.slice(0, 12) }), tone: 'warning', ephemeral: true };
    const gateways = payments.gateways().filter((g) => g.supports(community.platform, order.currency));
    const price = formatPrice(order.amountMinor, order.currency, locale);
    // Discord premium apps: Discord's own purchase button for the course's SKU.
    const sku = community.platform === 'discord' ? await payments.premiumSkuFor(order.courseId) : null;
    const premium: ReplyButton[] = sku ? [{ label: t('payments:payWith.discord'), premiumSku: sku }] : [];
    if (gateways.length === 0 && premium.length === 0)
      return { text: t('payments:payNone', { currency: order.currency, ref: shortRef(order.id) }), ephemeral: true };
    const buttons: ReplyButton[] = [...premium];
    for (const gateway of gateways) {
      try {
        const { url } = await gateway.checkout({
          orderId: order.id,
          communityId: community.id,
          memberId: member.id,
          platform: community.platform,
          platformUserId: member.platformUserId,
          title: order.courseTitle,
          description: t('payments:payHint', { ref: shortRef(order.id) }),
          amountMinor: order.amountMinor,
          currency: order.currency,
          renewEveryDays: order.renewEveryDays,
          locale,
          // Per order and language: Stripe refuses a key reused with other parameters.
          idempotencyKey: `checkout:${order.id}:${locale}`,
        });
        buttons.push({
          label: t(`payments:payWith.${gateway.provider}`, { stars: order.amountMinor }),
          url,
          style: 'primary',
        });
      } catch (error) {
        log.error({ err: error, provider: gateway.provider, order: order.id }, 'checkout could not be created');
      }
    }
    if (buttons.length === 0) return { text: t('payments:payUnavailable'), tone: 'error', ephemeral: true };
    return {
      title: t('payments:payTitle', { title: order.courseTitle, price }),
      text: t('payments:payHint', { ref: shortRef(order.id) }),
      buttons,
      ephemeral: true,
    };
  },
});

export const billingCommand = definePaymentsCommand({
  name: 'billing',
  description: { en: 'Manage your subscription (card, cancel, invoices)', 'zh-CN': '管理订阅（银行卡、取消、发票）' },
  permission: 'member',
  slow: true,
  options: {},
  async handler({ member, services, t, locale }) {
    const link = await services.payments.portalLink(member.id, locale);
    if (!link) return { text: t('payments:billingNone'), ephemeral: true };
    return {
      text: t('payments:billingLink'),
      buttons: [{ label: t('payments:billingButton'), url: link.url, style: 'primary' }],
      ephemeral: true,
    };
  },
});
