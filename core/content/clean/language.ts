import { franc } from 'franc-min';

/**
 * 'zh', 'en', another ISO 639-3 code from franc, or 'und'. Han characters decide Chinese first: franc needs
 * longer text than a headline to be sure, while a share of Han characters is unambiguous (Japanese kana aside).
 */
export function detectLanguage(text: string): string {
  const sample = text.slice(0, 2000);
  const letters = sample.match(/[\p{L}]/gu)?.length ?? 0;
  if (letters === 0) return 'und';
  const han = sample.match(/\p{Script=Han}/gu)?.length ?? 0;
  const kana = sample.match(/[\p{Script=Hiragana}\p{Script=Katakana}]/gu)?.length ?? 0;
  if (han / letters >= 0.2 && kana < han / 5) return 'zh';
  const latin = sample.match(/\p{Script=Latin}/gu)?.length ?? 0;
  const guess = franc(sample, { minLength: 10 });
  if (guess === 'eng') return 'en';
  if (guess === 'cmn') return 'zh';
  if (guess !== 'und') return guess;
  // Short Latin-script text (a headline) that franc will not call: English is the overwhelmingly likely case here.
  return latin / letters > 0.8 ? 'en' : 'und';
}
