import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { parsePointAmount } from './amount.ts';

function codeOf(raw: string | number | undefined): string {
  try {
    parsePointAmount(raw, 100);
  } catch (error) {
    if (error instanceof UserError) return error.code;
    throw error;
  }
  return 'OK';
}

describe('parsePointAmount', () => {
  it('accepts whole positive amounts, with signs, separators and full-width digits', () => {
    expect(parsePointAmount('5', 100)).toBe(5);
    expect(parsePointAmount(' +7 ', 100)).toBe(7);
    expect(parsePointAmount('１２', 100)).toBe(12);
    expect(parsePointAmount('100', 100)).toBe(100);
    expect(parsePointAmount('5.0', 100)).toBe(5);
    expect(parsePointAmount(3, 100)).toBe(3);
  });

  it('explains each kind of bad amount with its own code', () => {
    expect(codeOf('-3')).toBe('AMOUNT_NOT_POSITIVE');
    expect(codeOf('0')).toBe('AMOUNT_NOT_POSITIVE');
    expect(codeOf('-0')).toBe('AMOUNT_NOT_POSITIVE');
    expect(codeOf('2.5')).toBe('AMOUNT_FRACTIONAL');
    expect(codeOf('lots')).toBe('AMOUNT_NOT_A_NUMBER');
    expect(codeOf('1e3')).toBe('AMOUNT_NOT_A_NUMBER');
    expect(codeOf('NaN')).toBe('AMOUNT_NOT_A_NUMBER');
    expect(codeOf('Infinity')).toBe('AMOUNT_NOT_A_NUMBER');
    expect(codeOf(undefined)).toBe('AMOUNT_NOT_A_NUMBER');
    expect(codeOf('101')).toBe('AMOUNT_TOO_LARGE');
    expect(codeOf('99999999999999999999999')).toBe('AMOUNT_TOO_LARGE');
  });

  it('carries the i18n key and the limit for the message', () => {
    try {
      parsePointAmount('500', 100);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).i18nKey).toBe('interactions:amount.tooLarge');
      expect((error as UserError).params).toMatchObject({ max: 100 });
    }
  });
});
