import { option } from '../../framework/options.ts';
import { AMOUNT_DESCRIPTION, defineInteractionsCommand } from './shared.ts';

/** `/tip @member <amount> [reason…]`: thank someone with points, idempotent per platform interaction. */
export const tipCommand = defineInteractionsCommand({
  name: 'tip',
  description: {
    en: 'Give a member some of your points as thanks (or write +2 @member, or react 👏)',
    'zh-CN': '用积分打赏一位成员以示感谢（也可以发送 +2 @成员，或点 👏）',
  },
  permission: 'member',
  // The tip, its lease and the command's record commit together: one transaction per /tip.
  delivery: 'in-effect',
  options: {
    member: option.member({ description: { en: 'Who to thank', 'zh-CN': '要感谢的成员' }, required: true }),
    amount: option.string({ description: AMOUNT_DESCRIPTION, required: true, maxLength: 100 }),
    reason: option.string({
      description: { en: 'What for (optional)', 'zh-CN': '原因（可选）' },
      rest: true,
      maxLength: 500,
    }),
  },
  async handler({ input, member, community, services, clock, platform, interactionId, delivery, t }) {
    const receipt = await services.ledger.tip({
      community,
      sender: member,
      recipient: input.member,
      amount: input.amount,
      reason: input.reason ?? null,
      idempotencyKey: interactionId ? `${platform}:${interactionId}` : null,
      now: clock.now(),
      platform,
      delivery,
    });
    const { transfer } = receipt;
    const params = {
      amount: transfer.amount,
      count: transfer.amount,
      member: input.member.displayName,
      reason: transfer.reason,
    };
    return {
      title: t('interactions:tip.sentTitle'),
      text: [
        receipt.duplicate ? t('interactions:tip.duplicate') : null,
        t(transfer.reason ? 'interactions:tip.sentReason' : 'interactions:tip.sent', params),
      ]
        .filter(Boolean)
        .join('\n'),
      footer: t('interactions:tip.allowanceLeft', {
        left: receipt.allowanceLeft,
        total: receipt.allowanceTotal,
      }),
      tone: 'success',
    };
  },
});
