import type { RichReply } from '../domain/reply.ts';
import type { Community, Locale } from '../domain/types.ts';
import type { Translate } from '../i18n/translate.ts';
import { activityChartSvg, renderPng } from './activity-chart.ts';
import { flagText } from './flag-text.ts';
import type { KolService } from './kol-service.ts';
import type { LedgerService } from './ledger-service.ts';

/** Conversation groups listed by name; beyond these the report says how many more there are. */
export const MAX_GROUPS_LISTED = 8;

/**
 * The moderators' report: `/stats` answers with it, and a weekly job can post the same reply through the Messenger.
 * Member names are resolved here so the analytics stay id-based and testable.
 */
export async function buildStatsReport(deps: {
  kol: KolService;
  ledger: LedgerService | undefined;
  community: Community;
  now: Date;
  periodDays: number;
  t: Translate;
  locale: Locale;
  weekly?: boolean;
}): Promise<RichReply> {
  const { kol, community, now, periodDays, t } = deps;
  const stats = await kol.stats(community, now, periodDays);
  const flags = deps.ledger ? await deps.ledger.flags(community, 5, 0, { open: true }) : [];
  // Every group the count names is listed (up to MAX_GROUPS_LISTED, then "and N more"): "4 groups" shows four.
  const listed = stats.groups.slice(0, MAX_GROUPS_LISTED);
  const ids = new Set<string>([
    ...listed.flatMap((g) => g.memberIds.slice(0, 3)),
    ...stats.bridges.map((b) => b.memberId),
    ...flags.flatMap((f) => f.memberIds),
  ]);
  const members = await kol.members([...ids]);
  const name = (id: string) => members.get(id)?.displayName ?? id;
  const none = t('interactions:stats.none');
  const png = renderPng(activityChartSvg(stats.dailyActive));
  return {
    title: deps.weekly ? t('interactions:stats.weeklyTitle') : t('interactions:stats.title', { days: periodDays }),
    fields: [
      { name: t('interactions:stats.active'), value: String(stats.active), inline: true },
      { name: t('interactions:stats.new'), value: String(stats.new), inline: true },
      { name: t('interactions:stats.returning'), value: String(stats.returning), inline: true },
      {
        name: t('interactions:stats.churning'),
        value: `${stats.churning} (${t('interactions:stats.churningHint')})`,
        inline: true,
      },
      {
        name: t('interactions:stats.topTopics'),
        value: stats.topTopics.length
          ? stats.topTopics.map((x) => `${x.topic} (${x.count})`).join(t('common:listSeparator'))
          : none,
      },
      {
        name: t('interactions:stats.groups'),
        value: stats.groups.length
          ? [
              t('interactions:stats.groupsValue', {
                count: stats.groups.length,
                modularity: stats.modularity.toFixed(2),
              }),
              ...listed.map((g, i) =>
                t('interactions:stats.group', {
                  n: i + 1,
                  members: `${g.memberIds.slice(0, 3).map(name).join(t('common:listSeparator'))}${g.memberIds.length > 3 ? ` +${g.memberIds.length - 3}` : ''}`,
                }),
              ),
              ...(stats.groups.length > listed.length
                ? [t('interactions:stats.groupsMore', { count: stats.groups.length - listed.length })]
                : []),
            ].join('\n')
          : none,
      },
      {
        name: t('interactions:stats.bridges'),
        value: stats.bridges.length
          ? stats.bridges
              .map((b) => t('interactions:stats.bridge', { member: name(b.memberId), groups: b.groups }))
              .join('\n')
          : none,
      },
      {
        name: t('interactions:stats.flags'),
        value: flags.length
          ? flags
              .map((f) => {
                const { title, why } = flagText(f, name, t);
                return `${title}: ${why}`;
              })
              .join('\n')
          : none,
      },
    ],
    image: {
      png,
      filename: 'activity.png',
      alt: t('interactions:stats.chartAlt', { days: stats.dailyActive.length }),
    },
  };
}
