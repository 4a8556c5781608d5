import type { Locale } from './types.ts';

/** Telegram Stars: a whole-number currency code Telegram uses for digital goods (not in ISO 4217). */
export const STARS = 'XTR';

/**
 * ISO 4217 codes of currencies people price things in (list one, without fund codes, metals and test codes), kept
 * here rather than read from ICU: Intl formats any three letters (XYZ included), and ICU's lists differ by build.
 */
const ISO_4217 = new Set(
  (
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF ' +
    'CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD ' +
    'HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD ' +
    'MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN ' +
    'PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY ' +
    'TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG'
  ).split(' '),
);

/** How many minor units a currency has (2 for CNY/USD, 0 for JPY and Stars), from the platform's ICU data. */
export function minorDigits(currency: string): number {
  if (currency === STARS) return 0;
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** An ISO 4217 currency code in capitals, or XTR (Telegram Stars). */
export function isCurrency(code: string): boolean {
  return code === STARS || ISO_4217.has(code);
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
