import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allCommands } from '../../bots/features.ts';

/** The manifest is written by hand for operators; these checks keep it in step with the code. */
const manifest = readFileSync(new URL('./manifest.yml', import.meta.url), 'utf8');
const slashCommands = [...manifest.matchAll(/^\s+- command: \/(\S+)$/gm)].map((m) => m[1]);

describe('Slack app manifest', () => {
  it('lists the umbrella command and only commands that exist', () => {
    const topLevel = new Set(allCommands.map((c) => c.name.split(' ')[0]));
    expect(slashCommands).toContain('cohort');
    expect(slashCommands.filter((c) => c !== 'cohort' && !topLevel.has(c))).toEqual([]);
    // Slack's built-ins cannot be overridden.
    expect(slashCommands).not.toContain('search');
  });

  it('quotes every free-text value, so a colon in a description cannot break the YAML', () => {
    const unquoted = [...manifest.matchAll(/^\s+(description|usage_hint): (.*)$/gm)].filter(
      (m) => !/^".*"$/.test(m[2] ?? ''),
    );
    expect(unquoted.map((m) => m[0])).toEqual([]);
  });

  it('asks Slack to escape mentions and subscribes to what the adapter decodes', () => {
    expect(manifest.match(/should_escape: true/g)).toHaveLength(slashCommands.length);
    for (const event of [
      'message.channels',
      'reaction_added',
      'reaction_removed',
      'member_joined_channel',
      'member_left_channel',
    ])
      expect(manifest).toContain(`- ${event}`);
    for (const scope of [
      'commands',
      'chat:write',
      'users:read',
      'usergroups:read',
      'reactions:read',
      'files:write',
      'channels:manage',
      'groups:write',
      'usergroups:write',
      'im:write',
    ])
      expect(manifest).toContain(`- ${scope}`);
  });
});
