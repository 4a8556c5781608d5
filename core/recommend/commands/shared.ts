import { topicLabel, topicList } from '../../domain/glossary.ts';
import { formatPrice as formatMoney } from '../../domain/money.ts';
import type { Community, Course, EventVerb, Locale } from '../../domain/types.ts';
import { UserError } from '../../errors.ts';
import { type CommandContext, commandsFor } from '../../framework/command.ts';
import type { CoreServices } from '../../framework/core-services.ts';
import type { Translate } from '../../i18n/translate.ts';
import type { CourseRecommendation, CourseRecommender } from '../../ports/recommender.ts';

export const d = (en: string, zh: string) => ({ en, 'zh-CN': zh });

/** The recommend feature's handles, as its commands see them in `ctx.services`. */
export interface RecommendHandles {
  /** Course recommendations and semantic course search. */
  recommend: CourseRecommender;
}

/** defineCommand for the recommend feature's commands. */
export const defineRecommendCommand = commandsFor<RecommendHandles>();

type RecommendContext = CommandContext<unknown, CoreServices & RecommendHandles>;

/** The price as commerce shows it, with the payment model: "US$19.00 / month". */
export function formatPrice(course: Course, t: Translate, locale: Locale): string {
  if (course.priceMinor === 0) return t('recommend:price.free');
  return t(`recommend:price.${course.paymentModel}`, {
    price: formatMoney(course.priceMinor, course.currency, locale),
  });
}

/** A buy (or enrol) button leads to commerce's `/buy`, so a course taken from a recommendation is owned like any other. */
export function buyAction(course: Course): string {
  return `/buy ${course.id}`;
}

const WEEK_MS = 7 * 86_400_000;

/** The one-line "why" under every recommendation. */
export function reasonText(rec: CourseRecommendation, t: Translate, now: Date, locale: Locale): string {
  const { reason } = rec;
  // Topics are canonical tags (`data`); a reader sees them in their own language.
  const label = (topic: string) => topicLabel(topic, locale);
  switch (reason.kind) {
    case 'similar':
      return t('recommend:reason.becauseYouRead', { course: reason.to.title });
    case 'topic':
      return t('recommend:reason.topic', { topic: label(reason.topic) });
    case 'group':
      return t('recommend:reason.group', { topics: topicList(reason.topics, locale) });
    case 'peers':
      return t('recommend:reason.collaborative');
    case 'author':
      return t('recommend:reason.author');
    case 'trending':
      return t('recommend:reason.trending');
    case 'popular':
      return t('recommend:reason.popular');
    case 'explore':
      return reason.topic
        ? t('recommend:reason.explore', { topic: label(reason.topic) })
        : t('recommend:reason.exploreAny');
    case 'new':
      return now.getTime() - rec.course.createdAt.getTime() <= WEEK_MS
        ? t('recommend:reason.newThisWeek', { topic: label(reason.topic) })
        : t('recommend:reason.newRecently', { topic: label(reason.topic) });
  }
}

export async function requireCourse(services: CoreServices, community: Community, id: string): Promise<Course> {
  const course = await services.courses.get(id);
  if (!course || course.communityId !== community.id) {
    throw new UserError('COURSE_UNKNOWN', 'recommend:action.unknownCourse', { id });
  }
  return course;
}

/** Button actions are behaviour: they go to the interaction log the recommender learns from. */
export async function recordCourseEvent(
  ctx: Pick<RecommendContext, 'record'>,
  verb: EventVerb,
  course: Course,
  metadata: Record<string, unknown> = {},
): Promise<void> {
  await ctx.record({
    verb,
    objectType: 'course',
    objectId: course.id,
    targetMemberId: course.creatorId,
    metadata: { ...metadata, topics: course.tags },
  });
}
