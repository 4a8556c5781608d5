import { topicList } from '../../domain/glossary.ts';
import { d, defineProfilesCommand } from './shared.ts';

/** `/groups` (moderators): the interest groups K-means found, labelled by their members' top topics. */
export const groupsCommand = defineProfilesCommand({
  name: 'groups',
  description: d('Interest groups among members (moderators)', '成员兴趣小组（管理员）'),
  permission: 'moderator',
  slow: true,
  options: {},
  async handler({ community, services, t, locale }) {
    const { groups, silhouette, trainedAt } = await services.profiles.groups(community);
    if (groups.length === 0) return { ephemeral: true, text: t('profiles:groups.empty') };
    const at = new Intl.DateTimeFormat(locale, {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: community.timezone,
    }).format(trainedAt);
    return {
      title: t('profiles:groups.title'),
      // Numbered by index, which retrains keep (groups are matched by their members), and listed in that order.
      items: [...groups]
        .map((g, i) => ({ ...g, n: (g.index ?? i) + 1 }))
        .sort((a, b) => a.n - b.n)
        .map((g) => ({
          title: t('profiles:groups.group', {
            n: g.n,
            label: topicList(g.label, locale) || t('profiles:groups.unlabelled'),
          }),
          meta: t('profiles:groups.size', { count: g.size }),
        })),
      ephemeral: true,
      footer: t('profiles:groups.footer', { silhouette: silhouette.toFixed(2), at }),
    };
  },
});
