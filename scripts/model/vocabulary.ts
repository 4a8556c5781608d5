import { CONCEPTS, NEGATIVE, POSITIVE, ZH_STOPWORDS } from './lexicon.ts';

/**
 * The tokenizer's vocabulary and what each row of the embedding table stands for.
 * English: frequent corpus words plus the lexicon, with `##` letter pieces so every ASCII word tokenizes.
 * Chinese: the normaliser does NOT split CJK into characters; instead every lexicon term is a token in both
 * positions (`课程` and `##课程`), so WordPiece's greedy longest match segments Chinese into lexicon words.
 * Every other CJK character is a token too, hashed into a few shared rows, so unknown Chinese still embeds
 * (distinct texts stay distinct) and never collapses into [UNK]. Several strings may share one row id.
 */
export type RowKind = 'special' | 'punct' | 'piece' | 'word' | 'zh' | 'cjk';

export interface Row {
  kind: RowKind;
  text: string;
}

export interface Vocabulary {
  /** Token string → row id; strings may share a row. */
  tokens: Map<string, number>;
  rows: Row[];
  /** Row id of each lexicon term (en and zh), for concept/topic/sentiment seeding. */
  rowOf(term: string): number | undefined;
}

export const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
const SUFFIXES = [
  's',
  'es',
  'ed',
  'ing',
  'ly',
  'er',
  'ers',
  'est',
  'ation',
  'ations',
  'al',
  'ness',
  'ment',
  'ity',
  'ize',
  'ise',
  'd',
  'y',
];
const CJK_RANGES: [number, number][] = [
  [0x4e00, 0x9fff],
  [0x3400, 0x4dbf],
];

/** The normaliser and pre-tokeniser the tokenizer uses (BertNormalizer lowercase + BertPreTokenizer), for counting. */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '');
}
const PUNCT = /[\p{P}\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E]/u;
export function preTokenize(text: string): string[] {
  return normalise(text)
    .split(new RegExp(`(\\s+|${PUNCT.source})`, 'u'))
    .filter((w) => w && !/^\s+$/.test(w));
}
const isCjk = (ch: string): boolean => {
  const c = ch.codePointAt(0) ?? 0;
  return CJK_RANGES.some(([a, b]) => c >= a && c <= b);
};
const hasCjk = (w: string): boolean => [...w].some(isCjk);

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function buildVocabulary(
  corpus: Iterable<string>,
  opts: { maxWords: number; minCount: number; cjkBuckets: number },
): Vocabulary {
  const tokens = new Map<string, number>();
  const rows: Row[] = [];
  const add = (kind: RowKind, text: string, forms: string[]): number => {
    const existing = tokens.get(forms[0] as string);
    if (existing !== undefined) return existing;
    const id = rows.length;
    rows.push({ kind, text });
    for (const f of forms) if (!tokens.has(f)) tokens.set(f, id);
    return id;
  };
  for (const s of SPECIALS) add('special', s, [s]);
  for (let c = 33; c < 127; c++) {
    const ch = String.fromCharCode(c);
    if (/[a-z0-9]/.test(ch)) continue;
    add('punct', ch, [ch]);
  }
  for (const ch of '，。！？、：；“”‘’（）《》【】…—·～') add('punct', ch, [ch]);
  for (const ch of 'abcdefghijklmnopqrstuvwxyz0123456789') {
    add('word', ch, [ch]);
    add('piece', `##${ch}`, [`##${ch}`]);
  }
  for (const s of SUFFIXES) add('piece', `##${s}`, [`##${s}`]);

  // English: lexicon first (always in), then the most frequent corpus words.
  const lexiconEn = new Set<string>();
  for (const c of CONCEPTS) for (const w of c.en) lexiconEn.add(normalise(w));
  for (const w of [...POSITIVE.en, ...NEGATIVE.en]) lexiconEn.add(normalise(w));
  const counts = new Map<string, number>();
  for (const text of corpus) {
    for (const w of preTokenize(text)) {
      if (w.length < 2 || w.length > 30 || hasCjk(w) || PUNCT.test(w)) continue;
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  for (const w of [...lexiconEn].sort()) if (/^[a-z0-9]+$/.test(w)) add('word', w, [w]);
  const frequent = [...counts.entries()]
    .filter(([w, n]) => n >= opts.minCount && /^[a-z0-9]+$/.test(w))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, opts.maxWords);
  for (const [w] of frequent) add('word', w, [w]);

  // Chinese: lexicon terms (whole tokens in both positions), then every other CJK character hashed into buckets.
  const zhTerms = new Set<string>();
  for (const c of CONCEPTS) for (const w of c.zh) zhTerms.add(normalise(w));
  for (const w of [...POSITIVE.zh, ...NEGATIVE.zh, ...ZH_STOPWORDS]) zhTerms.add(normalise(w));
  for (const w of [...zhTerms].sort()) {
    if (!/^[\p{Script=Han}a-z0-9]+$/u.test(w)) continue;
    add('zh', w, [w, `##${w}`]);
  }
  const bucketStart = rows.length;
  for (let b = 0; b < opts.cjkBuckets; b++) rows.push({ kind: 'cjk', text: `[CJK${b}]` });
  for (const [a, b] of CJK_RANGES) {
    for (let c = a; c <= b; c++) {
      const ch = String.fromCodePoint(c);
      if (tokens.has(ch)) continue;
      const id = bucketStart + (fnv1a(ch) % opts.cjkBuckets);
      tokens.set(ch, id);
      tokens.set(`##${ch}`, id);
    }
  }
  return { tokens, rows, rowOf: (term) => tokens.get(normalise(term)) };
}

/** Hugging Face tokenizer files that transformers.js loads (v2, v3 and v4 read this shape). */
export function tokenizerFiles(vocab: Vocabulary, maxLength: number): { tokenizer: object; config: object } {
  const special = (t: string) => vocab.tokens.get(t) as number;
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((t) => ({
      id: special(t),
      content: t,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    // handle_chinese_chars is off on purpose: Chinese is segmented by the vocabulary (see above).
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: false,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [special('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [special('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      // Chinese clauses are single pre-tokens; WordPiece's longest match is quadratic, so keep them bounded.
      max_input_chars_per_word: 80,
      vocab: Object.fromEntries(vocab.tokens),
    },
  };
  const config = {
    do_lower_case: true,
    model_max_length: maxLength,
    tokenizer_class: 'BertTokenizer',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    mask_token: '[MASK]',
  };
  return { tokenizer, config };
}
