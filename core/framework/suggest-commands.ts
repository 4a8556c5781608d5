import { hasPermission, type PermissionLevel } from '../domain/types.ts';
import type { AnyCommand } from './command.ts';
import { distance } from './topics.ts';

const MAX_SUGGESTIONS = 4;
/** Words members reach for that a command names otherwise (`/course create` is /course add). */
const SYNONYMS: Record<string, string> = { create: 'add', new: 'add', delete: 'archive', remove: 'archive' };

/**
 * What a member who typed an unknown command probably meant, among the commands they may run: the commands of the
 * group they named (`/course create` → /course add, /course show …), else commands whose first word is a typo away
 * (`/recomend` → /recommend). Hidden commands (button targets) are never suggested.
 */
export function suggestCommands(
  words: readonly string[],
  commands: Iterable<AnyCommand>,
  role: PermissionLevel,
): string[] {
  const first = words[0]?.toLowerCase() ?? '';
  if (!first) return [];
  const usable = [...commands].filter((c) => !c.hidden && hasPermission(role, c.permission));
  const group = usable.filter((c) => c.name.startsWith(`${first} `) || c.name === first);
  const typed = words[1]?.toLowerCase();
  const second = typed ? (SYNONYMS[typed] ?? typed) : undefined;
  const picked =
    group.length > 0
      ? // In a group, the sub-command nearest to what was typed comes first (`/course ad` → /course add).
        [...group].sort(
          (a, b) =>
            (second
              ? distance(second, a.name.split(' ')[1] ?? '') - distance(second, b.name.split(' ')[1] ?? '')
              : 0) || a.name.localeCompare(b.name),
        )
      : first.length >= 4
        ? usable.filter((c) => distance(first, c.name.split(' ')[0] as string) <= 2)
        : [];
  const names = [...new Set(picked.map((c) => `/${c.name}`))];
  return names.slice(0, MAX_SUGGESTIONS);
}
