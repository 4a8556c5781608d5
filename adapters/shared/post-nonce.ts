/**
 * A scheduled post's nonce, carried invisibly in the text of a platform that has no metadata field for it (Discord):
 * each byte as four base-4 digits in zero-width characters, between two invisible separators. Readers see nothing;
 * the adapter finds the nonce again when it reads the channel's history.
 */
const DIGITS = ['\u200b', '\u200c', '\u200d', '\u2060'] as const;
const FENCE = '\u2063';
const PATTERN = new RegExp(`${FENCE}([${DIGITS.join('')}]+)${FENCE}`, 'gu');

export function invisibleNonce(nonce: string): string {
  let digits = '';
  for (const byte of new TextEncoder().encode(nonce)) {
    for (let shift = 6; shift >= 0; shift -= 2) digits += DIGITS[(byte >> shift) & 3];
  }
  return `${FENCE}${digits}${FENCE}`;
}

/** Every nonce hidden in `text`. */
export function noncesIn(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(PATTERN)) {
    const digits = [...(match[1] ?? '')].map((c) => DIGITS.indexOf(c as (typeof DIGITS)[number]));
    if (digits.length % 4 !== 0) continue;
    const bytes = new Uint8Array(digits.length / 4);
    for (let i = 0; i < bytes.length; i++) {
      bytes[i] = digits.slice(i * 4, i * 4 + 4).reduce((n, d) => (n << 2) | d, 0);
    }
    found.push(new TextDecoder().decode(bytes));
  }
  return found;
}
