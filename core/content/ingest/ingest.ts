import { dot } from '../../domain/vectors.ts';
import type { Clock } from '../../ports/clock.ts';
import { type CopyOfStory, compareOriginality } from '../clean/originality.ts';
import type { ContentItemStore, ContentSourceStore, KnownItems, QualityStore } from '../ports.ts';
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
  /** Where each kept item's scoring inputs go, for the community's own quality layer. */
  quality?: QualityStore;
  scorer: ContentScorer;
  clock: Clock;
  /** The feed addresses of sources, to tell an original on its own domain from a copy. */
  sources?: Pick<ContentSourceStore, 'get'>;
  /** Items already posted somewhere: an original arriving late never displaces a copy that was posted. */
  delivered?: (itemIds: readonly string[]) => Promise<Set<string>>;
}

type Pending = {
  prepared: PreparedItem;
  reason: DropReason | null;
  duplicateOfId: string | null;
  /** A copy in this batch that turned out to be a repost of a later item: resolved to its id after insert. */
  duplicateOfGuid?: string;
};

/** An earlier copy that the incoming original displaces: it becomes the duplicate once the original has an id. */
type Displaced = { id: string; reason: DropReason; byGuid: string };

const copyOf = (item: PreparedItem | ContentItem, sourceUrl: string | null | undefined): CopyOfStory => ({
  title: item.title,
  text: item.text,
  publishedAt: item.publishedAt,
  canonicalUrl: item.canonicalUrl,
  sourceUrl,
});

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

  // The stored items an incoming one repeats, in full: the incoming copy may be the original and take their place.
  const matchedIds = [
    ...new Set(
      fresh.flatMap((item) => {
        const byUrl = item.canonicalUrl ? known.byCanonicalUrl.get(item.canonicalUrl)?.id : undefined;
        const byHash = known.byContentHash.get(item.contentHash)?.id;
        return [byUrl, byHash].filter((id): id is string => id !== undefined);
      }),
    ),
  ];
  const matched = new Map((matchedIds.length ? await deps.items.getMany(matchedIds) : []).map((i) => [i.id, i]));
  const sourceUrls = new Map<string, string | null | undefined>([
    [source.id, source.kind === 'feed' ? source.url : null],
  ]);
  const sourceUrlOf = async (sourceId: string): Promise<string | null | undefined> => {
    if (!sourceUrls.has(sourceId)) {
      const other = deps.sources ? await deps.sources.get(sourceId) : undefined;
      sourceUrls.set(sourceId, other === undefined ? undefined : other?.kind === 'feed' ? other.url : null);
    }
    return sourceUrls.get(sourceId);
  };
  const mine = source.kind === 'feed' ? source.url : null;
  const displaced: Displaced[] = [];
  const displacedIds = new Set<string>();
  /** Whether the incoming item should take the place of a stored copy (never one already posted somewhere). */
  const takesPlaceOf = async (
    item: PreparedItem,
    existing: ContentItem | undefined,
    byDate = true,
  ): Promise<boolean> => {
    if (!existing || existing.dropReason !== null || displacedIds.has(existing.id)) return false;
    const other = copyOf(existing, await sourceUrlOf(existing.sourceId));
    if (compareOriginality(copyOf(item, mine), other, { byDate }) <= 0) return false;
    const posted = deps.delivered ? await deps.delivered([existing.id]) : new Set<string>();
    return !posted.has(existing.id);
  };

  const pending: Pending[] = [];
  const seenUrls = new Map<string, Pending>();
  const seenHashes = new Map<string, Pending>();
  for (const item of fresh) {
    let reason: DropReason | null = null;
    let duplicateOfId: string | null = null;
    const entry: Pending = { prepared: item, reason, duplicateOfId };
    const urlMatch = item.canonicalUrl ? known.byCanonicalUrl.get(item.canonicalUrl) : undefined;
    const hashMatch = known.byContentHash.get(item.contentHash);
    const inBatch =
      (item.canonicalUrl ? seenUrls.get(item.canonicalUrl) : undefined) ?? seenHashes.get(item.contentHash);
    const inBatchReason: DropReason =
      item.canonicalUrl && seenUrls.has(item.canonicalUrl) ? 'DUPLICATE_URL' : 'DUPLICATE_CONTENT';
    if (!item.title && !item.text) reason = 'EMPTY_CONTENT';
    else if (urlMatch || hashMatch) {
      const [code, match] = urlMatch
        ? (['DUPLICATE_URL', urlMatch] as const)
        : (['DUPLICATE_CONTENT', hashMatch!] as const);
      if (await takesPlaceOf(item, matched.get(match.id))) {
        displaced.push({ id: match.id, reason: code, byGuid: item.guid });
        displacedIds.add(match.id);
      } else [reason, duplicateOfId] = [code, match.id];
    } else if (inBatch) {
      // One source repeating itself is not a repost: only a marker says which of its own copies is the original.
      if (compareOriginality(copyOf(item, mine), copyOf(inBatch.prepared, mine), { byDate: false }) > 0) {
        // The earlier copy in this batch is the repost: it steps down, this one takes its place.
        inBatch.reason = inBatchReason;
        inBatch.duplicateOfGuid = item.guid;
      } else reason = inBatchReason;
    } else if (pending.filter((p) => p.reason === null).length >= options.perFetchCap) reason = 'PER_FETCH_CAP';
    entry.reason = reason;
    entry.duplicateOfId = duplicateOfId;
    if (reason === null) {
      if (item.canonicalUrl) seenUrls.set(item.canonicalUrl, entry);
      seenHashes.set(item.contentHash, entry);
    }
    pending.push(entry);
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
  const neighbours: { item: ContentItem | null; row: NewContentItem | null; embedding: Float32Array }[] =
    window.flatMap((w) =>
      w.embedding && !displacedIds.has(w.id) ? [{ item: w, row: null, embedding: w.embedding }] : [],
    );

  const rows: NewContentItem[] = [];
  const scoreOf = new Map(toScore.map((p, i) => [p, scores[i]]));
  const rowOf = new Map<Pending, NewContentItem>();
  const batchLosers = new Map<NewContentItem, string>();
  const featuresOf = new Map<string, Float64Array>();
  for (const p of pending) {
    const scored = scoreOf.get(p);
    let { reason, duplicateOfId } = p;
    // Only the items that end up kept have their inputs saved (after insert), so any scored one may be recorded here.
    if (scored?.features) featuresOf.set(p.prepared.guid, scored.features);
    const row: NewContentItem = {
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
      dropReason: null,
      duplicateOfId: null,
      reactions: p.prepared.reactions,
      author: p.prepared.author,
      categories: p.prepared.categories,
    };
    if (scored && p.reason === null) {
      const twin = neighbours.find((n) => dot(n.embedding, scored.embedding) >= options.nearDuplicateThreshold);
      if (twin?.item) {
        // The same story told elsewhere (perhaps in another language): the original is kept, wherever it came from.
        if (await takesPlaceOf(p.prepared, twin.item, false)) {
          displaced.push({ id: twin.item.id, reason: 'NEAR_DUPLICATE', byGuid: p.prepared.guid });
          displacedIds.add(twin.item.id);
          neighbours.splice(neighbours.indexOf(twin), 1, { item: null, row, embedding: scored.embedding });
        } else [reason, duplicateOfId] = ['NEAR_DUPLICATE', twin.item.id];
      } else if (twin?.row) {
        const earlier = twin.row;
        const byMeaning = { byDate: false };
        if (compareOriginality(copyOf(p.prepared, mine), copyOf(earlier as ContentItem, mine), byMeaning) > 0) {
          earlier.dropReason = 'NEAR_DUPLICATE';
          batchLosers.set(earlier, p.prepared.guid);
          neighbours.splice(neighbours.indexOf(twin), 1, { item: null, row, embedding: scored.embedding });
        } else {
          reason = 'NEAR_DUPLICATE';
          batchLosers.set(row, earlier.guid);
        }
      } else neighbours.push({ item: null, row, embedding: scored.embedding });
    }
    row.dropReason = reason;
    row.duplicateOfId = duplicateOfId;
    if (p.duplicateOfGuid) batchLosers.set(row, p.duplicateOfGuid);
    rowOf.set(p, row);
    rows.push(row);
  }
  // A copy in this batch that stepped down for a later original takes its reason now that the loop is done.
  for (const p of pending) {
    const row = rowOf.get(p);
    if (row && p.reason && row.dropReason === null) row.dropReason = p.reason;
  }
  for (const row of rows) if (row.dropReason) drop(row.dropReason);
  const stored = await deps.items.insertMany(rows);
  // Point every copy at its original, now that the originals have ids.
  const idByGuid = new Map(stored.map((item) => [item.guid, item.id]));
  for (const [row, guid] of batchLosers) {
    const lost = idByGuid.get(row.guid);
    const winner = idByGuid.get(guid);
    if (lost && winner && row.dropReason) await deps.items.markDuplicate(lost, row.dropReason, winner);
  }
  for (const copy of displaced) {
    const winner = idByGuid.get(copy.byGuid);
    if (!winner) continue;
    await deps.items.markDuplicate(copy.id, copy.reason, winner);
    await deps.items.repointDuplicates(copy.id, winner);
    summary.dropped[copy.reason] = (summary.dropped[copy.reason] ?? 0) + 1;
  }
  summary.keptItems = stored.filter((item) => item.dropReason === null);
  summary.kept = summary.keptItems.length;
  await deps.quality?.saveInputs(
    summary.keptItems.flatMap((item) => {
      const features = featuresOf.get(item.guid);
      return features
        ? [
            {
              itemId: item.id,
              communityId: item.communityId,
              kind: source.kind === 'community' ? 'post' : source.kind === 'courses' ? 'course' : 'article',
              baseQuality: item.quality,
              features,
              publishedAt: item.publishedAt,
            },
          ]
        : [];
    }),
  );
  return summary;
}
