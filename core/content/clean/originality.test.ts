import { describe, expect, it } from 'vitest';
import { type CopyOfStory, compareOriginality, hasRepostMarker, onOwnDomain } from './originality.ts';

const at = (iso: string) => new Date(iso);
const copy = (patch: Partial<CopyOfStory>): CopyOfStory => ({
  title: 'How to write a one-page spec',
  text: 'A good spec fits on one page.',
  publishedAt: at('2026-11-20T03:00:00Z'),
  canonicalUrl: 'https://notes.example/spec',
  sourceUrl: 'https://aggregator.example/feed.xml',
  ...patch,
});

describe('which copy of a story is the original', () => {
  it('recognises repost markers in Chinese and English, not ordinary words', () => {
    expect(hasRepostMarker('一页纸需求文档', '转载：一页纸的需求文档模板')).toBe(true);
    expect(hasRepostMarker('转自少数派：写作习惯', '')).toBe(true);
    expect(hasRepostMarker('写作习惯', '正文。来源：少数派')).toBe(true);
    expect(hasRepostMarker('写作习惯', '原文链接：https://sspai.com/post/1')).toBe(true);
    expect(hasRepostMarker('Spec', 'This article originally appeared on Notes.')).toBe(true);
    expect(hasRepostMarker('Spec', 'Reposted with permission from the author.')).toBe(true);
    expect(hasRepostMarker('Spec', 'Some text.\nvia https://notes.example/spec')).toBe(true);
    expect(hasRepostMarker('The source of truth for specs', 'Data sources and their origins.')).toBe(false);
    expect(hasRepostMarker('资料来源的可靠性', '如何判断信息来源是否可靠')).toBe(false);
  });

  it('knows an item on its own source’s domain', () => {
    expect(onOwnDomain(copy({ sourceUrl: 'https://www.notes.example/feed' }))).toBe(true);
    expect(onOwnDomain(copy({ sourceUrl: 'https://blog.notes.example/rss' }))).toBe(true);
    expect(onOwnDomain(copy({}))).toBe(false);
  });

  it('a repost marker outweighs an earlier date; then its own domain; then the earliest', () => {
    const repost = copy({ text: '转载：一页纸的需求文档模板', publishedAt: at('2026-11-20T02:00:00Z') });
    const original = copy({ publishedAt: at('2026-11-20T03:00:00Z') });
    expect(compareOriginality(original, repost)).toBeGreaterThan(0);
    expect(compareOriginality(repost, original)).toBeLessThan(0);
    const publisher = copy({ sourceUrl: 'https://notes.example/feed', publishedAt: at('2026-11-20T04:00:00Z') });
    expect(compareOriginality(publisher, original)).toBeGreaterThan(0);
    const earlier = copy({ publishedAt: at('2026-11-20T01:00:00Z') });
    expect(compareOriginality(earlier, original)).toBeGreaterThan(0);
    expect(compareOriginality(original, copy({}))).toBe(0);
    // Copies matched by meaning only: the date alone decides nothing.
    expect(compareOriginality(earlier, original, { byDate: false })).toBe(0);
    expect(compareOriginality(original, repost, { byDate: false })).toBeGreaterThan(0);
    // A source not known is no evidence either way.
    expect(compareOriginality(copy({ sourceUrl: undefined }), publisher)).toBeGreaterThan(0);
  });
});
