import { defineCommand } from '../../framework/command.ts';
import { d, recommendOf } from '../../recommend/commands/shared.ts';

/** `/groups` (moderators): the interest groups K-means found, labelled by their members' top topics. */
export const groupsCommand = defineCommand({
  name: 'groups',
  description: d('Interest groups among members (moderators)', '成员兴趣小组（管理员）'),
  permission: 'moderator',
  slow: true,
  options: {},
  async handler({ community, services, t, locale }) {
    const { groups, silhouette, trainedAt } = await recommendOf(services).groups(community);
    if (groups.length === 0) return { ephemeral: true, text: t('recommend:groups.empty') };
    const at = new Intl.DateTimeFormat(locale, {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: community.timezone,
    }).format(trainedAt);
    return {
      title: t('recommend:groups.title'),
      items: groups.map((g, i) => ({
        title: t('recommend:groups.group', { n: i + 1, label: g.label.join(', ') || t('recommend:groups.unlabelled') }),
        meta: t('recommend:groups.size', { count: g.size }),
      })),
      ephemeral: true,
      footer: t('recommend:groups.footer', { silhouette: silhouette.toFixed(2), at }),
    };
  },
});
