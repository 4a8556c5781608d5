import { describe, expect, it } from 'vitest';
import { packPieces, splitEscaped, splitText, truncate } from './split.ts';

describe('splitText', () => {
  it('returns short text unchanged', () => {
    expect(splitText('hello', 10)).toEqual(['hello']);
    expect(splitText('', 10)).toEqual(['']);
  });

  it('cuts at paragraph, then line, then word boundaries and loses nothing', () => {
    const text = `${'a'.repeat(60)}\n\n${'b'.repeat(30)} ${'c'.repeat(30)}\n${'d'.repeat(50)}`;
    const chunks = splitText(text, 80);
    expect(chunks.join('')).toBe(text);
    expect(chunks.every((c) => c.length <= 80)).toBe(true);
    expect(chunks[0]).toBe(`${'a'.repeat(60)}\n\n`);
  });

  it('never splits a surrogate pair', () => {
    const text = '😀'.repeat(50);
    const chunks = splitText(text, 7);
    expect(chunks.join('')).toBe(text);
    for (const chunk of chunks) expect(chunk).toBe([...chunk].join(''));
    expect(chunks.every((c) => !/^[\udc00-\udfff]/.test(c))).toBe(true);
  });

  it('prefers Chinese punctuation when there are no spaces', () => {
    const text = `${'你'.repeat(30)}。${'好'.repeat(30)}`;
    expect(splitText(text, 40)[0]).toBe(`${'你'.repeat(30)}。`);
  });
});

describe('splitEscaped', () => {
  const escapeHtml = (t: string) => t.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
  it('keeps every escaped chunk under the limit and never cuts inside an entity', () => {
    const text = 'a & b < c '.repeat(500);
    const chunks = splitEscaped(text, 300, escapeHtml);
    expect(chunks.every((c) => c.length <= 300)).toBe(true);
    expect(chunks.join('')).toBe(escapeHtml(text));
    expect(chunks.every((c) => !/&(a|am|amp|l|lt)?$/.test(c))).toBe(true);
  });
});

describe('packPieces', () => {
  it('packs pieces greedily with the separator and splits oversized ones', () => {
    expect(packPieces(['aa', 'bb', 'cc'], 5, '\n')).toEqual(['aa\nbb', 'cc']);
    const chunks = packPieces(['x'.repeat(12), 'y'], 5, '\n');
    expect(chunks.every((c) => c.length <= 5)).toBe(true);
    expect(chunks.join('').replaceAll('\n', '')).toBe(`${'x'.repeat(12)}y`);
  });
});

describe('truncate', () => {
  it('adds an ellipsis within the limit', () => {
    expect(truncate('short', 10)).toBe('short');
    const cut = truncate('one two three four five', 10);
    expect(cut.length).toBeLessThanOrEqual(10);
    expect(cut.endsWith('…')).toBe(true);
  });
});
