import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { tokenize } from './tokenize.ts';

describe('tokenize', () => {
  it('splits on whitespace and keeps quoted text together', () => {
    expect(tokenize('tip @bob 5 "great answer, thanks"')).toEqual(['tip', '@bob', '5', 'great answer, thanks']);
  });

  it('understands Chinese quotes', () => {
    expect(tokenize('tip @chen 3 “讲得 很好”')).toEqual(['tip', '@chen', '3', '讲得 很好']);
    expect(tokenize('search 「大模型 入门」')).toEqual(['search', '大模型 入门']);
  });

  it('keeps apostrophes inside words', () => {
    expect(tokenize("tip @bob 1 don't stop")).toEqual(['tip', '@bob', '1', "don't", 'stop']);
  });

  it('refuses an unclosed quote with a user error', () => {
    expect(() => tokenize('tip @bob 5 "oops')).toThrow(UserError);
    try {
      tokenize('x "y');
    } catch (error) {
      expect((error as UserError).code).toBe('UNBALANCED_QUOTES');
    }
  });
});
