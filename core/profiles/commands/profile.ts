import type { ReplyField } from '../../domain/reply.ts';
import { UserError } from '../../errors.ts';
import { defineCommand } from '../../framework/command.ts';
import { option } from '../../framework/options.ts';
import { d, recommendOf } from '../../recommend/commands/shared.ts';

const TOPIC = /^[\p{L}\p{N}][\p{L}\p{N} _.+#-]{0,39}$/u;

function parseTopic(raw: string): string {
  const topic = raw.trim().toLowerCase().replace(/\s+/g, '-');
  if (!TOPIC.test(topic)) throw new UserError('TOPIC_INVALID', 'recommend:interests.invalid', { topic: raw });
  return topic;
}

const percent = (w: number) => `${Math.round(w * 100)}%`;

/** `/profile`: what the bot believes about the member, shown only to them. */
export const profileCommand = defineCommand({
  name: 'profile',
  description: d('Your interest profile, as the recommender sees it', '推荐系统眼中的你的兴趣画像'),
  permission: 'member',
  slow: true,
  options: {},
  async handler({ community, member, services, t }) {
    const p = await recommendOf(services).profile(community, member);
    const tone = (s: number) =>
      t(s > 0.2 ? 'recommend:profile.positive' : s < -0.2 ? 'recommend:profile.negative' : 'recommend:profile.neutral');
    const fields: ReplyField[] = [
      {
        name: t('recommend:profile.topics'),
        value:
          p.topics.length > 0
            ? p.topics
                .map((x) => `${x.topic} ${percent(x.weight)}${x.pinned ? ` ${t('recommend:profile.pinned')}` : ''}`)
                .join(', ')
            : t('recommend:profile.noTopics'),
      },
      {
        name: t('recommend:profile.language'),
        value: t(
          p.language === 'zh'
            ? 'recommend:profile.languageZh'
            : p.language === 'en'
              ? 'recommend:profile.languageEn'
              : 'recommend:profile.languageUnknown',
        ),
        inline: true,
      },
      {
        name: t('recommend:profile.hours'),
        value:
          p.activeHours.length > 0
            ? p.activeHours.map((h) => `${String(h).padStart(2, '0')}:00`).join(', ')
            : t('recommend:profile.hoursUnknown'),
        inline: true,
      },
    ];
    if (p.sentiment.length > 0) {
      fields.push({
        name: t('recommend:profile.sentiment'),
        value: p.sentiment
          .slice(0, 5)
          .map((s) => t('recommend:profile.sentimentValue', { topic: s.topic, tone: tone(s.score), count: s.messages }))
          .join('\n'),
      });
    }
    if (p.groupLabel && p.groupLabel.length > 0)
      fields.push({ name: t('recommend:profile.group'), value: p.groupLabel.join(', '), inline: true });
    if (p.tipsGiven + p.tipsReceived > 0) {
      fields.push({
        name: t('recommend:profile.tips'),
        value: t('recommend:profile.tipsValue', { given: p.tipsGiven, received: p.tipsReceived }),
        inline: true,
      });
    }
    if (p.blocked.length > 0) fields.push({ name: t('recommend:profile.blocked'), value: p.blocked.join(', ') });
    return { title: t('recommend:profile.title'), fields, ephemeral: true, footer: t('recommend:profile.footer') };
  },
});

function interestCommand(kind: 'add' | 'remove') {
  return defineCommand({
    name: `profile interests ${kind}`,
    description:
      kind === 'add'
        ? d('Add a topic to your interests', '把一个主题加入你的兴趣')
        : d('Remove a topic from your interests', '从你的兴趣中移除一个主题'),
    permission: 'member',
    options: {
      topic: option.string({
        description: d('Topic, e.g. data', '主题，例如 data'),
        required: true,
        rest: true,
        maxLength: 40,
      }),
    },
    async handler({ input, community, member, channel, services, t, clock, platform }) {
      const topic = parseTopic(input.topic);
      await services.events.append({
        communityId: community.id,
        actorId: member.id,
        verb: kind === 'add' ? 'profile.interest_added' : 'profile.interest_removed',
        objectType: 'topic',
        objectId: topic,
        targetMemberId: null,
        channelId: channel?.id ?? null,
        platform,
        occurredAt: clock.now(),
        metadata: {},
      });
      return {
        tone: 'success',
        ephemeral: true,
        text: t(kind === 'add' ? 'recommend:interests.added' : 'recommend:interests.removed', { topic }),
      };
    },
  });
}

export const profileInterestsAddCommand = interestCommand('add');
export const profileInterestsRemoveCommand = interestCommand('remove');
