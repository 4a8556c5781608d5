import { describe, expect, it } from 'vitest';
import type { AnyCommand } from './command.ts';
import { suggestCommands } from './suggest-commands.ts';

const command = (name: string, permission: AnyCommand['permission'] = 'member', hidden = false): AnyCommand => ({
  name,
  description: { en: name, 'zh-CN': name },
  permission,
  hidden,
  options: {},
  handler: async () => ({ text: name }),
});

const commands = [
  command('recommend'),
  command('recommend view', 'member', true),
  command('course show'),
  command('course add', 'creator'),
  command('course edit', 'creator'),
  command('courses'),
  command('tip'),
  command('points grant', 'moderator'),
];

describe('suggestCommands', () => {
  it('offers the commands of the group a member named, nearest sub-command first', () => {
    expect(suggestCommands(['course', 'ad'], commands, 'creator')).toEqual([
      '/course add',
      '/course edit',
      '/course show',
    ]);
    expect(suggestCommands(['course', 'create'], commands, 'creator')[0]).toBe('/course add');
  });

  it('never suggests what the member may not run, nor hidden commands', () => {
    expect(suggestCommands(['course', 'create'], commands, 'member')).toEqual(['/course show']);
    expect(suggestCommands(['points', 'give'], commands, 'member')).toEqual([]);
    expect(suggestCommands(['recomend'], commands, 'member')).toEqual(['/recommend']);
  });

  it('suggests for a typo of two letters at most, and nothing for short or far-off words', () => {
    expect(suggestCommands(['reccomend'], commands, 'member')).toEqual(['/recommend']);
    expect(suggestCommands(['xyz'], commands, 'member')).toEqual([]);
    expect(suggestCommands(['weather'], commands, 'member')).toEqual([]);
  });
});
