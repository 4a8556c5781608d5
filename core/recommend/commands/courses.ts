import { canonicalTopic, topicLabel, topicList } from '../../domain/glossary.ts';
import { option } from '../../framework/options.ts';
import { isPastEnd, pageButtons, pageFooter, pageOfList, pageOption, pageRequest } from '../../framework/paging.ts';
import { d, defineRecommendCommand, formatPrice } from './shared.ts';

const PAGE = 10;

/** `/courses [topic]`: the catalogue, newest first. */
export const coursesCommand = defineRecommendCommand({
  name: 'courses',
  description: d('Browse the course catalogue', '浏览课程目录'),
  permission: 'member',
  options: {
    topic: option.string({
      description: d('Only this topic, e.g. data', '只看这个主题，例如 data'),
      rest: true,
      maxLength: 40,
    }),
    page: pageOption,
  },
  async handler({ input, community, services, t, locale }) {
    // 投资 and investing are one topic: a course matches when one of its tags names the same concept.
    const topic = input.topic ? canonicalTopic(input.topic) : undefined;
    const courses = (await services.courses.list(community.id, { limit: 500 }))
      .filter((c) => !topic || c.tags.some((tag) => canonicalTopic(tag) === topic))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id));
    if (courses.length === 0) {
      return {
        ephemeral: true,
        text: topic
          ? t('recommend:courses.emptyTopic', { topic: topicLabel(topic, locale) })
          : t('recommend:courses.empty'),
      };
    }
    const page = pageOfList(courses, pageRequest(input.page, PAGE));
    if (isPastEnd(page)) return { ephemeral: true, text: t('common:paging.pastEnd', { page: page.page }) };
    const shown = page.items;
    return {
      title: topic
        ? t('recommend:courses.titleTopic', { topic: topicLabel(topic, locale) })
        : t('recommend:courses.title'),
      items: shown.map((c) => ({
        title: c.title,
        ...(c.url ? { url: c.url } : {}),
        description: c.description.slice(0, 200),
        meta: `${topicList(c.tags, locale)} · ${formatPrice(c, t, locale)}`,
      })),
      buttons: [
        ...shown.slice(0, 5).map((c) => ({ label: c.title.slice(0, 40), action: `/recommend view ${c.id}` })),
        ...pageButtons(page, topic ? `/courses ${topic}` : '/courses', t),
      ],
      footer: pageFooter(page, t) ?? undefined,
    };
  },
});

/** `/search <query>`: semantic search over the catalogue, in Chinese or English. */
export const searchCommand = defineRecommendCommand({
  name: 'search',
  description: d('Search the courses by meaning', '按语义搜索课程'),
  permission: 'member',
  slow: true,
  options: {
    query: option.string({
      description: d('What you want to learn', '你想学什么'),
      required: true,
      rest: true,
      maxLength: 200,
    }),
  },
  async handler({ input, community, services, t, locale, record }) {
    const hits = await services.recommend.search(community, input.query, 5);
    await record({
      verb: 'search.performed',
      objectType: 'query',
      objectId: input.query.slice(0, 100),
      metadata: { query: input.query, results: hits.length },
    });
    if (hits.length === 0) return { ephemeral: true, text: t('recommend:search.empty', { query: input.query }) };
    return {
      title: t('recommend:search.title', { query: input.query }),
      items: hits.map((h) => ({
        title: h.course.title,
        ...(h.course.url ? { url: h.course.url } : {}),
        description: h.course.description.slice(0, 200),
        meta: `${topicList(h.course.tags, locale)} · ${formatPrice(h.course, t, locale)}`,
      })),
      buttons: hits.map((h, i) => ({
        label: `${i + 1}. ${t('recommend:buttons.view')}`,
        action: `/recommend view ${h.course.id}`,
      })),
      ephemeral: true,
    };
  },
});
