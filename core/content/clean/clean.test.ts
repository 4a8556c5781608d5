import { describe, expect, it } from 'vitest';
import { canonicalUrl, withoutTracking } from './canonical-url.ts';
import { contentHash } from './content-hash.ts';
import { htmlToText, oneLine } from './html-text.ts';
import { detectLanguage } from './language.ts';

describe('canonicalUrl', () => {
  it('drops tracking parameters, fragments, www, default ports and trailing slashes', () => {
    expect(canonicalUrl('http://www.Example.com:80/a/b/?utm_source=x&utm_medium=rss&id=7&fbclid=abc&gclid=1#top')).toBe(
      'https://example.com/a/b?id=7',
    );
    expect(canonicalUrl('https://example.com/?spm=a2c4g.1&from=timeline&scm=1')).toBe('https://example.com');
  });

  it('keeps meaningful parameters, sorted, and a `from` that is not a share marker', () => {
    expect(canonicalUrl('https://example.com/search?q=ai&from=2024&page=2')).toBe(
      'https://example.com/search?from=2024&page=2&q=ai',
    );
  });

  it('refuses what is not http(s)', () => {
    expect(canonicalUrl('javascript:alert(1)')).toBeNull();
    expect(canonicalUrl('not a url')).toBeNull();
  });
});

describe('withoutTracking', () => {
  it('cleans the clickable link but keeps its scheme, host and meaning', () => {
    expect(withoutTracking('http://www.example.com/a/?utm_source=x&id=7&spm=1.2#frag')).toBe(
      'http://www.example.com/a/?id=7#frag',
    );
    expect(withoutTracking('https://mp.weixin.qq.com/s/abc?from=timeline&isappinstalled=0')).toBe(
      'https://mp.weixin.qq.com/s/abc',
    );
  });
});

describe('detectLanguage', () => {
  it('tells Chinese and English apart, headlines included', () => {
    expect(detectLanguage('大模型落地的三种产品形态')).toBe('zh');
    expect(detectLanguage('How to write a one-page product spec')).toBe('en');
    expect(
      detectLanguage('A good spec fits on one page: the problem, who has it, and how we will know it is solved.'),
    ).toBe('en');
    expect(detectLanguage('用 RAG 搭建课程问答助手，让 AI 只根据讲义回答')).toBe('zh');
    expect(detectLanguage('12345 !!!')).toBe('und');
  });
});

describe('htmlToText and oneLine', () => {
  it('strips markup, scripts and images and decodes entities', () => {
    expect(
      htmlToText('<p>Hello <b>world</b> &amp; <a href="http://x">friends</a><script>alert(1)</script><img src=x></p>'),
    ).toBe('Hello world & friends');
  });

  it('keeps the first sentence, capped', () => {
    expect(oneLine('This is the first sentence of it. And a second one.')).toBe('This is the first sentence of it.');
    expect(oneLine('这是第一句话，内容很长很长很长很长很长。第二句。')).toBe(
      '这是第一句话，内容很长很长很长很长很长。',
    );
    expect([...oneLine('x'.repeat(500), 100)].length).toBe(100);
  });
});

describe('contentHash', () => {
  it('ignores case, punctuation and whitespace, not words', () => {
    expect(contentHash('Hello, World', 'Some  text!')).toBe(contentHash('hello world', 'some text'));
    expect(contentHash('Hello world', 'some text')).not.toBe(contentHash('Hello world', 'other text'));
  });
});
