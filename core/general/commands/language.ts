import { defineCommand } from '../../framework/command.ts';
import { option } from '../../framework/options.ts';
import { LOCALE_ALIASES } from '../../i18n/translate.ts';

/** A member picks the language Cohort speaks to them (unless the community fixes one). */
export const languageCommand = defineCommand({
  name: 'language',
  description: { en: 'Choose the language Cohort uses with you', 'zh-CN': '选择 Cohort 与你交流的语言' },
  permission: 'member',
  options: {
    language: option.choice({
      description: {
        en: 'en or zh-CN (also zh, cn, 中文, english)',
        'zh-CN': 'en 或 zh-CN（也可写 zh、cn、中文、english）',
      },
      choices: ['en', 'zh-CN'] as const,
      aliases: LOCALE_ALIASES,
      required: true,
    }),
  },
  async handler({ input, member, services }) {
    const locale = input.language;
    await services.members.setLocale(member.id, locale);
    return { text: services.translator.forLocale(locale)('common:settings.languageSet'), tone: 'success' };
  },
});
