import { defineInteractionsCommand, formatLocalTime } from './shared.ts';

/** `/balance`: points earned, today's allowance to give, and when it resets (community midnight). */
export const balanceCommand = defineInteractionsCommand({
  name: 'balance',
  description: { en: 'Your points and what you can still give today', 'zh-CN': '查看你的积分和今天还能打赏的额度' },
  permission: 'member',
  options: {},
  async handler({ member, community, services, clock, locale, t }) {
    const view = await services.ledger.balance(community, member, clock.now());
    return {
      title: t('interactions:balance.title'),
      fields: [
        { name: t('interactions:balance.balance'), value: String(view.balance), inline: true },
        {
          name: t('interactions:balance.allowance'),
          value: t('interactions:balance.allowanceValue', { left: view.allowanceLeft, total: view.allowanceTotal }),
          inline: true,
        },
        {
          name: t('interactions:balance.sent'),
          value: t('interactions:balance.sentValue', { sent: view.sentToday, cap: view.sendCap }),
          inline: true,
        },
      ],
      footer: t('interactions:balance.resets', {
        time: formatLocalTime(view.resetsAt, locale, view.timeZone),
        zone: view.timeZone,
      }),
      ephemeral: true,
    };
  },
});
