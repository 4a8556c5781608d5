import { UserError } from '../../errors.ts';
import { option } from '../../framework/options.ts';
import { pointsForLevel } from '../levels.ts';
import { courseRefDescription, defineCommerceCommand } from './shared.ts';

export const levelCommand = defineCommerceCommand({
  name: 'level',
  description: {
    en: 'Your level from points earned, and what the next gives',
    'zh-CN': '你的等级（按累计获得积分）及下一级奖励',
  },
  permission: 'member',
  options: {},
  async handler({ member, community, services, t, clock }) {
    const { levels } = services;
    if (!(await levels.enabled(community.id))) throw new UserError('LEVELS_DISABLED', 'commerce:errors.levelsDisabled');
    // Reading your level also brings its rewards in step (the periodic sync does it for everyone else).
    await levels.sync(community, member, clock.now());
    const { level, earned, next } = await levels.progress(member);
    const rewards = await levels.rewards(community.id);
    return {
      title: t('commerce:levelTitle'),
      text: t('commerce:levelLine', { level, earned, next, nextLevel: level + 1 }),
      items: await rewardItems(services, rewards, t, levels.basePoints),
      ephemeral: true,
    };
  },
});

export const levelsToggleCommand = defineCommerceCommand({
  name: 'levels setup',
  description: { en: 'Turn levels on or off; list their rewards', 'zh-CN': '开启或关闭等级；查看等级奖励' },
  permission: 'moderator',
  options: {
    state: option.choice({ description: { en: 'on or off', 'zh-CN': 'on 或 off' }, choices: ['on', 'off'] as const }),
  },
  async handler({ input, member, community, services, t, clock }) {
    const { levels } = services;
    if (input.state) await levels.setEnabled(community, input.state === 'on', member, clock.now());
    const on = await levels.enabled(community.id);
    const rewards = await levels.rewards(community.id);
    return {
      title: t('commerce:levelRewardsTitle'),
      text: on
        ? t('commerce:levelsOn', { base: levels.basePoints })
        : t(input.state ? 'commerce:levelsTurnedOff' : 'commerce:levelsOff'),
      items: await rewardItems(services, rewards, t, levels.basePoints),
      tone: input.state ? 'success' : 'info',
    };
  },
});

export const levelsRewardCommand = defineCommerceCommand({
  name: 'levels reward',
  description: {
    en: 'Set what reaching a level gives: a role and/or a course',
    'zh-CN': '设置达到某等级的奖励：身份组和/或课程',
  },
  permission: 'moderator',
  options: {
    level: option.integer({
      description: { en: 'Level (1 or more)', 'zh-CN': '等级（1 及以上）' },
      required: true,
      min: 1,
      max: 1000,
    }),
    role: option.string({
      description: { en: 'Platform role id (or "none")', 'zh-CN': '身份组 ID（或 none）' },
      maxLength: 64,
    }),
    course: option.string({ description: courseRefDescription, maxLength: 40 }),
    remove: option.boolean({ description: { en: 'Remove this level’s reward', 'zh-CN': '移除该等级的奖励' } }),
  },
  async handler({ input, community, services, t }) {
    const { levels, commerce } = services;
    if (input.remove) {
      const removed = await levels.removeReward(community.id, input.level);
      return {
        text: t(removed ? 'commerce:levelRewardRemoved' : 'commerce:levelRewardNone', { level: input.level }),
        tone: 'success',
      };
    }
    const current = (await levels.rewards(community.id)).find((r) => r.level === input.level);
    const course = input.course ? await commerce.findCourse(community.id, input.course) : null;
    const role =
      input.role === undefined
        ? (current?.roleId ?? null)
        : input.role.toLowerCase() === 'none'
          ? null
          : input.role.replace(/^<@&|>$/g, '');
    await levels.setReward({
      communityId: community.id,
      level: input.level,
      roleId: role,
      courseId: course?.id ?? current?.courseId ?? null,
    });
    const courseTitle =
      course?.title ?? (current?.courseId ? (await services.courses.get(current.courseId))?.title : null);
    return {
      text: t('commerce:levelRewardSet', { level: input.level, rewards: rewardText(t, role, courseTitle ?? null) }),
      tone: 'success',
    };
  },
});

async function rewardItems(
  services: { courses: { get(id: string): Promise<{ title: string } | null> } },
  rewards: { level: number; roleId: string | null; courseId: string | null }[],
  t: (k: string, p?: Record<string, unknown>) => string,
  base: number,
) {
  return Promise.all(
    rewards.map(async (r) => ({
      title: t('commerce:levelRewardLine', {
        level: r.level,
        points: pointsForLevel(r.level, base),
        rewards: rewardText(
          t,
          r.roleId,
          r.courseId ? ((await services.courses.get(r.courseId))?.title ?? r.courseId) : null,
        ),
      }),
    })),
  );
}

/** "the role r1 and the course “X”" / "身份组 r1和课程《X》". */
function rewardText(t: (k: string, p?: Record<string, unknown>) => string, role: string | null, course: string | null) {
  const parts = [
    role ? t('commerce:levelRewardRole', { role }) : '',
    course ? t('commerce:levelRewardCourse', { title: course }) : '',
  ].filter(Boolean);
  return parts.length ? parts.join(t('commerce:levelRewardJoin')) : t('commerce:levelRewardNothing');
}
