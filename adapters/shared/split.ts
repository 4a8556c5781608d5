/**
 * Splitting long content under a platform's size limit. Cuts prefer paragraph, then line, then word
 * boundaries, and never split a surrogate pair, so a Chinese or emoji-heavy reply stays readable.
 */

/** Length as the platforms count it: UTF-16 code units (Discord, Slack and Telegram all do). */
function cutPoint(text: string, limit: number): number {
  if (text.length <= limit) return text.length;
  const window = text.slice(0, limit + 1);
  for (const sep of ['\n\n', '\n', ' ', '，', '。', '、']) {
    const at = window.lastIndexOf(sep, limit - 1);
    // Only accept a boundary in the second half: otherwise chunks get needlessly small.
    if (at >= limit / 2) return at + sep.length;
  }
  // Hard cut; step back if it would split a surrogate pair.
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

/** Splits text into chunks of at most `limit` UTF-16 units; the chunks concatenate back to the input. */
export function splitText(text: string, limit: number): string[] {
  if (limit < 2) throw new RangeError('limit must be at least 2');
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const at = cutPoint(rest, limit);
    chunks.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
  return chunks;
}

/**
 * Packs rendered pieces (lines, items) into as few chunks as possible, each at most `limit` long,
 * joining pieces with `separator`. A piece longer than the limit is split on its own.
 */
export function packPieces(pieces: readonly string[], limit: number, separator = '\n'): string[] {
  const chunks: string[] = [];
  let current = '';
  const flush = () => {
    if (current.length > 0) chunks.push(current);
    current = '';
  };
  for (const piece of pieces) {
    if (piece.length > limit) {
      flush();
      const parts = splitText(piece, limit);
      current = parts.pop() ?? '';
      chunks.push(...parts);
      continue;
    }
    const joined = current.length === 0 ? piece : current + separator + piece;
    if (joined.length > limit) {
      flush();
      current = piece;
    } else current = joined;
  }
  flush();
  return chunks;
}

/** Truncates to `limit` units with an ellipsis, for fields that cannot be split (titles, button labels). */
export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = cutPoint(text, limit - 1);
  return `${text.slice(0, Math.min(cut, limit - 1)).trimEnd()}…`;
}

/**
 * Splits plain text so that every chunk, once escaped for the platform's markup, fits in `limit`.
 * Splitting happens before escaping so a cut can never land inside an entity or a tag.
 */
export function splitEscaped(
  plain: string,
  limit: number,
  escapeFor: (text: string) => string,
  splitAt?: number,
): string[] {
  // Start from the expansion the whole text shows, so the first cut usually fits.
  const whole = escapeFor(plain).length;
  const size = splitAt ?? Math.max(8, Math.floor((limit * plain.length) / Math.max(whole, 1)));
  const out: string[] = [];
  for (const chunk of splitText(plain, Math.min(size, limit))) {
    const escaped = escapeFor(chunk);
    // Escaping only grows text by a bounded factor, so halving the plain size always converges.
    if (escaped.length <= limit || size <= 8) out.push(escaped);
    else out.push(...splitEscaped(chunk, limit, escapeFor, Math.floor(size / 2)));
  }
  return out;
}
