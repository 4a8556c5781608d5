import { describe, expect, it } from 'vitest';
import { UserError } from '../../errors.ts';
import { type FilterSubject, filterPredicate, matchesFilter, parseFilter } from './filter-expression.ts';

const item = (patch: Partial<FilterSubject> = {}): FilterSubject => ({
  title: 'GPT-5 lands in the product team',
  body: 'How we shipped an LLM assistant in two weeks.',
  author: 'Alice Chen',
  categories: ['AI', 'Product'],
  link: 'https://blog.example.com/ai/gpt5',
  ...patch,
});
const keeps = (expression: string, subject: FilterSubject = item()) => matchesFilter(parseFilter(expression), subject);
const reason = (expression: string) => {
  try {
    parseFilter(expression);
  } catch (error) {
    if (error instanceof UserError) return { key: error.i18nKey, params: error.params };
    throw error;
  }
  return null;
};

describe('source filters', () => {
  it('matches keywords case-insensitively in title and body by default, and in a named field', () => {
    expect(keeps('llm')).toBe(true);
    expect(keeps('title:llm')).toBe(false);
    expect(keeps('body:LLM')).toBe(true);
    expect(keeps('author:alice')).toBe(true);
    expect(keeps('category:product')).toBe(true);
    expect(keeps('link:blog.example.com/ai')).toBe(true);
    expect(keeps('crypto')).toBe(false);
  });

  it('matches quoted phrases and Chinese keywords, with Chinese field names and operators', () => {
    expect(keeps('"two weeks"')).toBe(true);
    expect(keeps('“two weeks”')).toBe(true);
    expect(keeps('"weeks two"')).toBe(false);
    const zh = item({ title: '大模型产品形态', body: '助手、副驾驶与智能体', categories: ['人工智能'] });
    expect(keeps('标题:大模型', zh)).toBe(true);
    expect(keeps('智能体 且 非 分类:投资', zh)).toBe(true);
    expect(keeps('投资 或 标签:人工智能', zh)).toBe(true);
    expect(keeps('投资 或 加密', zh)).toBe(false);
  });

  it('combines AND, OR, NOT and parentheses with the usual precedence, adjacent terms meaning AND', () => {
    expect(keeps('crypto OR llm AND author:alice')).toBe(true);
    expect(keeps('(crypto OR llm) AND author:bob')).toBe(false);
    expect(keeps('llm NOT author:alice')).toBe(false);
    expect(keeps('llm -author:bob')).toBe(true);
    expect(keeps('!category:ai')).toBe(false);
    expect(keeps('llm assistant')).toBe(true);
    expect(keeps('llm blockchain')).toBe(false);
    expect(keeps('llm && (title:gpt || title:claude)')).toBe(true);
  });

  it('runs regular expressions on RE2, with flags', () => {
    expect(keeps('/gpt-?\\d/i')).toBe(true);
    expect(keeps('/gpt-?\\d/')).toBe(false);
    expect(keeps('title:/^GPT/')).toBe(true);
    expect(keeps('link:/\\/ai\\//')).toBe(true);
    // A pattern that backtracking engines take exponential time on is linear here.
    const evil = item({ title: `${'a'.repeat(5_000)}!` });
    expect(keeps('title:/(a+)+$/', evil)).toBe(false);
    expect(keeps('title:/(a+)+!$/', evil)).toBe(true);
    expect(keeps('title:/^(a|aa)+b$/', evil)).toBe(false);
  });

  it('refuses what it cannot honour, saying where', () => {
    expect(reason('')).toMatchObject({ key: 'content:filter.invalid.empty' });
    expect(reason('colour:red')).toMatchObject({
      key: 'content:filter.invalid.unknownField',
      params: { field: 'colour', fields: 'title, body, author, category, link, any' },
    });
    expect(reason('title:"open')).toMatchObject({ key: 'content:filter.invalid.unclosedQuote', params: { at: 7 } });
    expect(reason('/open')).toMatchObject({ key: 'content:filter.invalid.unclosedRegex' });
    expect(reason('(a OR b')).toMatchObject({ key: 'content:filter.invalid.unclosedParen', params: { at: 1 } });
    expect(reason('a OR')).toMatchObject({ key: 'content:filter.invalid.dangling' });
    expect(reason('a )')).toMatchObject({ key: 'content:filter.invalid.unexpected', params: { at: 3 } });
    expect(reason('/(?=look)/')).toMatchObject({ key: 'content:filter.invalid.badRegex' });
    expect(reason('/a/x')).toMatchObject({ key: 'content:filter.invalid.regexFlags', params: { flags: 'x' } });
    expect(reason(Array.from({ length: 21 }, (_, i) => `w${i}`).join(' '))).toMatchObject({
      key: 'content:filter.invalid.tooManyTerms',
    });
    expect(reason('x'.repeat(501))).toMatchObject({ key: 'content:filter.invalid.tooLong' });
  });

  it('a stored filter becomes a predicate; none keeps everything', () => {
    expect(filterPredicate(null)).toBeNull();
    const keep = filterPredicate('author:alice');
    expect(keep?.(item())).toBe(true);
    expect(keep?.(item({ author: null }))).toBe(false);
  });
});
