import type { ReplyButton, ReplyItem } from '../../domain/reply.ts';
import { defineCommand } from '../../framework/command.ts';
import { option } from '../../framework/options.ts';
import { buyAction, d, formatPrice, reasonText, recommendOf, recordCourseEvent, requireCourse } from './shared.ts';

const courseId = () => option.string({ description: d('Course id', '课程 id'), required: true, maxLength: 40 });

/** `/recommend [topic]`: the member's top picks, each with its reason and view / enrol / not-interested buttons. */
export const recommendCommand = defineCommand({
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
    const service = recommendOf(services);
    const topic = input.topic?.toLowerCase();
    const recs = await service.recommend(community, member, { topic, k: 5 });
    if (recs.length === 0 && topic) {
      const topics = await service.knownTopics(community);
      if (!topics.includes(topic)) {
        return {
          tone: 'warning',
          ephemeral: true,
          text: t('recommend:recommend.unknownTopic', { topic, topics: topics.join(', ') }),
        };
      }
    }
    if (recs.length === 0) return { ephemeral: true, text: t('recommend:recommend.empty') };
    const now = clock.now();
    const items: ReplyItem[] = recs.map((r) => ({
      title: r.course.title,
      ...(r.course.url ? { url: r.course.url } : {}),
      description: r.course.description.slice(0, 200),
      meta: `${reasonText(r, t, now)} · ${formatPrice(r.course, t, locale)}`,
    }));
    const buttons: ReplyButton[] = recs.flatMap((r, i) => [
      { label: `${i + 1}. ${t('recommend:buttons.view')}`, action: `/recommend view ${r.course.id}` },
      {
        label: `${i + 1}. ${t(r.course.priceMinor === 0 ? 'recommend:buttons.enrol' : 'recommend:buttons.buy')}`,
        action: buyAction(services, r.course),
        style: 'primary' as const,
      },
      {
        label: `${i + 1}. ${t('recommend:buttons.dismiss')}`,
        action: `/recommend dismiss ${r.course.id}`,
        style: 'secondary' as const,
      },
    ]);
    return {
      title: topic ? t('recommend:recommend.titleTopic', { topic }) : t('recommend:recommend.title'),
      items,
      buttons,
      ephemeral: true,
      footer: t('recommend:recommend.footer'),
    };
  },
});

export const recommendViewCommand = defineCommand({
  name: 'recommend view',
  description: d('Open a recommended course', '查看推荐的课程'),
  permission: 'member',
  hidden: true,
  options: { course: courseId() },
  async handler(ctx) {
    const { input, community, member, services, t, locale } = ctx;
    const course = await requireCourse(services, community, input.course);
    await recordCourseEvent(ctx, member, 'course.viewed', course, { via: 'recommend' });
    return {
      title: t('recommend:action.viewed', { course: course.title }),
      text: course.description,
      fields: [
        { name: t('recommend:courses.title'), value: course.tags.join(', ') || '-', inline: true },
        { name: t('recommend:buttons.buy'), value: formatPrice(course, t, locale), inline: true },
      ],
      buttons: [
        ...(course.url ? [{ label: t('recommend:buttons.view'), url: course.url }] : []),
        {
          label: t(course.priceMinor === 0 ? 'recommend:buttons.enrol' : 'recommend:buttons.buy'),
          action: buyAction(services, course),
          style: 'primary' as const,
        },
      ],
      ephemeral: true,
    };
  },
});

/** Free courses are enrolled at once; paid ones point to where they are bought (payments are not handled here). */
export const recommendEnrolCommand = defineCommand({
  name: 'recommend enrol',
  description: d('Enrol in (or buy) a recommended course', '报名（或购买）推荐的课程'),
  permission: 'member',
  hidden: true,
  options: { course: courseId() },
  async handler(ctx) {
    const { input, community, member, services, t, locale } = ctx;
    const course = await requireCourse(services, community, input.course);
    if (course.priceMinor === 0) {
      await recordCourseEvent(ctx, member, 'course.enrolled', course, { via: 'recommend' });
      return { tone: 'success', ephemeral: true, text: t('recommend:action.enrolled', { course: course.title }) };
    }
    await recordCourseEvent(ctx, member, 'course.viewed', course, { via: 'recommend', intent: 'buy' });
    const price = formatPrice(course, t, locale);
    return {
      ephemeral: true,
      text: t(course.url ? 'recommend:action.buy' : 'recommend:action.buyNoUrl', { course: course.title, price }),
      ...(course.url ? { buttons: [{ label: t('recommend:buttons.buy'), url: course.url }] } : {}),
    };
  },
});

/** "Not interested": a negative signal; the course is never recommended to this member again. */
export const recommendDismissCommand = defineCommand({
  name: 'recommend dismiss',
  description: d('Not interested in this course', '对这门课程不感兴趣'),
  permission: 'member',
  hidden: true,
  options: { course: courseId() },
  async handler(ctx) {
    const { input, community, member, services, t } = ctx;
    const course = await requireCourse(services, community, input.course);
    await recordCourseEvent(ctx, member, 'course.dismissed', course, { via: 'recommend' });
    return { ephemeral: true, text: t('recommend:action.dismissed', { course: course.title }) };
  },
});

export const recommendRetrainCommand = defineCommand({
  name: 'recommend retrain',
  description: d('Retrain the recommender now', '立即重新训练推荐模型'),
  permission: 'moderator',
  slow: true,
  options: {},
  async handler({ community, services, t }) {
    const service = recommendOf(services);
    const summary = await service.retrainNow(community);
    return { tone: 'success', ephemeral: true, text: t('recommend:retrain.done', summary) };
  },
});
