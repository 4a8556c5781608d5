import { franc } from 'franc-min';

/** The languages a zh/en community's feeds realistically carry; fewer candidates make franc several times faster. */
const LIKELY = ['eng', 'cmn', 'spa', 'fra', 'deu', 'por', 'ita', 'nld', 'rus', 'jpn', 'kor', 'vie', 'ind', 'tur'];

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
  // franc's cost grows with the text; a few hundred characters decide as well as thousands.
  const guess = franc(sample.slice(0, 400), { minLength: 10, only: LIKELY });
  if (guess === 'eng') return 'en';
  if (guess === 'cmn') return 'zh';
  if (guess !== 'und') return guess;
  // Short Latin-script text (a headline) that franc will not call: English is the overwhelmingly likely case here.
  return latin / letters > 0.8 ? 'en' : 'und';
}
