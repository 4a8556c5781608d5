import type { ReplyItem } from '../../domain/reply.ts';
import { hasPermission } from '../../domain/types.ts';
import { UserError } from '../../errors.ts';
import { option } from '../../framework/options.ts';
import { defineInteractionsCommand, formatLocalTime } from './shared.ts';

/** `/tips [history|flags]`: your recent points; moderators can list flagged tipping patterns. */
export const tipsCommand = defineInteractionsCommand({
  name: 'tips',
  description: { en: 'Your recent tips and grants', 'zh-CN': '查看你最近的打赏和积分记录' },
  permission: 'member',
  options: {
    view: option.choice({
      description: { en: 'history, or flags (moderators)', 'zh-CN': 'history，或 flags（版主）' },
      choices: ['history', 'flags'] as const,
    }),
  },
  async handler({ input, member, community, services, locale, t }) {
    const ledger = services.ledger;
    const zone = community.timezone;
    if (input.view === 'flags') {
      if (!hasPermission(member.role, 'moderator')) {
        throw new UserError('PERMISSION_DENIED', 'common:errors.permissionDenied', {
          command: 'tips flags',
          required: t('common:roles.moderator'),
          actual: t(`common:roles.${member.role}`),
        });
      }
      const flags = await ledger.flags(community, 15);
      const names = new Map(
        (await services.members.getMany([...new Set(flags.flatMap((f) => f.memberIds))])).map((m) => [
          m.id,
          m.displayName,
        ]),
      );
      return {
        title: t('interactions:stats.flags'),
        text: flags.length === 0 ? t('interactions:stats.none') : undefined,
        items: flags.map((f) => ({
          title: t(`interactions:stats.flag.${f.kind}`, {
            members: f.memberIds.map((id) => names.get(id) ?? id).join(', '),
          }),
          meta: formatLocalTime(f.createdAt, locale, zone),
        })),
        ephemeral: true,
      };
    }
    const history = await ledger.history(community, member, 10);
    if (history.length === 0) return { text: t('interactions:history.empty'), ephemeral: true };
    const others = history.flatMap((x) => [x.fromMemberId, x.toMemberId]).filter((id): id is string => !!id);
    const names = new Map((await services.members.getMany([...new Set(others)])).map((m) => [m.id, m.displayName]));
    const items = history.map((x): ReplyItem => {
      const sent = x.fromMemberId === member.id;
      const otherId = sent ? x.toMemberId : x.fromMemberId;
      const key =
        x.kind === 'tip'
          ? sent
            ? 'interactions:history.tipSent'
            : 'interactions:history.tipReceived'
          : `interactions:history.${x.kind}`;
      return {
        title: t(key, { amount: x.amount, member: otherId ? (names.get(otherId) ?? otherId) : '' }),
        ...(x.reason ? { description: x.reason } : {}),
        meta: formatLocalTime(x.createdAt, locale, zone),
      };
    });
    return { title: t('interactions:history.title'), items, ephemeral: true };
  },
});
