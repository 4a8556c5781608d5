import { option } from '../../framework/options.ts';
import { formatDate } from '../course-card.ts';
import { defineCommerceCommand } from './shared.ts';

/** `/course grant @member <course>`: a creator (or moderator) gives a course away, without an order. */
export const courseGrantCommand = defineCommerceCommand({
  name: 'course grant',
  description: { en: 'Give a member a course (a comp or a prize)', 'zh-CN': '赠送成员一门课程' },
  permission: 'creator',
  options: {
    member: option.member({ description: { en: 'Who gets it', 'zh-CN': '获赠成员' }, required: true }),
    course: option.string({ description: { en: 'Course #id', 'zh-CN': '课程 #编号' }, required: true, maxLength: 40 }),
  },
  async handler({ input, member, community, services, t, locale, clock }) {
    const { commerce } = services;
    const course = await commerce.findCourse(community.id, input.course);
    const { entitlement, created } = await commerce.grant(community, member, input.member, course, clock.now());
    const until = entitlement.expiresAt
      ? t('commerce:card.until', { date: formatDate(entitlement.expiresAt, locale, community.timezone) })
      : '';
    return {
      text: t(created ? 'commerce:granted' : 'commerce:grantedAlready', {
        member: input.member.displayName,
        title: course.title,
        until,
      }),
      tone: created ? 'success' : 'info',
    };
  },
});
