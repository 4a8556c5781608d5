import type { RichReply } from '../../domain/reply.ts';
import type { Member } from '../../domain/types.ts';
import { option } from '../../framework/options.ts';
import { MAX_PAIR_COOLDOWN_MS, MAX_RING_WINDOW_MS, MIN_RING_WINDOW_MS } from '../ledger-policy.ts';
import { AMOUNT_DESCRIPTION, defineInteractionsCommand, type InteractionContext } from './shared.ts';

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
  ctx: InteractionContext<{ member: Member; amount: string; reason: string | undefined }>,
): Promise<RichReply> {
  const { input, member, community, services, clock, platform, interactionId, t } = ctx;
  const result = await services.ledger.adjust({
    community,
    moderator: member,
    member: input.member,
    action,
    amount: input.amount,
    reason: input.reason,
    idempotencyKey: interactionId ? `${platform}:${interactionId}` : null,
    now: clock.now(),
    platform,
  });
  const balance = result.balance ?? (await services.ledger.balance(community, input.member, clock.now())).balance;
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

export const pointsGrantCommand = defineInteractionsCommand({
  name: 'points grant',
  description: { en: 'Give a member points (moderators, audited)', 'zh-CN': '向成员发放积分（版主，记入审计）' },
  permission: 'moderator',
  options: adjustOptions,
  handler: (ctx) => adjust('grant', ctx),
});

export const pointsRevokeCommand = defineInteractionsCommand({
  name: 'points revoke',
  description: {
    en: 'Take points back from a member (moderators, audited)',
    'zh-CN': '扣除成员的积分（版主，记入审计）',
  },
  permission: 'moderator',
  options: adjustOptions,
  handler: (ctx) => adjust('revoke', ctx),
});

/**
 * `/points policy [allowance] [daily-cap] [cooldown] [ring-tips] [ring-window]`: admins set the community's tipping policy (stored in the
 * database); without values it shows the policy in force. Values not given keep their current setting.
 */
export const pointsPolicyCommand = defineInteractionsCommand({
  name: 'points policy',
  description: { en: 'Show or set the tipping policy (admins)', 'zh-CN': '查看或设置打赏规则（管理员）' },
  permission: 'admin',
  options: {
    allowance: option.integer({
      description: { en: 'Points each member may give per day for free', 'zh-CN': '每位成员每天可免费送出的积分' },
      min: 0,
      max: 1_000_000,
    }),
    cap: option.integer({
      description: { en: 'Most points a member may give per day', 'zh-CN': '每位成员每天最多送出的积分' },
      min: 1,
      max: 1_000_000,
    }),
    cooldown: option.duration({
      description: {
        en: 'Wait between two tips to the same member, e.g. 60s, 2m',
        'zh-CN': '对同一成员两次打赏的间隔，例如 60s、2m',
      },
      min: 0,
      max: MAX_PAIR_COOLDOWN_MS,
    }),
    'ring-tips': option.integer({
      description: {
        en: 'Tips each way within the ring window before a ring is flagged',
        'zh-CN': '在检测窗口内每个方向达到多少次打赏才标记为打赏环',
      },
      min: 1,
      max: 1000,
    }),
    'ring-window': option.duration({
      description: { en: 'How far back ring detection looks, e.g. 14d', 'zh-CN': '打赏环检测回看多久，例如 14d' },
      min: MIN_RING_WINDOW_MS,
      max: MAX_RING_WINDOW_MS,
    }),
  },
  async handler({ input, member, community, services, clock, locale, t }) {
    const ledger = services.ledger;
    const now = clock.now();
    const change = {
      dailyAllowance: input.allowance,
      dailySendCap: input.cap,
      pairCooldownMs: input.cooldown,
      ringMinTips: input['ring-tips'],
      ringWindowMs: input['ring-window'],
    };
    const changing = Object.values(change).some((v) => v !== undefined);
    const policy = changing
      ? await ledger.setPolicy(community, member, change, now)
      : await ledger.policyFor(community, now);
    const base = ledger.policy;
    return {
      title: t(changing ? 'interactions:points.policyChangedTitle' : 'interactions:points.policyTitle'),
      text: [
        t('interactions:points.policy', {
          allowance: policy.dailyAllowance,
          cap: policy.dailySendCap,
          cooldown: Math.round(policy.pairCooldownMs / 1000),
        }),
        t('interactions:points.policyRing', {
          min: policy.ringMinTips,
          days: Math.round(policy.ringWindowMs / 86_400_000),
        }),
      ].join('\n'),
      footer: [
        t('interactions:points.policyDefaults', {
          allowance: base.dailyAllowance,
          cap: base.dailySendCap,
          cooldown: Math.round(base.pairCooldownMs / 1000),
          min: base.ringMinTips,
          days: Math.round(base.ringWindowMs / 86_400_000),
        }),
        changing ? null : t('interactions:points.policyUsage'),
      ]
        .filter(Boolean)
        .join(locale === 'zh-CN' ? '' : ' '),
      ...(changing ? { tone: 'success' as const } : {}),
    };
  },
});
