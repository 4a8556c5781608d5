import { describe, expect, it } from 'vitest';
import { optionEntries } from '../core/framework/command.ts';
import { allCommands, catalog } from './features.ts';

function keys(tree: unknown, prefix = ''): string[] {
  if (typeof tree !== 'object' || tree === null) return [prefix];
  return Object.entries(tree).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('user-facing text exists in English and Chinese', () => {
  it.each(Object.keys(catalog))('namespace %s has the same keys in en and zh-CN', (ns) => {
    const messages = catalog[ns]!;
    expect(keys(messages['zh-CN']).sort()).toEqual(keys(messages.en).sort());
    for (const key of keys(messages['zh-CN'])) expect(key, `${ns}:${key}`).not.toBe('');
  });

  it.each(Object.keys(catalog))('namespace %s uses the same placeholders in both languages', (ns) => {
    const messages = catalog[ns]!;
    const placeholders = (locale: 'en' | 'zh-CN', key: string) => {
      let node: unknown = messages[locale];
      for (const part of key.split('.')) node = (node as Record<string, unknown>)[part];
      return [...String(node).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    };
    for (const key of keys(messages.en))
      expect(placeholders('zh-CN', key), `${ns}:${key}`).toEqual(placeholders('en', key));
  });
});

describe('command definitions fit every platform', () => {
  it.each(allCommands.map((c) => [c.name, c] as const))('/%s is registrable everywhere', (_name, command) => {
    for (const word of command.name.split(' ')) expect(word).toMatch(/^[a-z][a-z0-9_-]{0,31}$/);
    expect(command.name.split(' ').length).toBeLessThanOrEqual(3);
    for (const locale of ['en', 'zh-CN'] as const) {
      expect(command.description[locale].length).toBeGreaterThan(0);
      expect(command.description[locale].length).toBeLessThanOrEqual(100);
    }
    const options = optionEntries(command);
    expect(options.length).toBeLessThanOrEqual(25);
    // Discord requires required options before optional ones; the text syntax fills them in the same order.
    const firstOptional = options.findIndex(([, spec]) => !spec.required);
    if (firstOptional >= 0) expect(options.slice(firstOptional).every(([, spec]) => !spec.required)).toBe(true);
    for (const [name, spec] of options) {
      expect(name).toMatch(/^[a-z][a-z0-9_-]{0,31}$/);
      expect(spec.description.en.length).toBeLessThanOrEqual(100);
      expect(spec.description['zh-CN'].length).toBeLessThanOrEqual(100);
      // A rest option takes every remaining word: only named-only options (`page:2`) may follow it.
      if (spec.rest) expect(options.filter(([, o]) => !o.named).at(-1)?.[0]).toBe(name);
    }
  });

  it('has no two commands with the same name', () => {
    const names = allCommands.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
