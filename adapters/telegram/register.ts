import type { Locale } from '../../core/domain/types.ts';
import type { AnyCommand } from '../../core/framework/command.ts';
import { topLevelCommands } from '../shared/command-tree.ts';
import { truncate } from '../shared/split.ts';

export interface BotCommand {
  command: string;
  description: string;
}

/** Telegram menu entries: names of 1–32 of [a-z0-9_], descriptions of 1–256 characters, at most 100. */
export function telegramMenu(commands: readonly AnyCommand[], locale: Locale): BotCommand[] {
  return topLevelCommands(commands)
    .filter((c) => /^[a-z0-9_]{1,32}$/.test(c.name))
    .slice(0, 100)
    .map((c) => {
      const base = c.description[locale];
      const children = c.children.length > 0 ? ` (${c.children.join(', ')})` : '';
      return { command: c.name, description: truncate(base + children, 256) };
    });
}

/** setMyCommands calls to make: the default menu in English and a `zh` menu for Chinese clients. */
export function telegramMenus(
  commands: readonly AnyCommand[],
): Array<{ languageCode?: string; commands: BotCommand[] }> {
  return [
    { commands: telegramMenu(commands, 'en') },
    { languageCode: 'zh', commands: telegramMenu(commands, 'zh-CN') },
  ];
}
