/**
 * What a member wrote, kept on `message.posted` / `message.replied` events so digests can pick up members' links
 * and profiles can read topics and sentiment. Capped: the log is not an archive, and privacy export/forget cover it.
 */
export const MAX_LOGGED_TEXT = 4000;

export function messageMetadata(
  text: string | undefined,
  urls: readonly string[] = [],
): { text?: string; urls?: string[] } {
  const clean = (text ?? '').trim().slice(0, MAX_LOGGED_TEXT);
  const links = [...new Set([...urls, ...(clean.match(/https?:\/\/[^\s<>"'|]+/g) ?? [])])].slice(0, 20);
  return { ...(clean ? { text: clean } : {}), ...(links.length ? { urls: links } : {}) };
}
