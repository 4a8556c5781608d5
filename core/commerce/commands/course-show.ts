import { option } from '../../framework/options.ts';
import { courseCard } from '../course-card.ts';
import { defineCommerceCommand } from './shared.ts';

const courseRef = option.string({
  description: { en: 'Course #id', 'zh-CN': '课程 #编号' },
  required: true,
  maxLength: 40,
});

export const courseShowCommand = defineCommerceCommand({
  name: 'course show',
  description: { en: 'Show a course: price, model and how to get it', 'zh-CN': '查看课程：价格、付费方式与购买入口' },
  permission: 'member',
  options: { course: courseRef },
  async handler({ input, member, community, services, t, locale, clock, record }) {
    const { commerce } = services;
    const course = await commerce.findCourse(community.id, input.course);
    await record({
      verb: 'course.viewed',
      objectType: 'course',
      objectId: course.id,
      targetMemberId: course.creatorId,
      metadata: { via: 'course show' },
    });
    return courseCard({
      course,
      creator: course.creatorId ? await services.members.get(course.creatorId) : null,
      access: await commerce.getAccess(course.id),
      owned: await commerce.activeEntitlement(member, course.id, clock.now()),
      locale,
      timeZone: community.timezone,
      t,
    });
  },
});

export const coursePromoteCommand = defineCommerceCommand({
  name: 'course promote',
  description: {
    en: 'Post a course card with buy buttons in this channel',
    'zh-CN': '在本频道发布带购买按钮的课程卡片',
  },
  permission: 'creator',
  options: { course: courseRef },
  async handler({ input, member, community, services, t, locale }) {
    const { commerce } = services;
    const course = await commerce.findCourse(community.id, input.course);
    commerce.assertManages(member, course);
    const creator = course.creatorId ? await services.members.get(course.creatorId) : member;
    return courseCard({
      course,
      creator,
      access: await commerce.getAccess(course.id),
      owned: null,
      locale,
      timeZone: community.timezone,
      t,
      title: t('commerce:promoted', { creator: creator?.displayName ?? member.displayName }),
    });
  },
});

export const courseAccessCommand = defineCommerceCommand({
  name: 'course access',
  description: {
    en: 'Set the role/channel a course unlocks and its period',
    'zh-CN': '设置课程解锁的身份组/频道及每期天数',
  },
  permission: 'creator',
  options: {
    course: courseRef,
    role: option.string({
      description: { en: 'Platform role id to grant owners (or "none")', 'zh-CN': '授予拥有者的身份组 ID（或 none）' },
      maxLength: 64,
    }),
    channel: option.string({
      description: { en: 'Platform channel id to open (or "none")', 'zh-CN': '开放的频道 ID（或 none）' },
      maxLength: 64,
    }),
    days: option.integer({
      description: { en: 'Days in one subscription/membership period', 'zh-CN': '订阅/会员每期天数' },
      min: 1,
      max: 3660,
    }),
  },
  async handler({ input, member, community, services, t }) {
    const { commerce } = services;
    const course = await commerce.findCourse(community.id, input.course);
    commerce.assertManages(member, course);
    const clean = (v: string | undefined) =>
      v === undefined ? undefined : v.toLowerCase() === 'none' ? null : v.replace(/^<[@#&!]*|>$/g, '');
    const access = await commerce.setAccess(course, {
      unlockRoleId: clean(input.role),
      unlockChannelId: clean(input.channel),
      periodDays: input.days,
    });
    const role = access.unlockRoleId ? t('commerce:accessRole', { role: access.unlockRoleId }) : '';
    const channel = access.unlockChannelId ? t('commerce:accessChannel', { channel: access.unlockChannelId }) : '';
    return {
      text: t('commerce:accessSet', {
        title: course.title,
        role: role || channel ? role : t('commerce:accessNothing'),
        channel: role && channel ? `, ${channel.trim()}` : channel,
        days: access.periodDays,
      }),
      tone: 'success',
    };
  },
});
