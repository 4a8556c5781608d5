import { canonicalUrl, parseHttpUrl, withoutTracking } from '../clean/canonical-url.ts';
import { contentHash } from '../clean/content-hash.ts';
import { htmlToText } from '../clean/html-text.ts';
import { detectLanguage } from '../clean/language.ts';
import type { RawFeedItem } from '../feed-document.ts';

/** A feed item after cleaning, before de-duplication and scoring. */
export interface PreparedItem {
  guid: string;
  url: string | null;
  canonicalUrl: string | null;
  title: string;
  text: string;
  /** The body as given (HTML or text), for the scorer's structure features. */
  html: string;
  language: string;
  contentHash: string;
  publishedAt: Date;
  categories: string[];
  author: string | null;
  reactions: number;
}

const MAX_TITLE = 300;
// Stored text feeds the one-line summary, topic matching and explanations; the model reads the full body before this cap.
const MAX_TEXT = 1_200;

function cap(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * HTML to text, URL resolved against the feed (absolute only, for the community's own posts) and canonicalised, language detected, content hashed.
 * Dates in the future (clock skew, or a feed gaming freshness) are clamped to now; missing dates become now.
 */
export function prepareItem(raw: RawFeedItem, feedUrl: string | null, now: Date, reactions = 0): PreparedItem {
  const title = cap(htmlToText(raw.title), MAX_TITLE);
  const html = raw.body.slice(0, 100_000);
  const text = cap(htmlToText(html), MAX_TEXT);
  const resolved = raw.url ? (parseHttpUrl(raw.url, feedUrl ?? undefined)?.href ?? null) : null;
  const url = resolved ? withoutTracking(resolved) : null;
  const canonical = url ? canonicalUrl(url) : null;
  const hash = contentHash(title, text);
  const published = raw.publishedAt && raw.publishedAt.getTime() <= now.getTime() ? raw.publishedAt : now;
  return {
    guid: (raw.guid ?? canonical ?? `hash:${hash}`).slice(0, 500),
    url,
    canonicalUrl: canonical,
    title,
    text,
    html,
    language: detectLanguage(`${title}\n${text}`),
    contentHash: hash,
    publishedAt: published,
    categories: raw.categories
      .map((c) => c.trim().slice(0, 60))
      .filter(Boolean)
      .slice(0, 20),
    author: raw.author ? htmlToText(raw.author).slice(0, 200) || null : null,
    reactions,
  };
}
