import i18next, { type i18n } from 'i18next';
import type { Locale } from '../domain/types.ts';
import { LOCALES } from '../domain/types.ts';

/** `t('ledger:tip.sent', { amount: 5 })`: the namespace before the colon names a feature's message file. */
export type Translate = (key: string, params?: Record<string, unknown>) => string;

/** A feature's strings: the same nested keys in every locale (a test checks the parity). */
export type Messages = Record<Locale, Record<string, unknown>>;

export class Translator {
  readonly #i18n: i18n;

  constructor(catalog: Record<string, Messages>) {
    const resources: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const locale of LOCALES) {
      resources[locale] = {};
      for (const [ns, messages] of Object.entries(catalog)) resources[locale][ns] = messages[locale];
    }
    this.#i18n = i18next.createInstance();
    // initAsync false: resources are in memory, so init is synchronous and t() is ready on return.
    void this.#i18n.init({
      resources,
      lng: 'en',
      fallbackLng: 'en',
      supportedLngs: [...LOCALES],
      ns: Object.keys(catalog),
      defaultNS: 'common',
      initAsync: false,
      interpolation: { escapeValue: false },
      returnNull: false,
      showSupportNotice: false,
    } as Parameters<i18n['init']>[0]);
  }

  forLocale(locale: Locale): Translate {
    const t = this.#i18n.getFixedT(locale);
    return (key, params) => t(key, params ?? {}) as string;
  }

  has(locale: Locale, key: string): boolean {
    return this.#i18n.exists(key, { lng: locale, fallbackLng: false });
  }
}

/** What members type for a language besides its code (`/language zh`, `/language 中文`), matched case-insensitively. */
export const LOCALE_ALIASES = {
  // The first five are the ones error messages list.
  zh: 'zh-CN',
  cn: 'zh-CN',
  中文: 'zh-CN',
  english: 'en',
  英文: 'en',
  'zh-cn': 'zh-CN',
  zh_cn: 'zh-CN',
  chinese: 'zh-CN',
  简体中文: 'zh-CN',
  英语: 'en',
} as const satisfies Record<string, Locale>;

/** Accepts what platforms send ('zh', 'zh-cn', 'zh_CN', 'zh-Hans', 'en-US') and maps it to a supported locale. */
export function normalizeLocale(raw: string | null | undefined): Locale | null {
  if (!raw) return null;
  const lower = raw.toLowerCase().replace('_', '-');
  if (lower.startsWith('zh')) return 'zh-CN';
  if (lower.startsWith('en')) return 'en';
  return null;
}
