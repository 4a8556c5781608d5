import type { ReplyButton, ReplyItem } from '../../domain/reply.ts';
import { option } from '../../framework/options.ts';
import { flagText } from '../flag-text.ts';
import { defineInteractionsCommand } from './shared.ts';

const SHOWN = 10;

/**
 * `/points flags [all]` for moderators: tipping that looks like points farming (rings, brand-new accounts), open
 * ones first, each with why it was raised and buttons to give a verdict.
 */
export const pointsFlagsCommand = defineInteractionsCommand({
  name: 'points flags',
  description: { en: 'Flagged tipping to review (moderators)', 'zh-CN': '待审核的可疑打赏（版主）' },
  permission: 'moderator',
  options: {
    show: option.choice({
      description: {
        en: 'open (default) or all, resolved ones too',
        'zh-CN': 'open（默认，仅待处理）或 all（包括已处理）',
      },
      choices: ['open', 'all'] as const,
    }),
  },
  async handler({ input, community, services, t }) {
    const all = input.show === 'all';
    const flags = await services.ledger.flags(community, SHOWN, 0, { open: !all });
    if (flags.length === 0) {
      // "Every flag has a verdict" only when there was one to judge.
      const ever = all ? [] : await services.ledger.flags(community, 1);
      return { text: t(ever.length > 0 ? 'interactions:flags.noneOpen' : 'interactions:flags.none'), tone: 'success' };
    }
    const ids = [
      ...new Set(flags.flatMap((f) => [...f.memberIds, ...(f.resolution ? [f.resolution.byMemberId] : [])])),
    ];
    const names = new Map((await services.members.getMany(ids)).map((m) => [m.id, m.displayName]));
    const name = (id: string) => names.get(id) ?? id;
    const items: ReplyItem[] = flags.map((flag) => {
      const { title, why } = flagText(flag, name, t);
      const verdict = flag.resolution
        ? t(`interactions:flags.resolved.${flag.resolution.outcome}`, { by: name(flag.resolution.byMemberId) })
        : t('interactions:flags.open');
      return { title, description: why, meta: `${verdict} · ${flag.id}` };
    });
    const buttons: ReplyButton[] = flags
      .map((flag, i) => ({ flag, n: i + 1 }))
      .filter(({ flag }) => !flag.resolution)
      .flatMap(({ flag, n }) => [
        { label: t('interactions:flags.okButton', { n }), action: `/points flag ${flag.id} ok`, style: 'secondary' },
        { label: t('interactions:flags.abuseButton', { n }), action: `/points flag ${flag.id} abuse`, style: 'danger' },
      ]);
    return {
      title: t(all ? 'interactions:flags.titleAll' : 'interactions:flags.title'),
      items,
      buttons,
      footer: t('interactions:flags.footer'),
      ephemeral: true,
    };
  },
});

/** `/points flag <id> ok|abuse`: a moderator's verdict on one flag; the first verdict stands. */
export const pointsFlagCommand = defineInteractionsCommand({
  name: 'points flag',
  description: { en: 'Give a verdict on a tipping flag (moderators)', 'zh-CN': '处理一条可疑打赏标记（版主）' },
  permission: 'moderator',
  options: {
    id: option.string({
      description: { en: 'Flag id (see /points flags)', 'zh-CN': '标记 id（见 /points flags）' },
      required: true,
      maxLength: 64,
    }),
    verdict: option.choice({
      description: {
        en: 'ok (ordinary thanks) or abuse (points farming)',
        'zh-CN': 'ok（正常致谢）或 abuse（刷分）',
      },
      choices: ['ok', 'abuse'] as const,
      required: true,
    }),
  },
  async handler({ input, member, community, services, clock, t }) {
    const { flag, changed } = await services.ledger.resolveFlag(
      community,
      member,
      input.id,
      input.verdict,
      clock.now(),
    );
    const names = new Map((await services.members.getMany(flag.memberIds)).map((m) => [m.id, m.displayName]));
    const members = flag.memberIds.map((id) => names.get(id) ?? id).join(', ');
    if (!changed) {
      const by = (await services.members.get(flag.resolution?.byMemberId ?? ''))?.displayName ?? '—';
      return {
        text: t('interactions:flags.already', {
          members,
          verdict: t(`interactions:flags.verdict.${flag.resolution?.outcome ?? 'ok'}`),
          by,
        }),
        tone: 'info',
        ephemeral: true,
      };
    }
    return { text: t(`interactions:flags.done.${input.verdict}`, { members }), tone: 'success' };
  },
});
