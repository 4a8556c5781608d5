import { formatPrice, isCurrency, parsePrice, STARS } from '../../domain/money.ts';
import { hasPermission } from '../../domain/types.ts';
import { UserError } from '../../errors.ts';
import { option } from '../../framework/options.ts';
import { definePaymentsCommand } from './shared.ts';

const signed = (minor: number, currency: string, locale: 'en' | 'zh-CN') =>
  `${minor < 0 ? '−' : '+'}${formatPrice(Math.abs(minor), currency, locale)}`;

export const ledgerCommand = definePaymentsCommand({
  name: 'payments ledger',
  description: {
    en: 'Your money ledger: balance, payments, fees, refunds',
    'zh-CN': '你的资金账本：余额、收款、服务费、退款',
  },
  permission: 'creator',
  options: {
    creator: option.member({ description: { en: 'Whose ledger (moderators)', 'zh-CN': '查看谁的账本（版主）' } }),
  },
  async handler({ input, member, community, services, t, locale }) {
    const whose = input.creator && hasPermission(member.role, 'moderator') ? input.creator : member;
    const { balances, entries } = await services.payments.ledger(community.id, whose.id);
    const fee = `${(services.payments.settings.operatorFeeBps / 100).toFixed(2).replace(/\.?0+$/, '')}%`;
    if (entries.length === 0)
      return {
        title: t('payments:ledgerTitle', { who: whose.displayName }),
        text: t('payments:ledgerEmpty'),
        footer: t('payments:ledgerFee', { fee }),
        ephemeral: true,
      };
    return {
      title: t('payments:ledgerTitle', { who: whose.displayName }),
      fields: balances.map((b) => ({
        name: t('payments:ledgerBalance', { currency: b.currency }),
        value: formatPrice(b.amountMinor, b.currency, locale),
        inline: true,
      })),
      items: entries.slice(0, 15).map((e) => ({
        title: t('payments:ledgerLine', {
          kind: t(`payments:kinds.${e.kind}`),
          amount: signed(e.amountMinor, e.currency, locale),
          provider: t(`payments:providers.${e.provider}`),
        }),
        meta: e.occurredAt.toISOString().slice(0, 16).replace('T', ' '),
      })),
      footer: t('payments:ledgerFee', { fee }),
      ephemeral: true,
    };
  },
});

export const payoutCommand = definePaymentsCommand({
  name: 'payments payout',
  description: { en: 'Book a payout sent to a creator', 'zh-CN': '记录已支付给创作者的结算款' },
  permission: 'moderator',
  options: {
    creator: option.member({ description: { en: 'Who was paid', 'zh-CN': '收款创作者' }, required: true }),
    amount: option.string({
      description: { en: 'Amount, e.g. 120.50', 'zh-CN': '金额，例如 120.50' },
      required: true,
      maxLength: 20,
    }),
    currency: option.string({
      description: { en: 'ISO 4217 code, e.g. USD', 'zh-CN': 'ISO 4217 代码，例如 CNY' },
      required: true,
      maxLength: 3,
    }),
  },
  async handler({ input, community, services, t, locale, clock, interactionId }) {
    const currency = input.currency.toUpperCase();
    if (currency !== STARS && !isCurrency(currency))
      throw new UserError('CURRENCY_INVALID', 'payments:errors.currencyInvalid', { currency: input.currency });
    const minor = parsePrice(input.amount, currency);
    if (minor === null || minor <= 0) throw new UserError('PAYOUT_INVALID', 'payments:errors.payoutInvalid');
    const at = clock.now();
    await services.payments.payout(
      community.id,
      input.creator.id,
      minor,
      currency,
      interactionId ?? `${input.creator.id}:${at.getTime()}`,
      at,
    );
    return {
      text: t('payments:payoutDone', {
        amount: formatPrice(minor, currency, locale),
        creator: input.creator.displayName,
      }),
      tone: 'success',
    };
  },
});

export const reconcileCommand = definePaymentsCommand({
  name: 'payments reconcile',
  description: { en: 'Compare the providers’ records with ours now', 'zh-CN': '立即核对支付服务与本地记录' },
  permission: 'moderator',
  slow: true,
  options: {},
  async handler({ community, services, t, clock }) {
    const { payments } = services;
    if (payments.gateways().length === 0) return { text: t('payments:reconcileNone'), ephemeral: true };
    const reports = await payments.reconcile(new Date(clock.now().getTime() - payments.reconcileWindowMs));
    const open = await payments.discrepancies(community.id, 'open');
    return {
      title: t('payments:reconcileTitle'),
      text: reports
        .map((r) =>
          t('payments:reconcileLine', {
            provider: r.provider,
            checked: r.checked,
            healed: r.healed.length,
            open: r.open.length,
          }),
        )
        .join('\n'),
      items: open.slice(0, 10).map((d) => ({
        title: t('payments:reconcileOpen', {
          provider: d.provider,
          ref: d.providerRef,
          kind: d.kind,
          detail: d.detail,
        }),
      })),
      tone: open.length > 0 ? 'warning' : 'success',
      ephemeral: true,
    };
  },
});

export const premiumSkuCommand = definePaymentsCommand({
  name: 'payments sku',
  description: { en: 'Sell a course through a Discord premium SKU', 'zh-CN': '通过 Discord 高级 SKU 出售课程' },
  permission: 'moderator',
  options: {
    course: option.string({ description: { en: 'Course #id', 'zh-CN': '课程 #编号' }, required: true, maxLength: 40 }),
    sku: option.string({
      description: { en: 'SKU id (Developer Portal)', 'zh-CN': 'SKU 编号（开发者门户）' },
      required: true,
      maxLength: 20,
    }),
  },
  async handler({ input, community, services, t }) {
    if (!/^\d{17,20}$/.test(input.sku)) throw new UserError('SKU_INVALID', 'payments:errors.skuInvalid');
    const course = await services.payments.setPremiumSku(community.id, input.course, input.sku);
    return { text: t('payments:skuSet', { sku: input.sku, title: course.title }), tone: 'success' };
  },
});

export const refundCommand = definePaymentsCommand({
  name: 'payments refund',
  description: { en: 'Refund an order paid online and revoke its access', 'zh-CN': '为在线付款的订单退款并收回权限' },
  permission: 'creator',
  slow: true,
  options: {
    order: option.string({ description: { en: 'Order #id', 'zh-CN': '订单 #编号' }, required: true, maxLength: 40 }),
  },
  async handler({ input, member, community, services, t }) {
    const ref = input.order.trim().replace(/^#/, '').slice(0, 12);
    const done = await services.payments.refundOrder(community.id, input.order, {
      memberId: member.id,
      moderator: hasPermission(member.role, 'moderator'),
    });
    if (!done) return { text: t('payments:refundNone', { ref }), tone: 'warning', ephemeral: true };
    return {
      text: t('payments:refundDone', {
        ref: done.payment.orderId?.slice(0, 8),
        provider: t(`payments:providers.${done.payment.provider}`),
        title: done.title,
      }),
      tone: 'success',
    };
  },
});
