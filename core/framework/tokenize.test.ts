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

describe('tokenize: quoted values of named options', () => {
  it('keeps a quoted named value together, with ASCII, curly and corner quotes', () => {
    expect(tokenize('tip @bob amount:2 reason:"two words"')).toEqual(['tip', '@bob', 'amount:2', 'reason:two words']);
    expect(tokenize('tip @bob amount=2 reason=“讲得 很好”')).toEqual(['tip', '@bob', 'amount=2', 'reason=讲得 很好']);
    expect(tokenize("tip @bob reason:'well done' 3")).toEqual(['tip', '@bob', 'reason:well done', '3']);
    expect(tokenize('tip @chen reason:「一针 见血」 3')).toEqual(['tip', '@chen', 'reason:一针 见血', '3']);
  });

  it('leaves quotes inside ordinary words alone', () => {
    expect(tokenize('say he"llo')).toEqual(['say', 'he"llo']);
    expect(tokenize('see http://x.test/a:"b"')).toEqual(['see', 'http://x.test/a:"b"']);
  });

  it('refuses a named value whose quote never closes', () => {
    expect(() => tokenize('tip @bob reason:"oops')).toThrow(UserError);
  });
});
