import type { Locale } from './types.ts';

/** Telegram Stars, the currency of digital goods sold in Telegram. */
export const STARS = 'XTR';

/** How many minor units a currency has (2 for CNY/USD, 0 for JPY), from the platform's ICU data. */
export function minorDigits(currency: string): number {
  // Telegram Stars (XTR) are whole stars: ICU does not know the code and would give it 2.
  if (currency === STARS) return 0;
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function isCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  try {
    new Intl.NumberFormat('en', { style: 'currency', currency: code });
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses a price typed by a person ("199", "19.9", "19.90") into integer minor units without passing through a
 * float, so 19.99 stays 1999. Returns null for anything else, including more decimals than the currency has.
 */
export function parsePrice(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const m = /^(\d{1,9})(?:[.,](\d+))?$/.exec(text.trim());
  if (!m?.[1]) return null;
  const fraction = m[2] ?? '';
  if (fraction.length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

export function formatPrice(minor: number, currency: string, locale: Locale): string {
  if (minor === 0) return locale === 'zh-CN' ? '免费' : 'Free';
  if (currency === STARS) return `⭐ ${new Intl.NumberFormat(locale).format(minor)}`;
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 10 ** minorDigits(currency));
}
