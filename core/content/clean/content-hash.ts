import { createHash } from 'node:crypto';

/**
 * sha256 over the title and the start of the text, lower-cased with punctuation and whitespace removed:
 * the same article re-posted under another URL or guid hashes the same.
 */
export function contentHash(title: string, text: string): string {
  const normalise = (s: string) =>
    s
      .toLowerCase()
      .normalize('NFKC')
      .replace(/[^\p{L}\p{N}]+/gu, '');
  return createHash('sha256')
    .update(normalise(title))
    .update('\u0000')
    .update(normalise(text).slice(0, 2000))
    .digest('hex');
}
