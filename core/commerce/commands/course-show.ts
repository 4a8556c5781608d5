import { option } from '../../framework/options.ts';
import { courseCard } from '../course-card.ts';
import { courseRefDescription, defineCommerceCommand } from './shared.ts';

const courseOption = option.string({ description: courseRefDescription, required: true, maxLength: 40 });
/** Set by a promotion card's buttons: the click is counted for that card. */
export const fromOption = option.string({
  description: {
    en: 'Promotion the click came from (set by card buttons)',
    'zh-CN': '点击来源的推广（由卡片按钮填写）',
  },
  maxLength: 16,
});

export const courseShowCommand = defineCommerceCommand({
  name: 'course show',
  description: { en: 'Show a course: price, model and how to get it', 'zh-CN': '查看课程：价格、付费方式与购买入口' },
  permission: 'member',
  options: { course: courseOption, from: fromOption },
  async handler({ input, member, community, services, t, locale, clock, record }) {
    const { commerce } = services;
    const course = await commerce.findCourse(community.id, input.course);
    const promotionId = input.from ? await validPromotion(services, community.id, input.from, course.id) : null;
    await record({
      verb: 'course.viewed',
      objectType: 'course',
      objectId: course.id,
      targetMemberId: course.creatorId,
      metadata: promotionId ? { via: 'promotion', promotionId } : { via: 'course show' },
    });
    const now = clock.now();
    const access = await commerce.getAccess(course.id);
    const owned = await commerce.activeEntitlement(member, course.id, now);
    return courseCard({
      course,
      creator: course.creatorId ? await services.members.get(course.creatorId) : null,
      access,
      owned,
      locale,
      timeZone: community.timezone,
      t,
      trialAvailable: !owned && Boolean(access?.trialDays) && !(await hadTrial(services, member, course.id)),
    });
  },
});

export const coursePromoteCommand = defineCommerceCommand({
  name: 'course promote',
  description: {
    en: 'Post a labelled course card with tracked buy buttons in this channel',
    'zh-CN': '在本频道发布带标签和可追踪购买按钮的课程卡片',
  },
  permission: 'creator',
  options: { course: courseOption },
  async handler({ input, member, community, channel, services, t, locale, clock, interactionId }) {
    const { commerce, promotions } = services;
    const course = await commerce.findCourse(community.id, input.course);
    commerce.assertManages(member, course);
    await commerce.assertOnSale(course);
    const outcome = await promotions.request(
      community,
      member,
      course,
      channel?.platformChannelId ?? null,
      clock.now(),
      interactionId,
    );
    if (outcome.status === 'pending') {
      return {
        text: t('commerce:promoPending', {
          title: course.title,
          ref: outcome.promotion.id,
          channel: outcome.promotion.channelId,
        }),
        tone: 'info',
        ephemeral: true,
      };
    }
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
      promotionId: outcome.promotion.id,
    });
  },
});

export const courseAccessCommand = defineCommerceCommand({
  name: 'course access',
  description: {
    en: 'Set what a course unlocks: role/channel, period, trial, points, level',
    'zh-CN': '设置课程权益：身份组/频道、每期天数、试用、积分、等级',
  },
  permission: 'creator',
  options: {
    course: courseOption,
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
    trial: option.integer({
      description: { en: 'Free trial days (0 = none)', 'zh-CN': '免费试用天数（0 为无）' },
      min: 0,
      max: 90,
    }),
    points: option.integer({
      description: {
        en: 'Points for one unit of the currency (0 = no points)',
        'zh-CN': '抵扣 1 个货币单位所需积分（0 为不接受）',
      },
      min: 0,
      max: 1_000_000,
    }),
    cap: option.integer({
      description: { en: 'Most of the price points may pay, in %', 'zh-CN': '积分最多抵扣价格的百分比' },
      min: 0,
      max: 100,
    }),
    level: option.integer({
      description: { en: 'Level that unlocks the course (0 = none)', 'zh-CN': '解锁课程所需等级（0 为无）' },
      min: 0,
      max: 1000,
    }),
  },
  async handler({ input, member, community, services, t }) {
    const { commerce, levels } = services;
    const course = await commerce.findCourse(community.id, input.course);
    commerce.assertManages(member, course);
    const clean = (v: string | undefined) =>
      v === undefined ? undefined : v.toLowerCase() === 'none' ? null : v.replace(/^<[@#&!]*|>$/g, '');
    const access = await commerce.setAccess(course, {
      unlockRoleId: clean(input.role),
      unlockChannelId: clean(input.channel),
      periodDays: input.days,
      trialDays: input.trial,
      pointsPerUnit: input.points,
      // Accepting points with no cap given means up to half the price.
      pointsCapPercent: input.cap ?? (input.points ? 50 : undefined),
      unlockLevel: input.level === undefined ? undefined : input.level || null,
    });
    if (input.level) {
      // The level's reward names the course, so reaching the level gives it (and the role, if one is set there).
      const current = (await levels.rewards(community.id)).find((r) => r.level === input.level);
      await levels.setReward({
        communityId: community.id,
        level: input.level,
        roleId: current?.roleId ?? null,
        courseId: course.id,
      });
    }
    const role = access.unlockRoleId ? t('commerce:accessRole', { role: access.unlockRoleId }) : '';
    const channel = access.unlockChannelId ? t('commerce:accessChannel', { channel: access.unlockChannelId }) : '';
    const extras = [
      access.trialDays ? t('commerce:accessTrial', { days: access.trialDays }) : '',
      access.pointsPerUnit
        ? t('commerce:accessPoints', { rate: access.pointsPerUnit, cap: access.pointsCapPercent })
        : '',
      access.unlockLevel ? t('commerce:accessLevel', { level: access.unlockLevel }) : '',
    ].join('');
    return {
      text: t('commerce:accessSet', {
        title: course.title,
        role: role || channel ? role : t('commerce:accessNothing'),
        channel: role && channel ? `, ${channel.trim()}` : channel,
        days: access.periodDays,
        extras,
      }),
      tone: 'success',
    };
  },
});

/** A `from:` value counts only when it names a posted promotion of this very course (buttons can be forged). */
export async function validPromotion(
  services: { promotions: { get(c: string, id: string): Promise<{ courseId: string; status: string; id: string }> } },
  communityId: string,
  ref: string,
  courseId: string,
): Promise<string | null> {
  try {
    const promotion = await services.promotions.get(communityId, ref);
    return promotion.courseId === courseId && promotion.status === 'posted' ? promotion.id : null;
  } catch {
    return null;
  }
}

async function hadTrial(
  services: {
    commerce: { entitlements(m: { communityId: string; id: string }): Promise<{ courseId: string; source: string }[]> };
  },
  member: { communityId: string; id: string },
  courseId: string,
): Promise<boolean> {
  return (await services.commerce.entitlements(member)).some((e) => e.courseId === courseId && e.source === 'trial');
}
