import { canonicalTopic, topicLabel, topicList } from '../../domain/glossary.ts';
import type { ReplyButton, ReplyItem } from '../../domain/reply.ts';
import { option } from '../../framework/options.ts';
import {
  buyAction,
  d,
  defineRecommendCommand,
  formatPrice,
  reasonText,
  recordCourseEvent,
  requireCourse,
} from './shared.ts';

const courseId = () => option.string({ description: d('Course id', '课程 id'), required: true, maxLength: 40 });

/** `/recommend [topic]`: the member's top picks, each with its reason and view / buy / not-interested buttons. */
export const recommendCommand = defineRecommendCommand({
  name: 'recommend',
  description: d('Courses picked for you, with the reason for each', '为你挑选的课程，并说明推荐理由'),
  permission: 'member',
  slow: true,
  options: {
    topic: option.string({
      description: d('Only this topic, e.g. data', '只看这个主题，例如 data'),
      rest: true,
      maxLength: 40,
    }),
  },
  async handler({ input, community, member, services, t, clock, locale }) {
    const service = services.recommend;
    const topic = input.topic ? canonicalTopic(input.topic) : undefined;
    const recs = await service.recommend(community, member, { topic, k: 5 });
    if (recs.length === 0 && topic) {
      const topics = await service.knownTopics(community);
      if (!topics.includes(topic)) {
        return {
          tone: 'warning',
          ephemeral: true,
          text: t('recommend:recommend.unknownTopic', {
            topic: topicLabel(topic, locale),
            topics: topicList(topics, locale),
          }),
        };
      }
    }
    if (recs.length === 0) {
      // Said from the member's own data: "you already have everything" only to a member who does.
      const why = await service.whyEmpty(community, member, topic);
      return {
        ephemeral: true,
        text: t(`recommend:recommend.empty.${why}`, { topic: topic ? topicLabel(topic, locale) : '' }),
      };
    }
    const now = clock.now();
    const items: ReplyItem[] = recs.map((r) => ({
      title: r.course.title,
      ...(r.course.url ? { url: r.course.url } : {}),
      description: r.course.description.slice(0, 200),
      meta: `${reasonText(r, t, now, locale)} · ${formatPrice(r.course, t, locale)}`,
    }));
    const buttons: ReplyButton[] = recs.flatMap((r, i) => [
      { label: `${i + 1}. ${t('recommend:buttons.view')}`, action: `/recommend view ${r.course.id}` },
      {
        label: `${i + 1}. ${t(r.course.priceMinor === 0 ? 'recommend:buttons.enrol' : 'recommend:buttons.buy')}`,
        action: buyAction(r.course),
        style: 'primary' as const,
      },
      {
        label: `${i + 1}. ${t('recommend:buttons.dismiss')}`,
        action: `/recommend dismiss ${r.course.id}`,
        style: 'secondary' as const,
      },
    ]);
    return {
      title: topic
        ? t('recommend:recommend.titleTopic', { topic: topicLabel(topic, locale) })
        : t('recommend:recommend.title'),
      items,
      buttons,
      ephemeral: true,
      footer: t('recommend:recommend.footer'),
    };
  },
});

export const recommendViewCommand = defineRecommendCommand({
  name: 'recommend view',
  description: d('Open a recommended course', '查看推荐的课程'),
  permission: 'member',
  hidden: true,
  options: { course: courseId() },
  async handler(ctx) {
    const { input, community, services, t, locale } = ctx;
    const course = await requireCourse(services, community, input.course);
    await recordCourseEvent(ctx, 'course.viewed', course, { via: 'recommend' });
    return {
      title: t('recommend:action.viewed', { course: course.title }),
      text: course.description,
      fields: [
        { name: t('recommend:courses.title'), value: topicList(course.tags, locale) || '-', inline: true },
        { name: t('recommend:buttons.buy'), value: formatPrice(course, t, locale), inline: true },
      ],
      buttons: [
        ...(course.url ? [{ label: t('recommend:buttons.view'), url: course.url }] : []),
        {
          label: t(course.priceMinor === 0 ? 'recommend:buttons.enrol' : 'recommend:buttons.buy'),
          action: buyAction(course),
          style: 'primary' as const,
        },
      ],
      ephemeral: true,
    };
  },
});

/** "Not interested": a negative signal; the course is never recommended to this member again. */
export const recommendDismissCommand = defineRecommendCommand({
  name: 'recommend dismiss',
  description: d('Not interested in this course', '对这门课程不感兴趣'),
  permission: 'member',
  hidden: true,
  options: { course: courseId() },
  async handler(ctx) {
    const { input, community, services, t } = ctx;
    const course = await requireCourse(services, community, input.course);
    await recordCourseEvent(ctx, 'course.dismissed', course, { via: 'recommend' });
    return { ephemeral: true, text: t('recommend:action.dismissed', { course: course.title }) };
  },
});

export const recommendRetrainCommand = defineRecommendCommand({
  name: 'recommend retrain',
  description: d('Retrain the recommender now', '立即重新训练推荐模型'),
  permission: 'moderator',
  slow: true,
  options: {},
  async handler({ community, services, t }) {
    const summary = await services.recommend.retrain(community);
    return { tone: 'success', ephemeral: true, text: t('recommend:retrain.done', summary) };
  },
});
