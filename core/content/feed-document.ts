import { createRequire } from 'node:module';
import { z } from 'zod';
import { FeedError } from './errors.ts';

/**
 * Reads an RSS 2.0 / RDF / Atom / JSON Feed document into plain items. feedsmith parses; this module guards
 * what it is handed (size, DTD entity declarations) and parses its output with Zod, because a feed is
 * hostile input: any field can be missing, of the wrong type, or absurdly long.
 */

type Feedsmith = typeof import('feedsmith');
let feedsmith: Feedsmith | null = null;
/**
 * feedsmith (and its XML parser) costs a tenth of a second to load, and most starts read no feed before their first
 * answer: it is loaded on the first document, synchronously (its CommonJS build), so this module stays synchronous.
 */
function parser(): Feedsmith {
  feedsmith ??= createRequire(import.meta.url)('feedsmith') as Feedsmith;
  return feedsmith;
}

export interface RawFeedItem {
  guid: string | null;
  url: string | null;
  title: string;
  /** HTML or plain text, as the feed gave it. */
  body: string;
  publishedAt: Date | null;
  categories: string[];
  /** The first author the feed names (RSS author / dc:creator, Atom and JSON Feed authors). */
  author?: string | null;
}

export interface FeedDocument {
  format: 'rss' | 'atom' | 'rdf' | 'json';
  title: string;
  items: RawFeedItem[];
  /** Entries not read: beyond the item cap, or unreadable. Logged with the fetch, so no drop goes unrecorded. */
  skipped: { overCap: number; unreadable: number };
}

export const FEED_DOCUMENT_LIMITS = {
  /** Characters; the fetcher caps bytes before this, files and tests come here directly. */
  maxChars: 5_000_000,
  maxItems: 200,
  maxFieldChars: 100_000,
};

const str = z
  .unknown()
  .transform((v) => (typeof v === 'string' ? v.slice(0, FEED_DOCUMENT_LIMITS.maxFieldChars) : undefined))
  .optional();
const text = z
  .union([z.string(), z.looseObject({ value: z.string().optional() })])
  .transform((v) => (typeof v === 'string' ? v : (v.value ?? '')).slice(0, FEED_DOCUMENT_LIMITS.maxFieldChars))
  .optional()
  .catch(undefined);
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(z.unknown())
    .transform((values) => values.flatMap((v) => (item.safeParse(v).success ? [item.parse(v) as z.output<T>] : [])))
    .optional()
    .catch(undefined);

const person = z.union([z.string(), z.looseObject({ name: z.string().optional(), email: z.string().optional() })]);
const authorsOf = (authors: z.output<typeof person>[] | undefined, extra: string[] = []): string | null => {
  const names = [
    ...(authors ?? []).map((a) => (typeof a === 'string' ? a : (a.name ?? a.email ?? ''))),
    ...extra,
  ].flatMap((name) => (name.trim() ? [name.trim().slice(0, 200)] : []));
  return names[0] ?? null;
};
const rssItem = z.looseObject({
  title: str,
  authors: list(person),
  link: str,
  description: str,
  guid: z.looseObject({ value: str }).optional().catch(undefined),
  pubDate: str,
  categories: list(z.looseObject({ name: z.string() })),
  content: z.looseObject({ encoded: str }).optional().catch(undefined),
  dc: z
    .looseObject({ date: str, subjects: list(z.string()), creators: list(z.string()) })
    .optional()
    .catch(undefined),
});
const atomEntry = z.looseObject({
  id: str,
  authors: list(person),
  title: text,
  summary: text,
  content: text,
  links: list(z.looseObject({ href: z.string(), rel: z.string().optional() })),
  published: str,
  updated: str,
  categories: list(z.looseObject({ term: z.string().optional(), label: z.string().optional() })),
});
const jsonItem = z.looseObject({
  authors: list(person),
  author: person.optional().catch(undefined),
  id: z.union([z.string(), z.number()]).transform(String).optional().catch(undefined),
  url: str,
  external_url: str,
  title: str,
  content_html: str,
  content_text: str,
  summary: str,
  date_published: str,
  date_modified: str,
  tags: list(z.string()),
});
const feedTitle = z.looseObject({ title: text }).catch({ title: undefined });
const itemsOf = (key: string) =>
  z.looseObject({ [key]: z.array(z.unknown()).optional().catch(undefined) }).catch({ [key]: undefined });

function toDate(raw: string | undefined): Date | null {
  if (!raw) return null;
  const date = new Date(raw.trim());
  return Number.isNaN(date.getTime()) ? null : date;
}

function clean(value: string | undefined | null): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function fromRss(raw: unknown): RawFeedItem | null {
  const item = rssItem.safeParse(raw);
  if (!item.success) return null;
  const v = item.data;
  return {
    guid: clean(v.guid?.value),
    url: clean(v.link),
    title: v.title ?? '',
    body: v.content?.encoded ?? v.description ?? '',
    publishedAt: toDate(v.pubDate ?? v.dc?.date),
    categories: [...(v.categories?.map((c) => c.name) ?? []), ...(v.dc?.subjects ?? [])],
    author: authorsOf(v.authors, v.dc?.creators ?? []),
  };
}

function fromAtom(raw: unknown): RawFeedItem | null {
  const entry = atomEntry.safeParse(raw);
  if (!entry.success) return null;
  const v = entry.data;
  const link = v.links?.find((l) => !l.rel || l.rel === 'alternate') ?? v.links?.[0];
  return {
    guid: clean(v.id),
    url: clean(link?.href),
    title: v.title ?? '',
    body: v.content || v.summary || '',
    publishedAt: toDate(v.published ?? v.updated),
    categories: v.categories?.flatMap((c) => ((c.label ?? c.term) ? [(c.label ?? c.term) as string] : [])) ?? [],
    author: authorsOf(v.authors),
  };
}

function fromJson(raw: unknown): RawFeedItem | null {
  const item = jsonItem.safeParse(raw);
  if (!item.success) return null;
  const v = item.data;
  return {
    guid: clean(v.id),
    url: clean(v.url ?? v.external_url),
    title: v.title ?? '',
    body: v.content_html ?? v.content_text ?? v.summary ?? '',
    publishedAt: toDate(v.date_published ?? v.date_modified),
    categories: v.tags ?? [],
    author: authorsOf([...(v.authors ?? []), ...(v.author ? [v.author] : [])]),
  };
}

/**
 * Whether the document declares an entity anywhere (the billion-laughs family; feeds never need one). The whole
 * document is scanned in one pass, so padding before the DOCTYPE cannot push a declaration out of sight; text
 * inside comments and CDATA sections is skipped, because there `<!ENTITY` is only words.
 */
export function declaresEntities(body: string): boolean {
  // Once a terminator is missing it is missing for the rest of the body too: remembering that keeps the scan linear.
  const missing = new Set<string>();
  const skipTo = (terminator: string, from: number): number => {
    if (missing.has(terminator)) return -1;
    const end = body.indexOf(terminator, from);
    if (end === -1) missing.add(terminator);
    return end;
  };
  for (let at = body.indexOf('<!'); at !== -1; at = body.indexOf('<!', at + 2)) {
    const head = body.slice(at + 2, at + 9);
    if (/^ENTITY/i.test(head)) return true;
    // An unterminated comment or CDATA section is scanned as markup: a parser may be lenient about it.
    const end = head.startsWith('--') ? skipTo('-->', at + 4) : head.startsWith('[CDATA[') ? skipTo(']]>', at + 9) : -1;
    if (end !== -1) at = end;
  }
  return false;
}

export function readFeedDocument(body: string): FeedDocument {
  if (body.length > FEED_DOCUMENT_LIMITS.maxChars) {
    throw new FeedError('FEED_TOO_LARGE', 'feed document too large', { limit: FEED_DOCUMENT_LIMITS.maxChars });
  }
  if (declaresEntities(body)) {
    throw new FeedError('FEED_ENTITIES', 'feed declares XML entities');
  }
  const { parseFeed, DetectError } = parser();
  let parsed: ReturnType<typeof parseFeed>;
  try {
    parsed = parseFeed(body.replace(/^\uFEFF/, ''));
  } catch (error) {
    if (error instanceof DetectError) throw new FeedError('FEED_UNRECOGNIZED', 'not a feed', {}, { cause: error });
    throw new FeedError('FEED_MALFORMED', 'malformed feed', {}, { cause: error });
  }
  const { format, feed } = parsed;
  const title = (feedTitle.parse(feed).title ?? '').trim().slice(0, 300);
  const key = format === 'atom' ? 'entries' : 'items';
  const rawItems = (itemsOf(key).parse(feed)[key] as unknown[] | undefined) ?? [];
  const read = format === 'atom' ? fromAtom : format === 'json' ? fromJson : fromRss;
  const considered = rawItems.slice(0, FEED_DOCUMENT_LIMITS.maxItems);
  const items = considered.map(read).filter((item): item is RawFeedItem => item !== null);
  return {
    format,
    title,
    items,
    skipped: { overCap: rawItems.length - considered.length, unreadable: considered.length - items.length },
  };
}
