/**
 * Which of two copies of one story is the original. A repost says so (转载, 转自, 来源：, 原文链接, "Originally
 * published at", "Reposted from", "via …"); an original usually lives on its own source's domain; and an original
 * comes first. In that order: a repost marker outweighs an earlier date, because aggregators often stamp reposts
 * with the time they copied them, or backdate them.
 */
const REPOST_MARKERS: readonly RegExp[] = [
  /转载/u,
  /转自/u,
  /(^|[\s，。；（(【[])(来源|出处|原文链接|原文地址|原文作者|原标题)\s*[:：]/u,
  /本文(首发|原载|最早发表)于/u,
  /\boriginally (published|posted|appeared)\b/i,
  /\b(re-?posted|cross-?posted|republished) (from|with permission)\b/i,
  /\bthis (article|post|story|piece) (first )?appeared (first )?(in|on|at)\b/i,
  /(^|\n)\s*(via|source)\s*[:：]?\s+(https?:\/\/|@?\w)/i,
];

export function hasRepostMarker(title: string, text: string): boolean {
  const head = `${title}\n${text.slice(0, 600)}`;
  return REPOST_MARKERS.some((marker) => marker.test(head));
}

export interface CopyOfStory {
  title: string;
  text: string;
  publishedAt: Date;
  /** The item's own link (canonical form). */
  canonicalUrl: string | null;
  /** The address of the source it came from (feed URL); null for members' posts, undefined when not known. */
  sourceUrl: string | null | undefined;
}

function host(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return null;
  }
}

/** The item links to its own source's site: a publisher's own feed rather than an aggregator's. */
export function onOwnDomain(copy: CopyOfStory): boolean {
  const itemHost = host(copy.canonicalUrl);
  const sourceHost = host(copy.sourceUrl);
  if (!itemHost || !sourceHost) return false;
  return itemHost === sourceHost || itemHost.endsWith(`.${sourceHost}`) || sourceHost.endsWith(`.${itemHost}`);
}

/**
 * Positive when `a` is more likely the original than `b`, negative when `b` is, 0 when nothing tells them apart.
 * `byDate: false` leaves the date out: for copies matched only by meaning (near-duplicates), where "earlier" is weak
 * evidence that two similar items are one story, only a repost marker or the publisher's own domain decides.
 */
export function compareOriginality(a: CopyOfStory, b: CopyOfStory, options: { byDate?: boolean } = {}): number {
  const repost = Number(hasRepostMarker(b.title, b.text)) - Number(hasRepostMarker(a.title, a.text));
  if (repost !== 0) return repost;
  // Only comparable when both sources are known.
  const own =
    a.sourceUrl === undefined || b.sourceUrl === undefined ? 0 : Number(onOwnDomain(a)) - Number(onOwnDomain(b));
  if (own !== 0) return own;
  return options.byDate === false ? 0 : b.publishedAt.getTime() - a.publishedAt.getTime();
}
