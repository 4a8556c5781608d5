import type { ReplyItem } from '../../domain/reply.ts';
import { hasPermission } from '../../domain/types.ts';
import { UserError } from '../../errors.ts';
import { option } from '../../framework/options.ts';
import { isPastEnd, pageButtons, pageFooter, pageFromRows, pageOption, pageRequest } from '../../framework/paging.ts';
import { flagText } from '../flag-text.ts';
import { defineInteractionsCommand, formatLocalTime } from './shared.ts';

const PAGE_SIZE = 10;

/** `/tips [history|flags] [page:N]`: your points, page by page; moderators can list flagged tipping patterns and why. */
export const tipsCommand = defineInteractionsCommand({
  name: 'tips',
  description: { en: 'Your recent tips and grants', 'zh-CN': '查看你最近的打赏和积分记录' },
  permission: 'member',
  options: {
    view: option.choice({
      description: { en: 'history, or flags (moderators)', 'zh-CN': 'history，或 flags（版主）' },
      choices: ['history', 'flags'] as const,
    }),
    page: pageOption,
  },
  async handler({ input, member, community, services, locale, t }) {
    const ledger = services.ledger;
    const zone = community.timezone;
    const request = pageRequest(input.page, PAGE_SIZE);
    if (input.view === 'flags') {
      if (!hasPermission(member.role, 'moderator')) {
        throw new UserError('PERMISSION_DENIED', 'common:errors.permissionDenied', {
          command: 'tips flags',
          required: t('common:roles.moderator'),
          actual: t(`common:roles.${member.role}`),
        });
      }
      const page = pageFromRows(await ledger.flags(community, request.fetch, request.offset), request);
      if (isPastEnd(page)) return { text: t('common:paging.pastEnd', { page: page.page }), ephemeral: true };
      const names = new Map(
        (
          await services.members.getMany([
            ...new Set(page.items.flatMap((f) => [...f.memberIds, ...(f.resolution ? [f.resolution.byMemberId] : [])])),
          ])
        ).map((m) => [m.id, m.displayName]),
      );
      const name = (id: string) => names.get(id) ?? id;
      return {
        title: t('interactions:stats.flags'),
        text: page.items.length === 0 ? t('interactions:stats.none') : undefined,
        items: page.items.map((f) => {
          const { title, why } = flagText(f, name, t);
          const verdict = f.resolution
            ? t(`interactions:flags.resolved.${f.resolution.outcome}`, { by: name(f.resolution.byMemberId) })
            : t('interactions:flags.open');
          return { title, description: why, meta: `${formatLocalTime(f.createdAt, locale, zone)} · ${verdict}` };
        }),
        buttons: pageButtons(page, '/tips flags', t),
        ...(pageFooter(page, t) ? { footer: pageFooter(page, t) as string } : {}),
        ephemeral: true,
      };
    }
    const page = pageFromRows(await ledger.history(community, member, request.fetch, request.offset), request);
    if (isPastEnd(page)) return { text: t('common:paging.pastEnd', { page: page.page }), ephemeral: true };
    if (page.items.length === 0) return { text: t('interactions:history.empty'), ephemeral: true };
    const others = page.items.flatMap((x) => [x.fromMemberId, x.toMemberId]).filter((id): id is string => !!id);
    const names = new Map((await services.members.getMany([...new Set(others)])).map((m) => [m.id, m.displayName]));
    const items = page.items.map((x): ReplyItem => {
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
    const footer = pageFooter(page, t);
    return {
      title: t('interactions:history.title'),
      items,
      buttons: pageButtons(page, '/tips history', t),
      ...(footer ? { footer } : {}),
      ephemeral: true,
    };
  },
});
