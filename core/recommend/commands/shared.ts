import { formatPrice as formatMoney } from '../../domain/money.ts';
import type { Community, Course, EventVerb, Locale, Member } from '../../domain/types.ts';
import { UserError } from '../../errors.ts';
import type { CommandContext } from '../../framework/command.ts';
import type { Translate } from '../../i18n/translate.ts';
import type { Services } from '../../services.ts';
import type { Recommendation, RecommendService } from '../service.ts';

export const d = (en: string, zh: string) => ({ en, 'zh-CN': zh });

/** The recommender, or a clear error when this bot runs without it. */
export function recommendOf(services: Services): RecommendService {
  const service = services.recommend;
  if (!service) throw new UserError('RECOMMEND_UNAVAILABLE', 'recommend:errors.unavailable');
  return service;
}

/** The price as commerce shows it, with the payment model: "US$19.00 / month". */
export function formatPrice(course: Course, t: Translate, locale: Locale): string {
  if (course.priceMinor === 0) return t('recommend:price.free');
  return t(`recommend:price.${course.paymentModel}`, {
    price: formatMoney(course.priceMinor, course.currency, locale),
  });
}

/**
 * Where a buy/enrol button leads: commerce's `/buy` (orders, entitlements, unlocks) whenever it is wired,
 * so a course bought from a recommendation is owned like any other; the recommender's own enrol otherwise.
 */
export function buyAction(services: Services, course: Course): string {
  return services.commerce ? `/buy ${course.id}` : `/recommend enrol ${course.id}`;
}

const WEEK_MS = 7 * 86_400_000;

/** The one-line "why" under every recommendation. */
export function reasonText(rec: Recommendation, t: Translate, now: Date): string {
  const { reason } = rec;
  const topic = reason.topic ?? rec.course.tags[0] ?? '';
  switch (reason.signal) {
    case 'itemKnn':
    case 'content':
      return rec.becauseOf
        ? t('recommend:reason.becauseYouRead', { course: rec.becauseOf.title })
        : t('recommend:reason.topic', { topic });
    case 'topic':
      return t('recommend:reason.topic', { topic });
    case 'group':
      return rec.groupLabel.length > 0
        ? t('recommend:reason.group', { topics: rec.groupLabel.join(', ') })
        : t('recommend:reason.popular');
    case 'cf':
    case 'peers':
      return t('recommend:reason.collaborative');
    case 'author':
      return t('recommend:reason.author');
    case 'trendShort':
    case 'trendLong':
    case 'lastActive':
    case 'justActive':
      return t('recommend:reason.trending');
    case 'popularity':
      return t('recommend:reason.popular');
    default:
      return now.getTime() - rec.course.createdAt.getTime() <= WEEK_MS
        ? t('recommend:reason.newThisWeek', { topic })
        : t('recommend:reason.newRecently', { topic });
  }
}

export async function requireCourse(services: Services, community: Community, id: string): Promise<Course> {
  const course = await services.courses.get(id);
  if (!course || course.communityId !== community.id) {
    throw new UserError('COURSE_UNKNOWN', 'recommend:action.unknownCourse', { id });
  }
  return course;
}

/** Button actions are behaviour: they go to the interaction log the recommender learns from. */
export async function recordCourseEvent(
  ctx: Pick<CommandContext, 'services' | 'community' | 'channel' | 'platform' | 'clock'>,
  member: Member,
  verb: EventVerb,
  course: Course,
  metadata: Record<string, unknown> = {},
): Promise<void> {
  await ctx.services.events.append({
    communityId: ctx.community.id,
    actorId: member.id,
    verb,
    objectType: 'course',
    objectId: course.id,
    targetMemberId: course.creatorId,
    channelId: ctx.channel?.id ?? null,
    platform: ctx.platform,
    occurredAt: ctx.clock.now(),
    metadata: { ...metadata, topics: course.tags },
  });
}
