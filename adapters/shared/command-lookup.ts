import type { AnyCommand } from '../../core/framework/command.ts';

/**
 * Finds which command a text line names, longest path first (`digest preview` before `digest`).
 * Adapters use it only to learn whether the command is slow (so they acknowledge first); core parses the line itself.
 */
export function findCommandForLine(commands: readonly AnyCommand[], line: string): AnyCommand | undefined {
  const words = line.trim().replace(/^\//, '').split(/\s+/).filter(Boolean);
  let best: AnyCommand | undefined;
  let bestLength = 0;
  for (const command of commands) {
    const path = command.name.split(' ');
    if (path.length <= bestLength || path.length > words.length) continue;
    if (path.every((part, i) => part === words[i]?.toLowerCase())) {
      best = command;
      bestLength = path.length;
    }
  }
  return best;
}

export function findCommandByPath(commands: readonly AnyCommand[], path: readonly string[]): AnyCommand | undefined {
  const name = path.join(' ');
  return commands.find((c) => c.name === name);
}
