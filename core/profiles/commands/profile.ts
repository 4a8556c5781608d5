import { canonicalTopic, topicLabel, topicList } from '../../domain/glossary.ts';
import type { ReplyField } from '../../domain/reply.ts';
import { UserError } from '../../errors.ts';
import { option } from '../../framework/options.ts';
import { communityTopics, requireKnownTopic } from '../../framework/topics.ts';
import { d, defineProfilesCommand } from './shared.ts';

const TOPIC = /^[\p{L}\p{N}][\p{L}\p{N} _.+#-]{0,39}$/u;

function parseTopic(raw: string): string {
  const topic = raw.trim().toLowerCase().replace(/\s+/g, '-');
  if (!TOPIC.test(topic)) throw new UserError('TOPIC_INVALID', 'profiles:interests.invalid', { topic: raw });
  // 投资 and investing are one interest (core/domain/glossary.ts).
  return canonicalTopic(topic);
}

const percent = (w: number) => `${Math.round(w * 100)}%`;

/** `/profile`: what the bot believes about the member, shown only to them. */
export const profileCommand = defineProfilesCommand({
  name: 'profile',
  description: d('Your interest profile, as the recommender sees it', '推荐系统眼中的你的兴趣画像'),
  permission: 'member',
  slow: true,
  options: {},
  async handler({ community, member, services, t, locale }) {
    const p = await services.profiles.profile(community, member);
    // Topics are stored as canonical tags; the member reads (and can type back) their own language's name.
    const label = (topic: string) => topicLabel(topic, locale);
    const tone = (s: number) =>
      t(s > 0.2 ? 'profiles:profile.positive' : s < -0.2 ? 'profiles:profile.negative' : 'profiles:profile.neutral');
    const fields: ReplyField[] = [
      {
        name: t('profiles:profile.topics'),
        value:
          p.topics.length > 0
            ? p.topics
                .map(
                  (x) => `${label(x.topic)} ${percent(x.weight)}${x.pinned ? ` ${t('profiles:profile.pinned')}` : ''}`,
                )
                .join(locale === 'zh-CN' ? '、' : ', ')
            : t('profiles:profile.noTopics'),
      },
      {
        name: t('profiles:profile.language'),
        value: t(
          p.language === 'zh'
            ? 'profiles:profile.languageZh'
            : p.language === 'en'
              ? 'profiles:profile.languageEn'
              : 'profiles:profile.languageUnknown',
        ),
        inline: true,
      },
      {
        name: t('profiles:profile.hours'),
        value:
          p.activeHours.length > 0
            ? p.activeHours.map((h) => `${String(h).padStart(2, '0')}:00`).join(', ')
            : t('profiles:profile.hoursUnknown'),
        inline: true,
      },
    ];
    if (p.sentiment.length > 0) {
      fields.push({
        name: t('profiles:profile.sentiment'),
        value: p.sentiment
          .slice(0, 5)
          .map((s) =>
            t('profiles:profile.sentimentValue', { topic: label(s.topic), tone: tone(s.score), count: s.messages }),
          )
          .join('\n'),
      });
    }
    if (p.groupLabel && p.groupLabel.length > 0)
      fields.push({ name: t('profiles:profile.group'), value: topicList(p.groupLabel, locale), inline: true });
    if (p.tipsGiven + p.tipsReceived > 0) {
      fields.push({
        name: t('profiles:profile.tips'),
        value: t('profiles:profile.tipsValue', { given: p.tipsGiven, received: p.tipsReceived }),
        inline: true,
      });
    }
    if (p.blocked.length > 0) fields.push({ name: t('profiles:profile.blocked'), value: topicList(p.blocked, locale) });
    return { title: t('profiles:profile.title'), fields, ephemeral: true, footer: t('profiles:profile.footer') };
  },
});

function interestCommand(kind: 'add' | 'remove') {
  return defineProfilesCommand({
    name: `profile interests ${kind}`,
    description:
      kind === 'add'
        ? d('Add a topic to your interests', '把一个主题加入你的兴趣')
        : d('Remove a topic from your interests', '从你的兴趣中移除一个主题'),
    permission: 'member',
    options: {
      topic: option.string({
        description: d('Topic, e.g. data', '主题，例如 数据'),
        required: true,
        rest: true,
        maxLength: 40,
      }),
    },
    async handler({ input, community, member, services, t, record, locale }) {
      const typed = parseTopic(input.topic);
      // Only topics the community has: an interest nothing is tagged with would never match (and a typo would
      // sit in the profile forever). Removing also accepts whatever the profile holds today.
      const known = await communityTopics(services, community.id);
      const held =
        kind === 'remove' ? (await services.profiles.profile(community, member)).topics.map((x) => x.topic) : [];
      const topic = requireKnownTopic(typed, [...new Set([...known, ...held])]);
      await record({
        verb: kind === 'add' ? 'profile.interest_added' : 'profile.interest_removed',
        objectType: 'topic',
        objectId: topic,
      });
      return {
        tone: 'success',
        ephemeral: true,
        text: t(kind === 'add' ? 'profiles:interests.added' : 'profiles:interests.removed', {
          topic: topicLabel(topic, locale),
        }),
      };
    },
  });
}

export const profileInterestsAddCommand = interestCommand('add');
export const profileInterestsRemoveCommand = interestCommand('remove');
