import { UserError } from '../errors.ts';

const QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '「': '」', '『': '』', '‘': '’' };

/** A named option's prefix (`reason:` / `reason=`): a quote right after it opens the option's value. */
const OPTION_PREFIX = /^[a-z][a-z0-9-]*[:=]$/i;

/**
 * Splits a command line into words, honouring "double", 'single', “curly” and 「corner」 quotes so that
 * Chinese and English members can both pass text with spaces, also as a named option's value
 * (`reason:"two words"` is the one word `reason:two words`). An unclosed quote is a user error.
 */
export function tokenize(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let closing: string | null = null;
  for (const ch of line.trim()) {
    if (closing) {
      if (ch === closing) closing = null;
      else current += ch;
      continue;
    }
    const close = QUOTES[ch];
    if (close && (!inWord || current === '' || OPTION_PREFIX.test(current))) {
      closing = close;
      inWord = true;
      continue;
    }
    if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
      continue;
    }
    current += ch;
    inWord = true;
  }
  if (closing) throw new UserError('UNBALANCED_QUOTES', 'common:errors.unbalancedQuotes');
  if (inWord) words.push(current);
  return words;
}
