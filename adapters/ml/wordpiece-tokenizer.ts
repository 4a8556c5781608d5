import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * A fast tokenizer for BERT WordPiece `tokenizer.json` files (the shipped cohort-mini's kind), giving the ids
 * transformers.js gives (wordpiece-tokenizer.test.ts compares the two on a corpus), at a fraction of the cost and
 * without loading transformers.js. It reproduces transformers.js's pipeline step for step, quirks included:
 * added tokens split out verbatim; BertNormalizer (drop NUL, U+FFFD and C* controls except \t\n\r, JS whitespace →
 * space, lowercase, then NFD with nonspacing marks removed unless strip_accents is false); BertPreTokenizer (runs
 * of non-space non-punctuation, each punctuation character alone); greedy longest-match WordPiece (a word longer
 * than max_input_chars_per_word is one [UNK]); [CLS] … [SEP]; truncation keeps the first max_length ids.
 * Where it is faster: ASCII text takes a hand-written loop instead of four regex passes; the longest-match search
 * starts at the longest vocabulary entry instead of the word's end; words seen before come from a bounded cache.
 * Any other tokenizer.json (a hub model's BPE or SentencePiece) is refused by `readWordPieceTokenizer` (null),
 * and the caller uses transformers.js.
 */
export interface WordPieceTokenizer {
  /** Token ids of one text with [CLS]/[SEP], truncated to `maxLength` (and the model's max length). */
  encode(text: string, maxLength?: number): Int32Array;
  readonly padId: number;
}

const tokenizerJsonSchema = z.object({
  added_tokens: z.array(
    z.object({
      id: z.number().int(),
      content: z.string(),
      lstrip: z.boolean().optional(),
      rstrip: z.boolean().optional(),
    }),
  ),
  normalizer: z.object({
    type: z.literal('BertNormalizer'),
    clean_text: z.boolean(),
    handle_chinese_chars: z.literal(false),
    strip_accents: z.boolean().nullable(),
    lowercase: z.literal(true),
  }),
  pre_tokenizer: z.object({ type: z.literal('BertPreTokenizer') }),
  post_processor: z.object({
    type: z.literal('TemplateProcessing'),
    single: z.tuple([
      z.object({ SpecialToken: z.object({ id: z.literal('[CLS]') }) }),
      z.object({ Sequence: z.object({ id: z.literal('A') }) }),
      z.object({ SpecialToken: z.object({ id: z.literal('[SEP]') }) }),
    ]),
  }),
  model: z.object({
    type: z.literal('WordPiece'),
    unk_token: z.string(),
    continuing_subword_prefix: z.string(),
    max_input_chars_per_word: z.number().int().positive().optional(),
    vocab: z.record(z.string(), z.number().int().nonnegative()),
  }),
});
const tokenizerConfigSchema = z.object({ model_max_length: z.number().int().positive().optional() });

/** The same character classes as transformers.js's BertPreTokenizer and BertNormalizer. */
const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const PRE_TOKEN = new RegExp(`[^\\s${PUNCTUATION}]+|[${PUNCTUATION}]`, 'gu');
const DROPPED = /[\0\uFFFD]|(?![\t\n\r])[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/gu;
const WHITESPACE = /\s/gu;
const NONSPACING_MARK = /\p{Mn}/gu;
const NON_ASCII = /[^\0-\x7F]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the controls BertNormalizer drops.
const ASCII_CONTROL = /[\0-\x08\x0B\x0C\x0E-\x1F\x7F]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the same set, to remove.
const ASCII_CONTROLS = /[\0-\x08\x0B\x0C\x0E-\x1F\x7F]/g;
const WORD_CACHE_LIMIT = 50_000;

export function readWordPieceTokenizer(folder: string): WordPieceTokenizer | null {
  let json: z.infer<typeof tokenizerJsonSchema>;
  let modelMaxLength = Number.POSITIVE_INFINITY;
  try {
    const parsed = tokenizerJsonSchema.safeParse(JSON.parse(readFileSync(path.join(folder, 'tokenizer.json'), 'utf8')));
    if (!parsed.success) return null;
    json = parsed.data;
    const config = tokenizerConfigSchema.safeParse(
      JSON.parse(readFileSync(path.join(folder, 'tokenizer_config.json'), 'utf8')),
    );
    if (config.success && config.data.model_max_length) modelMaxLength = config.data.model_max_length;
  } catch {
    return null;
  }
  // lstrip/rstrip on an added token trims its neighbours: not handled here, so such a file goes to transformers.js.
  if (json.added_tokens.some((t) => t.lstrip || t.rstrip)) return null;
  return createWordPieceTokenizer(json, modelMaxLength);
}

function createWordPieceTokenizer(
  json: z.infer<typeof tokenizerJsonSchema>,
  modelMaxLength: number,
): WordPieceTokenizer | null {
  const vocab = new Map<string, number>(Object.entries(json.model.vocab));
  // As in transformers.js, an added token's id wins over the vocabulary's.
  for (const added of json.added_tokens) vocab.set(added.content, added.id);
  const unkId = vocab.get(json.model.unk_token);
  const clsId = vocab.get('[CLS]');
  const sepId = vocab.get('[SEP]');
  if (unkId === undefined || clsId === undefined || sepId === undefined) return null;
  const padId = vocab.get('[PAD]') ?? 0;
  const prefix = json.model.continuing_subword_prefix;
  const maxWordChars = json.model.max_input_chars_per_word ?? 100;
  const stripAccents = json.normalizer.strip_accents !== false;
  const cleanText = json.normalizer.clean_text;
  // The longest vocabulary entry in code points: no longer candidate can ever match.
  let longestPiece = 1;
  for (const token of vocab.keys()) longestPiece = Math.max(longestPiece, [...token].length);
  const added = json.added_tokens.map((t) => t.content).filter((t) => t.length > 0);
  const addedIds = new Map(json.added_tokens.map((t) => [t.content, t.id]));

  const cache = new Map<string, number[]>();
  /** WordPiece ids of one pre-token, exactly transformers.js's greedy longest match. */
  const wordIds = (word: string): number[] => {
    const hit = cache.get(word);
    if (hit) return hit;
    const chars = NON_ASCII.test(word) ? [...word] : null;
    const length = chars ? chars.length : word.length;
    let ids: number[];
    if (length > maxWordChars) ids = [unkId];
    else {
      ids = [];
      let start = 0;
      while (start < length) {
        let end = Math.min(length, start + longestPiece);
        let found: number | undefined;
        while (start < end) {
          const piece = chars ? chars.slice(start, end).join('') : word.slice(start, end);
          found = vocab.get(start > 0 ? prefix + piece : piece);
          if (found !== undefined) break;
          end--;
        }
        if (found === undefined) {
          ids = [unkId];
          break;
        }
        ids.push(found);
        start = end;
      }
    }
    if (cache.size >= WORD_CACHE_LIMIT) cache.clear();
    cache.set(word, ids);
    return ids;
  };

  /**
   * The ASCII path (with clean_text): the same result as normalise + pre-tokenise, in one scan over char codes of
   * the lowercased text, words cut out with slice (controls, \v and \f included, are dropped first, as the
   * normaliser drops them before the pre-tokeniser splits).
   */
  const asciiSection = (raw: string, out: number[], limit: number): void => {
    const text = (ASCII_CONTROL.test(raw) ? raw.replace(ASCII_CONTROLS, '') : raw).toLowerCase();
    let wordStart = -1;
    for (let i = 0; i <= text.length && out.length < limit; i++) {
      const c = i < text.length ? text.charCodeAt(i) : 32;
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
        if (wordStart < 0) wordStart = i;
        continue;
      }
      if (wordStart >= 0) {
        for (const id of wordIds(text.slice(wordStart, i))) out.push(id);
        wordStart = -1;
      }
      // Every printable ASCII character that is not a letter or digit is punctuation to BertPreTokenizer.
      if (c > 32) for (const id of wordIds(text[i] as string)) out.push(id);
    }
  };

  const section = (raw: string, out: number[], limit: number): void => {
    if (cleanText && !NON_ASCII.test(raw)) {
      asciiSection(raw, out, limit);
      return;
    }
    let text = cleanText ? raw.replace(DROPPED, '').replace(WHITESPACE, ' ') : raw;
    text = text.toLowerCase();
    if (stripAccents) text = text.normalize('NFD').replace(NONSPACING_MARK, '');
    for (const word of text.trim().match(PRE_TOKEN) ?? []) {
      if (out.length >= limit) return;
      for (const id of wordIds(word)) out.push(id);
    }
  };

  /** Text split around added tokens (longest match first), as transformers.js's DictionarySplitter does. */
  const sections = (text: string): string[] => {
    if (!added.some((t) => text.includes(t))) return [text];
    const result: string[] = [];
    let start = 0;
    let i = 0;
    while (i < text.length) {
      let match = '';
      for (const t of added) if (t.length > match.length && text.startsWith(t, i)) match = t;
      if (match) {
        if (i > start) result.push(text.slice(start, i));
        result.push(match);
        i += match.length;
        start = i;
      } else i++;
    }
    if (start < text.length) result.push(text.slice(start));
    return result;
  };

  return {
    padId,
    encode(text, maxLength = Number.POSITIVE_INFINITY) {
      const keep = Math.min(maxLength, modelMaxLength);
      // Truncation keeps the first `keep` ids of [CLS] … [SEP]; stop collecting once past them.
      const out: number[] = [clsId];
      for (const part of sections(text)) {
        const special = addedIds.get(part);
        if (special !== undefined) out.push(special);
        else section(part, out, keep);
        if (out.length >= keep) break;
      }
      out.push(sepId);
      const ids = Int32Array.from(out);
      return ids.length > keep ? ids.subarray(0, keep) : ids;
    },
  };
}
