import type { Locale } from '../../core/domain/types.ts';
import type { AnyCommand } from '../../core/framework/command.ts';

/**
 * Top-level command names with a description, for platforms that register only the first word
 * (Telegram's command menu, Slack slash commands). `digest preview` and `digest` both register as `digest`.
 */
export interface TopLevelCommand {
  name: string;
  description: Record<Locale, string>;
  /** Sub-paths under this name, e.g. ['preview', 'schedule add']. */
  children: string[];
}

export function topLevelCommands(commands: readonly AnyCommand[]): TopLevelCommand[] {
  const byName = new Map<string, TopLevelCommand>();
  for (const command of commands) {
    if (command.hidden) continue;
    const [head = '', ...tail] = command.name.split(' ');
    let entry = byName.get(head);
    if (!entry) {
      entry = { name: head, description: { ...command.description }, children: [] };
      byName.set(head, entry);
    }
    if (tail.length === 0) entry.description = { ...command.description };
    else entry.children.push(tail.join(' '));
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
