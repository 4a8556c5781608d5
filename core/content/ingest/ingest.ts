import { dot } from '../../domain/vectors.ts';
import type { Clock } from '../../ports/clock.ts';
import type { ContentItemStore, KnownItems } from '../ports.ts';
import type { ContentScorer } from '../scoring/scorer.ts';
import type { ContentItem, ContentSource, DropReason, NewContentItem } from '../types.ts';
import type { PreparedItem } from './prepare.ts';

/**
 * One batch of prepared items into the store: de-duplicate (guid, canonical URL, content hash), cap, score,
 * catch near-duplicates by embedding, insert. Every item that is stored but not kept carries its drop reason.
 */
export interface IngestOptions {
  /** New items kept per fetch, newest first; a feed that renames every guid on every fetch floods nothing. */
  perFetchCap: number;
  /** Cosine similarity at or above which two items are the same story (also across languages). */
  nearDuplicateThreshold: number;
  /** How far back near-duplicates are looked for. */
  nearDuplicateWindowMs: number;
  nearDuplicateWindowLimit: number;
}

export const DEFAULT_INGEST_OPTIONS: IngestOptions = {
  perFetchCap: 30,
  nearDuplicateThreshold: 0.92,
  nearDuplicateWindowMs: 7 * 86_400_000,
  nearDuplicateWindowLimit: 2_000,
};

export interface IngestSummary {
  received: number;
  /** Already known: same guid, or the same URL/content from this source under a new guid. */
  unchanged: number;
  kept: number;
  dropped: Partial<Record<DropReason, number>>;
  /** The kept items, for logs and `/source test`. */
  keptItems: ContentItem[];
}

export interface IngestDeps {
  items: ContentItemStore;
  scorer: ContentScorer;
  clock: Clock;
}

type Pending = { prepared: PreparedItem; reason: DropReason | null; duplicateOfId: string | null };

function sameSource(known: KnownItems, item: PreparedItem, sourceId: string): boolean {
  const byUrl = item.canonicalUrl ? known.byCanonicalUrl.get(item.canonicalUrl) : undefined;
  const byHash = known.byContentHash.get(item.contentHash);
  return byUrl?.sourceId === sourceId || byHash?.sourceId === sourceId;
}

export async function ingestItems(
  deps: IngestDeps,
  source: ContentSource,
  batch: readonly PreparedItem[],
  options: IngestOptions = DEFAULT_INGEST_OPTIONS,
): Promise<IngestSummary> {
  const summary: IngestSummary = { received: batch.length, unchanged: 0, kept: 0, dropped: {}, keptItems: [] };
  const drop = (reason: DropReason) => {
    summary.dropped[reason] = (summary.dropped[reason] ?? 0) + 1;
  };

  // Within the batch: first occurrence of a guid wins.
  const unique = new Map<string, PreparedItem>();
  for (const item of batch) if (!unique.has(item.guid)) unique.set(item.guid, item);
  summary.unchanged += batch.length - unique.size;
  const incoming = [...unique.values()];
  if (incoming.length === 0) return summary;

  const known = await deps.items.findKnown(source.communityId, source.id, {
    guids: incoming.map((i) => i.guid),
    canonicalUrls: incoming.flatMap((i) => (i.canonicalUrl ? [i.canonicalUrl] : [])),
    contentHashes: incoming.map((i) => i.contentHash),
  });

  const fresh: PreparedItem[] = [];
  for (const item of incoming) {
    // A known guid, or this source's own item under a new guid (guid churn): nothing new to say.
    if (known.byGuid.has(item.guid) || sameSource(known, item, source.id)) summary.unchanged++;
    else fresh.push(item);
  }
  fresh.sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime());

  const pending: Pending[] = [];
  const seenUrls = new Map<string, number>();
  const seenHashes = new Map<string, number>();
  for (const item of fresh) {
    let reason: DropReason | null = null;
    let duplicateOfId: string | null = null;
    const urlMatch = item.canonicalUrl ? known.byCanonicalUrl.get(item.canonicalUrl) : undefined;
    const hashMatch = known.byContentHash.get(item.contentHash);
    if (!item.title && !item.text) reason = 'EMPTY_CONTENT';
    else if (urlMatch) [reason, duplicateOfId] = ['DUPLICATE_URL', urlMatch.id];
    else if (hashMatch) [reason, duplicateOfId] = ['DUPLICATE_CONTENT', hashMatch.id];
    else if (item.canonicalUrl && seenUrls.has(item.canonicalUrl)) reason = 'DUPLICATE_URL';
    else if (seenHashes.has(item.contentHash)) reason = 'DUPLICATE_CONTENT';
    else if (pending.filter((p) => p.reason === null).length >= options.perFetchCap) reason = 'PER_FETCH_CAP';
    if (reason === null) {
      if (item.canonicalUrl) seenUrls.set(item.canonicalUrl, pending.length);
      seenHashes.set(item.contentHash, pending.length);
    }
    pending.push({ prepared: item, reason, duplicateOfId });
  }

  const toScore = pending.filter((p) => p.reason === null);
  const scores = await deps.scorer.score(
    toScore.map((p) => ({
      kind: source.kind === 'community' ? ('post' as const) : ('article' as const),
      title: p.prepared.title,
      html: p.prepared.html,
      tags: p.prepared.categories,
    })),
  );

  const now = deps.clock.now();
  const window =
    toScore.length > 0
      ? await deps.items.listCandidates({
          communityId: source.communityId,
          since: new Date(now.getTime() - options.nearDuplicateWindowMs),
          limit: options.nearDuplicateWindowLimit,
        })
      : [];
  const neighbours: { id: string | null; embedding: Float32Array }[] = window.flatMap((w) =>
    w.embedding ? [{ id: w.id, embedding: w.embedding }] : [],
  );

  const rows: NewContentItem[] = [];
  const scoreOf = new Map(toScore.map((p, i) => [p, scores[i]]));
  for (const p of pending) {
    const scored = scoreOf.get(p);
    let { reason, duplicateOfId } = p;
    if (scored && reason === null) {
      const twin = neighbours.find((n) => dot(n.embedding, scored.embedding) >= options.nearDuplicateThreshold);
      if (twin) {
        reason = 'NEAR_DUPLICATE';
        duplicateOfId = twin.id;
      } else neighbours.push({ id: null, embedding: scored.embedding });
    }
    if (reason) drop(reason);
    rows.push({
      communityId: source.communityId,
      sourceId: source.id,
      guid: p.prepared.guid,
      url: p.prepared.url,
      canonicalUrl: p.prepared.canonicalUrl,
      title: p.prepared.title,
      text: p.prepared.text,
      language: p.prepared.language,
      contentHash: p.prepared.contentHash,
      publishedAt: p.prepared.publishedAt,
      fetchedAt: now,
      quality: scored?.quality ?? 0,
      sentiment: scored?.sentiment ?? 0,
      topics: scored?.topics ?? [],
      embedding: scored?.embedding ?? null,
      dropReason: reason,
      duplicateOfId,
      reactions: p.prepared.reactions,
      author: p.prepared.author,
      categories: p.prepared.categories,
    });
  }
  const stored = await deps.items.insertMany(rows);
  summary.keptItems = stored.filter((item) => item.dropReason === null);
  summary.kept = summary.keptItems.length;
  return summary;
}
