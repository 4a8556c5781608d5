import type { Member } from '../../domain/types.ts';
import type { CommandContext } from '../../framework/command.ts';
import { defineCommand } from '../../framework/command.ts';
import { option } from '../../framework/options.ts';
import type { RichReply } from '../../framework/reply.ts';
import { AMOUNT_DESCRIPTION, ledgerOf } from './shared.ts';

/** `/points grant|revoke @member <amount> <reason…>`: moderator adjustments, always written to the audit log. */
const adjustOptions = {
  member: option.member({ description: { en: 'Whose points', 'zh-CN': '哪位成员' }, required: true }),
  amount: option.string({ description: AMOUNT_DESCRIPTION, required: true, maxLength: 100 }),
  reason: option.string({
    description: { en: 'Why (kept in the audit log)', 'zh-CN': '原因（记入审计日志）' },
    rest: true,
    maxLength: 500,
  }),
};

async function adjust(
  action: 'grant' | 'revoke',
  ctx: CommandContext<{ member: Member; amount: string; reason: string | undefined }>,
): Promise<RichReply> {
  const { input, member, community, services, clock, platform, interactionId, t } = ctx;
  const result = await ledgerOf(services).adjust({
    community,
    moderator: member,
    member: input.member,
    action,
    amount: input.amount,
    reason: input.reason,
    idempotencyKey: interactionId ? `${platform}:${interactionId}` : null,
    now: clock.now(),
  });
  const balance = result.balance ?? (await ledgerOf(services).balance(community, input.member, clock.now())).balance;
  const params = {
    amount: result.transfer.amount,
    member: input.member.displayName,
    reason: result.transfer.reason,
    balance,
  };
  return {
    title: t(action === 'grant' ? 'interactions:points.grantedTitle' : 'interactions:points.revokedTitle'),
    text: [
      result.duplicate ? t('interactions:points.duplicate') : null,
      t(action === 'grant' ? 'interactions:points.granted' : 'interactions:points.revoked', params),
    ]
      .filter(Boolean)
      .join('\n'),
    footer: t('interactions:points.audited'),
    tone: 'success',
  };
}

export const pointsGrantCommand = defineCommand({
  name: 'points grant',
  description: { en: 'Give a member points (moderators, audited)', 'zh-CN': '向成员发放积分（版主，记入审计）' },
  permission: 'moderator',
  options: adjustOptions,
  handler: (ctx) => adjust('grant', ctx),
});

export const pointsRevokeCommand = defineCommand({
  name: 'points revoke',
  description: {
    en: 'Take points back from a member (moderators, audited)',
    'zh-CN': '扣除成员的积分（版主，记入审计）',
  },
  permission: 'moderator',
  options: adjustOptions,
  handler: (ctx) => adjust('revoke', ctx),
});
