import { hasPermission } from '../../domain/types.ts';
import { defineCommand, optionEntries } from '../../framework/command.ts';
import { option } from '../../framework/options.ts';
import { usageOf } from '../../framework/usage.ts';

/** Lists the commands the caller may use, or explains one. Reads the dispatcher's list of every installed feature's commands. */
export const helpCommand = defineCommand({
  name: 'help',
  description: { en: 'List the commands you can use', 'zh-CN': '列出你可以使用的命令' },
  permission: 'member',
  options: {
    command: option.string({
      description: { en: 'A command to explain, e.g. tip', 'zh-CN': '要查看的命令，例如 tip' },
      rest: true,
      maxLength: 60,
    }),
  },
  async handler({ input, member, locale, t, commands }) {
    const visible = commands().filter((c) => !c.hidden && hasPermission(member.role, c.permission));
    if (input.command) {
      const wanted = input.command.replace(/^\//, '').trim().toLowerCase();
      const command = commands().find((c) => c.name === wanted && !c.hidden);
      // A command group (`/help source`): its sub-commands, each with who may use it.
      const family = commands().filter((c) => !c.hidden && c.name.startsWith(`${wanted} `));
      if (!command && family.length > 0) {
        return {
          title: t('common:help.detailTitle', { command: wanted }),
          items: family.map((c) => ({
            title: usageOf(c),
            description: c.description[locale],
            meta: t(`common:roles.${c.permission}`),
          })),
          footer: t('common:help.footer'),
        };
      }
      if (!command) return { text: t('common:help.noSuchCommand', { command: wanted }), tone: 'error' };
      return {
        title: t('common:help.detailTitle', { command: command.name }),
        text: command.description[locale],
        fields: [
          { name: t('common:help.usage'), value: usageOf(command) },
          { name: t('common:help.permission'), value: t(`common:roles.${command.permission}`) },
          ...optionEntries(command).map(([name, spec]) => ({
            name: `${name} (${spec.required ? t('common:help.required') : t('common:help.optional')})`,
            value: spec.description[locale],
          })),
        ],
      };
    }
    return {
      title: t('common:help.title'),
      items: visible.map((c) => ({ title: usageOf(c), description: c.description[locale] })),
      footer: t('common:help.footer'),
    };
  },
});
