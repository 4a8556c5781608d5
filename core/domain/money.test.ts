import { describe, expect, it } from 'vitest';
import { formatPrice, isCurrency, parsePrice } from './money.ts';

describe('money', () => {
  it('parses prices into exact minor units', () => {
    expect(parsePrice('19.99', 'USD')).toBe(1999);
    expect(parsePrice('199', 'CNY')).toBe(19900);
    expect(parsePrice('0.1', 'CNY')).toBe(10);
    expect(parsePrice('1200', 'JPY')).toBe(1200);
  });

  it('refuses what is not a price', () => {
    for (const bad of ['-5', 'abc', '1.999', '', '1e3', '12.5', '9999999999']) {
      expect(parsePrice(bad, bad === '12.5' ? 'JPY' : 'USD'), bad).toBeNull();
    }
  });

  it('formats in the member’s language', () => {
    expect(formatPrice(19900, 'CNY', 'zh-CN')).toBe('¥199.00');
    expect(formatPrice(1999, 'USD', 'en')).toBe('$19.99');
    expect(formatPrice(0, 'USD', 'en')).toBe('Free');
  });

  it('knows currencies', () => {
    expect(isCurrency('CNY')).toBe(true);
    expect(isCurrency('cny')).toBe(false);
    expect(isCurrency('XYZW')).toBe(false);
    // Intl formats any three capitals; only ISO 4217 codes (and Telegram Stars) are prices.
    expect(isCurrency('XYZ')).toBe(false);
    expect(isCurrency('XAU')).toBe(false);
    expect(isCurrency('XTR')).toBe(true);
    expect(isCurrency('EUR')).toBe(true);
  });

  it('counts Telegram Stars in whole stars', () => {
    expect(parsePrice('99', 'XTR')).toBe(99);
    expect(parsePrice('9.5', 'XTR')).toBeNull();
    expect(formatPrice(1500, 'XTR', 'en')).toBe('⭐ 1,500');
  });
});
