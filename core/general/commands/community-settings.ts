import { UserError } from '../../errors.ts';
import { defineCommand } from '../../framework/command.ts';
import { isValidTimezone } from '../../framework/cron-slots.ts';
import { option } from '../../framework/options.ts';
import { LOCALE_ALIASES } from '../../i18n/translate.ts';

export const communityTimezoneCommand = defineCommand({
  name: 'community timezone',
  description: {
    en: 'Set the community timezone (schedules, daily allowances)',
    'zh-CN': '设置社区时区（定时推送、每日额度）',
  },
  permission: 'admin',
  options: {
    timezone: option.string({
      description: { en: 'IANA timezone, e.g. Asia/Shanghai', 'zh-CN': 'IANA 时区，例如 Asia/Shanghai' },
      required: true,
      maxLength: 64,
    }),
  },
  async handler({ input, community, services, t }) {
    if (!isValidTimezone(input.timezone)) {
      throw new UserError('TIMEZONE_INVALID', 'common:settings.timezoneInvalid', { timezone: input.timezone });
    }
    await services.communities.update(community.id, { timezone: input.timezone });
    return { text: t('common:settings.timezoneSet', { timezone: input.timezone }), tone: 'success' };
  },
});

export const communityLanguageCommand = defineCommand({
  name: 'community language',
  description: { en: 'Fix one language for everyone, or `auto`', 'zh-CN': '为所有人固定一种语言，或 `auto`' },
  permission: 'admin',
  options: {
    language: option.choice({
      description: { en: 'en, zh-CN or auto', 'zh-CN': 'en、zh-CN 或 auto' },
      choices: ['en', 'zh-CN', 'auto'] as const,
      aliases: LOCALE_ALIASES,
      required: true,
    }),
  },
  async handler({ input, community, services, t }) {
    const locale = input.language === 'auto' ? null : input.language;
    await services.communities.update(community.id, { locale });
    if (!locale) return { text: t('common:settings.communityLanguageCleared'), tone: 'success' };
    const tl = services.translator.forLocale(locale);
    return {
      text: tl('common:settings.communityLanguageSet', { language: tl(`common:settings.languages.${locale}`) }),
      tone: 'success',
    };
  },
});

export const roleSetCommand = defineCommand({
  name: 'role set',
  description: { en: 'Give a member a Cohort role', 'zh-CN': '为成员设置 Cohort 角色' },
  permission: 'admin',
  options: {
    member: option.member({ description: { en: 'Who', 'zh-CN': '成员' }, required: true }),
    role: option.choice({
      description: { en: 'member, creator, moderator or admin', 'zh-CN': 'member、creator、moderator 或 admin' },
      choices: ['member', 'creator', 'moderator', 'admin'] as const,
      required: true,
    }),
  },
  async handler({ input, member, services, t }) {
    if (input.member.id === member.id) throw new UserError('ROLE_SELF', 'common:settings.roleSelf');
    const updated = await services.members.setRole(input.member.id, input.role);
    return {
      text: t('common:settings.roleSet', { name: updated.displayName, role: t(`common:roles.${input.role}`) }),
      tone: 'success',
    };
  },
});
