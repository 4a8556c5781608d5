import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { Translator } from '../i18n/translate.ts';
import { defineCommand } from './command.ts';
import { catalogOf } from './feature.ts';
import { option } from './options.ts';
import { assignWords, parseOptions } from './parse-options.ts';

const translator = new Translator(catalogOf([]));
const translate = (locale: 'en' | 'zh-CN', key: string, params?: Record<string, unknown>) =>
  translator.forLocale(locale)(key, params);

const tip = defineCommand({
  name: 'tip',
  description: { en: 'Tip', 'zh-CN': '打赏' },
  permission: 'member',
  options: {
    member: option.member({ description: { en: 'who', 'zh-CN': '谁' }, required: true }),
    amount: option.integer({ description: { en: 'how much', 'zh-CN': '多少' }, required: true, min: 1, max: 1000 }),
    reason: option.string({ description: { en: 'why', 'zh-CN': '原因' }, rest: true, maxLength: 50 }),
  },
  handler: async () => ({}),
});

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

describe('assignWords', () => {
  it('fills options in order and gives the rest to the rest option', () => {
    expect(assignWords(tip, ['@bob', '5', 'great', 'answer'])).toEqual({
      member: '@bob',
      amount: '5',
      reason: 'great answer',
    });
  });

  it('accepts name:value in any position', () => {
    expect(assignWords(tip, ['amount:7', '@bob'])).toEqual({ member: '@bob', amount: '7', reason: undefined });
  });

  it('does not mistake a URL for a named option', () => {
    const cmd = defineCommand({
      name: 'x',
      description: { en: 'x', 'zh-CN': 'x' },
      permission: 'member',
      options: { url: option.url({ description: { en: 'u', 'zh-CN': 'u' }, required: true }) },
      handler: async () => ({}),
    });
    expect(assignWords(cmd, ['https://example.com/a:b'])).toEqual({ url: 'https://example.com/a:b' });
  });

  it('refuses extra words when there is no rest option', () => {
    const cmd = defineCommand({
      name: 'balance',
      description: { en: 'b', 'zh-CN': 'b' },
      permission: 'member',
      options: {},
      handler: async () => ({}),
    });
    expect(userError(() => assignWords(cmd, ['extra'])).code).toBe('TOO_MANY_ARGUMENTS');
  });
});

describe('parseOptions', () => {
  it('coerces valid values', () => {
    const parsed = parseOptions(tip, { member: '<@42>', amount: '12', reason: 'thanks' }, translate, 'en');
    expect(parsed).toEqual({ member: { kind: 'id', platformUserId: '42' }, amount: 12, reason: 'thanks' });
  });

  it('names the missing option, what it expects and the usage, in English', () => {
    const error = userError(() => parseOptions(tip, { member: '@bob' }, translate, 'en'));
    expect(error.code).toBe('OPTION_MISSING');
    const text = translate('en', error.i18nKey, error.params);
    expect(text).toContain('`amount`');
    expect(text).toContain('a whole number from 1 to 1000');
    expect(text).toContain('/tip <member> <amount> [reason…]');
  });

  it.each([
    ['abc', 'non-numeric'],
    ['0', 'zero'],
    ['-5', 'negative'],
    ['2.5', 'fractional'],
    ['99999999999999999999', 'absurdly large'],
  ])('refuses amount %s (%s) precisely', (amount) => {
    const error = userError(() => parseOptions(tip, { member: '@bob', amount }, translate, 'en'));
    expect(error.code).toBe('OPTION_INVALID');
    expect(translate('en', error.i18nKey, error.params)).toContain(`but got “${amount}”`);
  });

  it('explains the same error in Chinese', () => {
    const error = userError(() => parseOptions(tip, { member: '@bob', amount: 'abc' }, translate, 'zh-CN'));
    const text = translate('zh-CN', error.i18nKey, error.params);
    expect(text).toContain('1 到 1000 之间的整数');
    expect(text).toContain('“abc”');
  });

  it('refuses an option the command does not have', () => {
    expect(userError(() => parseOptions(tip, { member: '@bob', amount: 1, colour: 'red' }, translate, 'en')).code).toBe(
      'UNKNOWN_OPTION',
    );
  });

  it('matches choices case-insensitively and returns the canonical spelling', () => {
    const cmd = defineCommand({
      name: 'language',
      description: { en: 'l', 'zh-CN': 'l' },
      permission: 'member',
      options: {
        language: option.choice({
          description: { en: 'l', 'zh-CN': 'l' },
          choices: ['en', 'zh-CN'] as const,
          required: true,
        }),
      },
      handler: async () => ({}),
    });
    expect(parseOptions(cmd, { language: 'ZH-cn' }, translate, 'en')).toEqual({ language: 'zh-CN' });
    expect(userError(() => parseOptions(cmd, { language: 'fr' }, translate, 'en')).code).toBe('OPTION_INVALID');
  });

  it('refuses text over the length limit', () => {
    const error = userError(() =>
      parseOptions(tip, { member: '@bob', amount: 1, reason: 'x'.repeat(51) }, translate, 'en'),
    );
    expect(translate('en', error.i18nKey, error.params)).toContain('up to 50 characters');
  });
});

describe('rest options that keep their quotes', () => {
  const filter = defineCommand({
    name: 'filter',
    description: { en: 'Filter', 'zh-CN': '过滤' },
    permission: 'member',
    options: {
      id: option.string({ description: { en: 'id', 'zh-CN': 'id' }, required: true }),
      expression: option.string({ description: { en: 'e', 'zh-CN': 'e' }, rest: true, keepQuotes: true }),
    },
    handler: async () => ({}),
  });

  it('passes quoted words on quoted, after a field prefix too, so a phrase stays a phrase', () => {
    expect(assignWords(filter, ['s1', 'author:Sam Okafor', 'OR', 'two words', 'ai']).expression).toBe(
      'author:"Sam Okafor" OR "two words" ai',
    );
    expect(assignWords(filter, ['s1', 'say "hi" there']).expression).toBe('“say "hi" there”');
    // Free text (a tip's reason) is joined as typed, without quotes.
    expect(assignWords(tip, ['@bob', '2', 'two words', 'thanks']).reason).toBe('two words thanks');
  });
});
