import { newestFirst } from '../../core/content/digest/bounded-ranking.ts';
import type {
  CandidateKey,
  CandidateQuery,
  ContentItemStore,
  ItemKeys,
  KnownItems,
  RankedCandidateQuery,
} from '../../core/content/ports.ts';
import type { ContentItem, DropReason, NewContentItem } from '../../core/content/types.ts';
import { boundsBySourceSql, rankedCandidatesSql, type SqlDialect } from './candidate-bound-sql.ts';
import type { Db } from './database.ts';
import type { ContentItem as ItemRow } from './generated/sqlite/client.ts';
import { isUniqueViolation } from './prisma-errors.ts';

/** Float32 little-endian bytes (a copy, so the vector never aliases a driver buffer). */
export function embeddingToBytes(vector: Float32Array): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(vector.byteLength);
  bytes.set(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
  return bytes;
}

export function bytesToEmbedding(bytes: Uint8Array): Float32Array {
  const copy = new Uint8Array(bytes.byteLength - (bytes.byteLength % 4));
  copy.set(bytes.subarray(0, copy.byteLength));
  return new Float32Array(copy.buffer);
}

/** Splits an IN list: SQLite through Prisma caps a query's bound parameters (999). */
export async function inChunks<T, R>(
  values: readonly T[],
  run: (chunk: T[]) => Promise<R[]>,
  size = 400,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < values.length; i += size) out.push(...(await run(values.slice(i, i + size))));
  return out;
}

const topicsOf = (value: unknown): ContentItem['topics'] =>
  Array.isArray(value)
    ? value.flatMap((t) =>
        t && typeof t === 'object' && typeof (t as { topic?: unknown }).topic === 'string'
          ? [{ topic: (t as { topic: string }).topic, weight: Number((t as { weight?: unknown }).weight) || 0 }]
          : [],
      )
    : [];

const toItem = (row: ItemRow): ContentItem => ({
  id: row.id,
  communityId: row.communityId,
  sourceId: row.sourceId,
  guid: row.guid,
  url: row.url,
  canonicalUrl: row.canonicalUrl,
  title: row.title,
  text: row.text,
  language: row.language,
  contentHash: row.contentHash,
  publishedAt: row.publishedAt,
  fetchedAt: row.fetchedAt,
  quality: row.quality,
  sentiment: row.sentiment,
  topics: topicsOf(row.topics),
  embedding: row.embedding ? bytesToEmbedding(row.embedding) : null,
  dropReason: row.dropReason as DropReason | null,
  duplicateOfId: row.duplicateOfId,
  reactions: row.reactions,
  author: row.author,
  categories: Array.isArray(row.categories) ? row.categories.filter((c): c is string => typeof c === 'string') : [],
});

const toRow = (item: NewContentItem) => ({
  ...item,
  topics: item.topics,
  author: item.author ?? null,
  categories: item.categories ?? [],
  embedding: item.embedding ? embeddingToBytes(item.embedding) : null,
});

/**
 * The candidates' filter, in the database: the window, kept items only (copies carry a drop reason), and the
 * digest's sources when given.
 */
function candidateWhere(query: Omit<CandidateQuery, 'limit'> & { upTo?: CandidateKey | null }) {
  return {
    communityId: query.communityId,
    dropReason: null,
    publishedAt: { gte: query.since },
    ...(query.sourceIds ? { sourceId: { in: [...query.sourceIds] } } : {}),
    // At or before `upTo` in newest-first order (publishedAt desc, id asc).
    ...(query.upTo
      ? {
          OR: [
            { publishedAt: { gt: query.upTo.publishedAt } },
            { publishedAt: query.upTo.publishedAt, id: { lte: query.upTo.id } },
          ],
        }
      : {}),
  };
}

/** Newest first, ties by id: one order for reading, capping and ranking, so equal scores rank the same way. */
const NEWEST_FIRST = [{ publishedAt: 'desc' as const }, { id: 'asc' as const }];

export class PrismaContentItemStore implements ContentItemStore {
  readonly #dialect: SqlDialect;

  constructor(private readonly db: Db) {
    // One store class serves both providers' clients (database.ts); the ranking query is the one raw SQL here.
    const provider = (db as unknown as { _activeProvider?: string })._activeProvider;
    this.#dialect = provider === 'postgresql' ? 'postgresql' : 'sqlite';
  }

  async findKnown(communityId: string, sourceId: string, keys: ItemKeys): Promise<KnownItems> {
    const select = { id: true, sourceId: true, guid: true, canonicalUrl: true, contentHash: true } as const;
    // Each chunk holds whole keys, so "the earliest row per key" stays exact across chunks.
    const byGuid = await inChunks(keys.guids, (guids) =>
      this.db.contentItem.findMany({ where: { sourceId, guid: { in: guids } }, select }),
    );
    const byUrl = await inChunks(keys.canonicalUrls, (urls) =>
      this.db.contentItem.findMany({
        where: { communityId, canonicalUrl: { in: urls } },
        select,
        orderBy: { fetchedAt: 'asc' },
      }),
    );
    const byHash = await inChunks(keys.contentHashes, (hashes) =>
      this.db.contentItem.findMany({
        where: { communityId, contentHash: { in: hashes } },
        select,
        orderBy: { fetchedAt: 'asc' },
      }),
    );
    // The first item seen under a key is the original the later ones duplicate.
    const index = <K extends 'guid' | 'canonicalUrl' | 'contentHash'>(rows: typeof byGuid, key: K) => {
      const map = new Map<string, { id: string; sourceId: string }>();
      for (const row of rows) {
        const value = row[key];
        if (value && !map.has(value)) map.set(value, { id: row.id, sourceId: row.sourceId });
      }
      return map;
    };
    return {
      byGuid: index(byGuid, 'guid'),
      byCanonicalUrl: index(byUrl, 'canonicalUrl'),
      byContentHash: index(byHash, 'contentHash'),
    };
  }

  async insertMany(items: readonly NewContentItem[]): Promise<ContentItem[]> {
    if (items.length === 0) return [];
    const bySource = new Map<string, string[]>();
    for (const item of items) bySource.set(item.sourceId, [...(bySource.get(item.sourceId) ?? []), item.guid]);
    const existing = new Set<string>();
    for (const [sourceId, guids] of bySource) {
      const rows = await inChunks(guids, (chunk) =>
        this.db.contentItem.findMany({ where: { sourceId, guid: { in: chunk } }, select: { guid: true } }),
      );
      for (const row of rows) existing.add(`${sourceId}\u0000${row.guid}`);
    }
    const fresh = items.filter((item) => !existing.has(`${item.sourceId}\u0000${item.guid}`));
    return inChunks(fresh, (chunk) => this.#insertChunk(chunk), 40);
  }

  async #insertChunk(chunk: NewContentItem[]): Promise<ContentItem[]> {
    try {
      // createMany + one read is about twice as fast as createManyAndReturn through Prisma's SQLite adapter.
      await this.db.contentItem.createMany({ data: chunk.map(toRow) });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Another process stored some of these between our check and our insert: go one by one.
      for (const item of chunk) {
        try {
          await this.db.contentItem.create({ data: toRow(item) });
        } catch (inner) {
          if (!isUniqueViolation(inner)) throw inner;
        }
      }
    }
    const ours = new Set(chunk.map((item) => `${item.sourceId}\u0000${item.guid}`));
    const rows = await this.db.contentItem.findMany({
      where: {
        OR: [...new Set(chunk.map((i) => i.sourceId))].map((sourceId) => ({
          sourceId,
          guid: { in: chunk.filter((i) => i.sourceId === sourceId).map((i) => i.guid) },
        })),
      },
    });
    return rows.filter((row) => ours.has(`${row.sourceId}\u0000${row.guid}`)).map(toItem);
  }

  async get(id: string): Promise<ContentItem | null> {
    const row = await this.db.contentItem.findUnique({ where: { id } });
    return row ? toItem(row) : null;
  }

  async getMany(ids: readonly string[]): Promise<ContentItem[]> {
    if (ids.length === 0) return [];
    const rows = await inChunks(ids, (chunk) => this.db.contentItem.findMany({ where: { id: { in: chunk } } }));
    return rows.map(toItem);
  }

  async findByCanonicalUrl(communityId: string, canonicalUrl: string): Promise<ContentItem[]> {
    const rows = await this.db.contentItem.findMany({
      where: { communityId, canonicalUrl },
      orderBy: { fetchedAt: 'asc' },
    });
    return rows.map(toItem);
  }

  async listCandidates(query: CandidateQuery): Promise<ContentItem[]> {
    const where = candidateWhere(query);
    if (query.withEmbeddings === false) {
      const rows = await this.db.contentItem.findMany({
        where,
        omit: { embedding: true },
        orderBy: NEWEST_FIRST,
        take: query.limit,
      });
      return rows.map((row) => toItem({ ...row, embedding: null }));
    }
    const rows = await this.db.contentItem.findMany({ where, orderBy: NEWEST_FIRST, take: query.limit });
    return rows.map(toItem);
  }

  async rankedCandidates(query: RankedCandidateQuery): Promise<{ item: ContentItem; bound: number }[]> {
    if (query.sourceIds?.length === 0 || query.limit <= 0) return [];
    const { sql, params } = rankedCandidatesSql(this.#dialect, query);
    const ranked = await this.db.$queryRawUnsafe<{ id: string; bound: number }[]>(sql, ...params);
    const rows = await inChunks(
      ranked.map((r) => r.id),
      (ids) => this.db.contentItem.findMany({ where: { id: { in: ids } }, omit: { embedding: true } }),
    );
    const byId = new Map(rows.map((row) => [row.id, toItem({ ...row, embedding: null })]));
    return ranked.flatMap((r) => {
      const item = byId.get(r.id);
      return item ? [{ item, bound: Number(r.bound) }] : [];
    });
  }

  async boundsBySource(
    query: Omit<RankedCandidateQuery, 'offset' | 'limit'>,
    atMost: number,
  ): Promise<Map<string, number>> {
    if (query.sourceIds?.length === 0) return new Map();
    const { sql, params } = boundsBySourceSql(this.#dialect, query, atMost);
    const rows = await this.db.$queryRawUnsafe<{ sourceId: string; bound: number }[]>(sql, ...params);
    return new Map(rows.map((r) => [r.sourceId, Number(r.bound)]));
  }

  async candidateAt(
    query: Omit<CandidateQuery, 'limit' | 'withEmbeddings'>,
    index: number,
  ): Promise<CandidateKey | null> {
    const row = await this.db.contentItem.findFirst({
      where: candidateWhere(query),
      orderBy: NEWEST_FIRST,
      skip: index,
      select: { id: true, publishedAt: true },
    });
    return row ?? null;
  }

  async candidatesAmong(
    query: Omit<CandidateQuery, 'limit' | 'withEmbeddings'> & { upTo?: CandidateKey | null },
    keys: { ids: readonly string[]; guids: readonly string[] },
  ): Promise<ContentItem[]> {
    // Looked up by key (primary key; source and guid), the candidate filter applied here: a filter in the query
    // lets the planner scan the whole window by its index instead.
    const omit = { embedding: true } as const;
    const byId = await inChunks([...new Set(keys.ids)], (ids) =>
      this.db.contentItem.findMany({ where: { id: { in: ids } }, omit }),
    );
    const guids = [...new Set(keys.guids)];
    const sourceIds = query.sourceIds ?? [];
    const byGuid =
      guids.length === 0 || !query.sourceIds
        ? []
        : await inChunks(guids, (chunk) =>
            this.db.contentItem.findMany({ where: { sourceId: { in: [...sourceIds] }, guid: { in: chunk } }, omit }),
          );
    const sources = query.sourceIds ? new Set(query.sourceIds) : null;
    const since = query.since.getTime();
    const upTo = query.upTo ?? null;
    const items = new Map<string, ContentItem>();
    for (const row of [...byId, ...byGuid]) {
      const item = toItem({ ...row, embedding: null });
      const at = item.publishedAt.getTime();
      const candidate =
        item.communityId === query.communityId &&
        item.dropReason === null &&
        at >= since &&
        (!sources || sources.has(item.sourceId)) &&
        (!upTo || newestFirst(item, { ...item, id: upTo.id, publishedAt: upTo.publishedAt }) <= 0);
      if (candidate) items.set(item.id, item);
    }
    return [...items.values()].sort(newestFirst);
  }

  countCandidates(query: Parameters<ContentItemStore['countCandidates']>[0]): Promise<number> {
    const where = candidateWhere(query);
    return this.db.contentItem.count({
      where: query.newerThan ? { ...where, publishedAt: { gt: query.newerThan } } : where,
    });
  }

  async embeddingsOf(ids: readonly string[]): Promise<Map<string, Float32Array>> {
    const rows = await inChunks(ids, (chunk) =>
      this.db.contentItem.findMany({ where: { id: { in: chunk } }, select: { id: true, embedding: true } }),
    );
    const out = new Map<string, Float32Array>();
    for (const row of rows) if (row.embedding) out.set(row.id, bytesToEmbedding(row.embedding));
    return out;
  }

  async markDropped(id: string, reason: DropReason): Promise<void> {
    await this.db.contentItem.updateMany({ where: { id }, data: { dropReason: reason } });
  }

  async markDuplicate(id: string, reason: DropReason, duplicateOfId: string): Promise<void> {
    await this.db.contentItem.updateMany({ where: { id }, data: { dropReason: reason, duplicateOfId } });
  }

  async repointDuplicates(fromId: string, toId: string): Promise<void> {
    await this.db.contentItem.updateMany({
      where: { duplicateOfId: fromId, id: { not: toId } },
      data: { duplicateOfId: toId },
    });
  }

  async duplicatesOf(ids: readonly string[]): Promise<ContentItem[]> {
    if (ids.length === 0) return [];
    const rows = await inChunks(ids, (chunk) =>
      this.db.contentItem.findMany({ where: { duplicateOfId: { in: chunk } }, orderBy: { publishedAt: 'asc' } }),
    );
    return rows.map(toItem);
  }

  async latestOfSource(sourceId: string, limit: number): Promise<ContentItem[]> {
    const rows = await this.db.contentItem.findMany({
      where: { sourceId },
      orderBy: [{ publishedAt: 'desc' }, { id: 'asc' }],
      take: limit,
    });
    return rows.map(toItem);
  }
}
