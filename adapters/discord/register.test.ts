import { describe, expect, it } from 'vitest';
import { defineCommand } from '../../core/framework/command.ts';
import { option } from '../../core/framework/options.ts';
import { buildRegistration, discordOptionName } from './register.ts';

const d = (en: string) => ({ en, 'zh-CN': `中文${en}` });
const command = (name: string, options = {}) =>
  defineCommand({ name, description: d(name), permission: 'member', options, handler: async () => ({}) });

describe('Discord command registration', () => {
  const registration = buildRegistration([
    command('help', { command: option.string({ description: d('which') }) }),
    command('digest'),
    command('digest preview'),
    command('digest schedule'),
    command('digest schedule add', {
      maxItems: option.integer({ description: d('max'), min: 1, max: 50 }),
      cron: option.string({ description: d('cron'), required: true }),
    }),
    command('tip', { member: option.member({ description: d('who'), required: true }) }),
    command('a b c d'),
  ]);

  it('maps paths to commands, subcommands and groups, with bare forms as `show`', () => {
    const digest = registration.body.find((c) => c.name === 'digest');
    expect(digest?.options?.map((o) => [o.name, o.type])).toEqual([
      ['show', 1],
      ['preview', 1],
      ['schedule', 2],
    ]);
    expect(registration.routes.get('digest show')?.path).toEqual(['digest']);
    expect(registration.routes.get('digest schedule show')?.path).toEqual(['digest', 'schedule']);
    expect(registration.routes.get('digest schedule add')?.path).toEqual(['digest', 'schedule', 'add']);
    expect(registration.routes.get('help')?.path).toEqual(['help']);
  });

  it('renames options to Discord’s lower case and maps them back, required first', () => {
    const schedule = registration.body.find((c) => c.name === 'digest')?.options?.find((o) => o.name === 'schedule');
    const add = (
      schedule as unknown as { options: Array<{ name: string; options: Array<Record<string, unknown>> }> }
    ).options.find((o) => o.name === 'add');
    expect(add?.options.map((o) => o.name)).toEqual(['cron', 'max_items']);
    expect(add?.options[1]).toMatchObject({ type: 4, min_value: 1, max_value: 50 });
    expect(registration.routes.get('digest schedule add')?.optionKeys).toEqual({ max_items: 'maxItems', cron: 'cron' });
    expect(discordOptionName('minScore')).toBe('min_score');
  });

  it('localises descriptions and uses USER options for members', () => {
    const tip = registration.body.find((c) => c.name === 'tip');
    expect(tip?.description_localizations).toEqual({ 'zh-CN': '中文tip' });
    expect(tip?.options?.[0]).toMatchObject({ name: 'member', type: 6, required: true });
  });

  it('skips paths deeper than Discord allows', () => {
    expect(registration.skipped).toEqual(['a b c d']);
  });
});
