import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { panelMessages } from '../../adapters/web/messages.ts';

function keys(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(path.join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [readFileSync(path.join(dir, entry.name), 'utf8')]
        : [],
  );
}

describe('panel strings', () => {
  it('has the same keys and placeholders in en and zh-CN', () => {
    expect(keys(panelMessages['zh-CN']).sort()).toEqual(keys(panelMessages.en).sort());
    const raw = (locale: 'en' | 'zh-CN', key: string) =>
      String(
        key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], panelMessages[locale]),
      );
    let withPlaceholders = 0;
    for (const key of keys(panelMessages.en)) {
      const placeholders = (locale: 'en' | 'zh-CN') =>
        [...raw(locale, key).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      expect(placeholders('zh-CN'), key).toEqual(placeholders('en'));
      if (placeholders('en').length) withPlaceholders++;
    }
    expect(withPlaceholders).toBeGreaterThan(5);
  });

  it('defines every literal panel key the pages use', () => {
    const defined = new Set(keys(panelMessages.en));
    const used = sources(path.resolve(import.meta.dirname, '../../adapters/web')).flatMap((text) =>
      [...text.matchAll(/'panel:([\w.]+)'/g)].map((m) => m[1]!),
    );
    expect(used.length).toBeGreaterThan(50);
    expect(used.filter((k) => !defined.has(k))).toEqual([]);
  });
});
