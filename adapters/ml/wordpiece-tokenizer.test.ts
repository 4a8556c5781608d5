import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AutoTokenizer, type PreTrainedTokenizer } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../core/ports/random.ts';
import { SHIPPED_MODEL, SHIPPED_MODELS_DIR } from './model-source.ts';
import { readWordPieceTokenizer, type WordPieceTokenizer } from './wordpiece-tokenizer.ts';

/**
 * The fast tokenizer must give exactly transformers.js's ids for the shipped model, on text of every kind members
 * write. The committed corpus below covers the edges; when the shared data sets are on this machine
 * (COHORT_SHARED_DATA, default /work/shared/data), real posts and reviews from them are compared too.
 */
const folder = path.join(SHIPPED_MODELS_DIR, SHIPPED_MODEL);

const CORPUS = [
  '',
  ' ',
  'Hello, world!',
  'How do I price my online course? (asking for a friend...)',
  "Don't over-think it: $19/month -> 20% off, e-mail me@example.com #launch @all ~ ^_^ | <b>bold</b> `code`",
  'UPPER lower MiXeD 12345 3.14159 1,000,000 v2.0.1-beta+build.7',
  'tabs\tand\nnew\r\nlines\u000band\u000cform feeds\u0000nul\u0007bell\u007fdel\u001funit',
  '量子计算入门课程：如何给我的在线课程定价？',
  '这门课非常好，讲得很清楚，很有帮助，强烈推荐！太差了，浪费时间，非常失望。',
  '本周精选 课程价格社区成员学习量子模型数据代码设计市场增长健康职业更新指南很好太差问题回答直播订阅的了是我们今天',
  '混合 text 和中文 mixed 在一起 with numbers 2024年12月1日',
  'Emoji 🎉🚀 party 👩‍👩‍👧‍👦 family 👍🏽 thumbs 🇨🇳🇺🇸 flags ❤️ heart ✨',
  'Café naïve résumé façade coöperate Ångström Øre straße ĳ Œuvre',
  'Ünïcödé àçcèñts: São Paulo, Zürich, Kraków, Đà Nẵng, İstanbul, ǅemal',
  'Precomposed é vs combining e\u0301, ñ vs n\u0303, Å vs A\u030a',
  'Русский текст: Привет, мир! Ёлка',
  'Ελληνικά: Καλημέρα κόσμε',
  'العربية: مرحبا بالعالم',
  '한국어 텍스트: 안녕하세요 세계',
  '日本語のテキスト：こんにちは世界、カタカナ',
  'Zero\u200bwidth\u200cjoiner\u200dand\ufeffBOM\u00adsoft hyphen\u2028line sep\u00a0nbsp\u3000ideographic space',
  'Replacement \ufffd char and private use \ue000 and lone surrogate \ud800 end',
  'Special tokens inline: [CLS] hello [SEP] [MASK] [UNK] [PAD] [cls] [ MASK ]',
  '[MASK][MASK]x[SEP]',
  'Fullwidth ＡＢＣ１２３！？ and “curly quotes” ‘single’ — em dash … ellipsis «guillemets» ¿qué? ¡sí!',
  'Math: ∑ x² ≤ ∞, α+β=γ, √2 ≈ 1.414, ½ ¼ ⅓, 10⁶',
  `${'a'.repeat(79)} ${'b'.repeat(80)} ${'c'.repeat(81)} ${'中'.repeat(81)} ${'🎉'.repeat(81)}`,
  'supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis',
  'https://example.com/path?query=1&b=2#frag www.cohort.dev/courses/量子',
  'x'.repeat(3000),
  Array.from({ length: 900 }, (_, i) => `word${i % 37} 课程${i % 11}`).join(' '),
  Array.from({ length: 400 }, () => 'The quick brown fox jumps over the lazy dog.').join(' '),
];

/** Seeded mixes of the corpus's pieces: words from every script glued with spaces, punctuation or nothing. */
function mixedTexts(count: number): string[] {
  const random = seededRandom(16);
  const pieces = CORPUS.flatMap((t) => t.split(/(\s+)/)).filter((p) => p.length > 0 && p.length < 200);
  const glue = [' ', '', '\n', ', ', '。', '-', '\t'];
  return Array.from({ length: count }, () => {
    const n = 1 + Math.floor(random() * 60);
    return Array.from(
      { length: n },
      () =>
        (pieces[Math.floor(random() * pieces.length)] as string) + (glue[Math.floor(random() * glue.length)] as string),
    ).join('');
  });
}

/** Up to `limit` texts from the shared data sets when they are present (never committed, read by path here only). */
function sharedTexts(limit: number): string[] {
  const root = process.env.COHORT_SHARED_DATA ?? '/work/shared/data';
  if (!existsSync(root)) return [];
  const texts: string[] = [];
  const uci = path.join(root, 'uci-sentiment');
  if (existsSync(uci))
    for (const file of readdirSync(uci).filter((f) => f.endsWith('.txt')))
      texts.push(
        ...readFileSync(path.join(uci, file), 'utf8')
          .split('\n')
          .slice(0, 200)
          .map((line) => line.replace(/\t[01]\s*$/, '')),
      );
  for (const site of ['stackexchange-quantumcomputing', 'stackexchange-beer']) {
    const posts = path.join(root, site, 'Posts.xml');
    if (!existsSync(posts)) continue;
    const xml = readFileSync(posts, 'utf8');
    const attribute = /(?:Body|Title)="([^"]*)"/g;
    let match: RegExpExecArray | null = attribute.exec(xml);
    for (let n = 0; match && n < 300; n++, match = attribute.exec(xml))
      texts.push(
        (match[1] as string)
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&#xA;/g, '\n')
          .replace(/&amp;/g, '&'),
      );
  }
  return texts.slice(0, limit);
}

describe('fast WordPiece tokenizer against transformers.js (shipped cohort-mini)', () => {
  let reference: PreTrainedTokenizer;
  let fast: WordPieceTokenizer;
  beforeAll(async () => {
    reference = await AutoTokenizer.from_pretrained(folder, { local_files_only: true });
    fast = readWordPieceTokenizer(folder) as WordPieceTokenizer;
  });

  const referenceIds = (text: string, maxLength: number): number[] =>
    (reference(text, { truncation: true, max_length: maxLength, return_tensor: false }) as { input_ids: number[] })
      .input_ids;
  const expectSame = (texts: readonly string[], maxLength: number) => {
    const mismatches = texts
      .map((text) => ({ text, want: referenceIds(text, maxLength), got: Array.from(fast.encode(text, maxLength)) }))
      .filter(({ want, got }) => want.length !== got.length || want.some((id, i) => id !== got[i]));
    expect(mismatches.slice(0, 3)).toEqual([]);
  };

  it('reads the shipped tokenizer.json', () => {
    expect(fast).not.toBeNull();
    expect(fast.padId).toBe(0);
  });

  it('gives the same ids on the committed corpus (English, Chinese, emoji, accents, controls, special tokens)', () => {
    expectSame(CORPUS, 512);
  });

  it('truncates long texts as transformers.js does (first max_length ids, [SEP] cut off)', () => {
    const long = CORPUS.filter((t) => t.length > 1000);
    expect(long.length).toBeGreaterThan(1);
    for (const maxLength of [8, 64, 512]) expectSame(long, maxLength);
    expect(fast.encode(long[1] as string, 512)).toHaveLength(512);
  });

  it('gives the same ids on seeded mixtures of every script and separator', () => {
    expectSame(mixedTexts(500), 512);
  });

  it('gives the same ids twice (the word cache changes nothing)', () => {
    const texts = mixedTexts(50);
    const first = texts.map((t) => Array.from(fast.encode(t)));
    expect(texts.map((t) => Array.from(fast.encode(t)))).toEqual(first);
  });

  it('gives the same ids on real posts and reviews when the shared data sets are present', () => {
    const texts = sharedTexts(1200);
    if (texts.length === 0) return; // not on this machine: the committed corpus above still ran
    expectSame(texts, 512);
  }, 90_000);

  it('refuses a tokenizer it does not reproduce, so the caller uses transformers.js', () => {
    expect(readWordPieceTokenizer(path.join(SHIPPED_MODELS_DIR, 'no-such-model'))).toBeNull();
  });
});
