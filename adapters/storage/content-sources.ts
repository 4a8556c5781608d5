import type { ContentSourceStore } from '../../core/content/ports.ts';
import {
  type ContentSource,
  type NewContentSource,
  SOURCE_DELIVERIES,
  type SourceDelivery,
  type SourceFailure,
  type SourceFetchState,
  type SourceKind,
  type SourceSettings,
} from '../../core/content/types.ts';
import { UserError } from '../../core/errors.ts';
import type { Db } from './database.ts';
import type { ContentSource as SourceRow } from './generated/sqlite/client.ts';
import { isUniqueViolation } from './prisma-errors.ts';

export const jsonStrings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

const toSource = (row: SourceRow): ContentSource => ({
  id: row.id,
  communityId: row.communityId,
  kind: row.kind as SourceKind,
  url: row.url,
  title: row.title,
  topics: jsonStrings(row.topics),
  intervalMs: row.intervalMs,
  enabled: row.enabled,
  disabledReason: row.disabledReason,
  etag: row.etag,
  lastModified: row.lastModified,
  lastFetchedAt: row.lastFetchedAt,
  nextFetchAt: row.nextFetchAt,
  consecutiveFailures: row.consecutiveFailures,
  lastError: row.lastError,
  noticeChannelId: row.noticeChannelId,
  createdById: row.createdById,
  createdAt: row.createdAt,
  filter: row.filter,
  delivery: (SOURCE_DELIVERIES as readonly string[]).includes(row.delivery)
    ? (row.delivery as SourceDelivery)
    : 'digest',
  channelId: row.channelId,
  threadId: row.threadId,
  template: row.template,
  instantSince: row.instantSince,
  failures: failuresOf(row.failures),
});

const failuresOf = (value: unknown): SourceFailure[] =>
  Array.isArray(value)
    ? value.flatMap((f) => {
        if (!f || typeof f !== 'object') return [];
        const { at, code, params } = f as { at?: unknown; code?: unknown; params?: unknown };
        const when = typeof at === 'string' ? new Date(at) : null;
        if (!when || Number.isNaN(when.getTime()) || typeof code !== 'string') return [];
        const clean =
          params && typeof params === 'object'
            ? Object.fromEntries(
                Object.entries(params).filter(
                  (e): e is [string, string | number] => typeof e[1] === 'string' || typeof e[1] === 'number',
                ),
              )
            : {};
        return [{ at: when, code, params: clean }];
      })
    : [];

const failuresRow = (failures: readonly SourceFailure[]) =>
  failures.map((f) => ({ at: f.at.toISOString(), code: f.code, params: f.params }));

export class PrismaContentSourceStore implements ContentSourceStore {
  constructor(private readonly db: Db) {}

  async create(source: NewContentSource): Promise<ContentSource> {
    try {
      return toSource(await this.db.contentSource.create({ data: { ...source, topics: source.topics } }));
    } catch (error) {
      if (isUniqueViolation(error)) throw new UserError('SOURCE_EXISTS', 'content:source.exists', { url: source.url });
      throw error;
    }
  }

  async get(id: string): Promise<ContentSource | null> {
    const row = await this.db.contentSource.findUnique({ where: { id } });
    return row ? toSource(row) : null;
  }

  async findByUrl(communityId: string, url: string): Promise<ContentSource | null> {
    const row = await this.db.contentSource.findUnique({ where: { communityId_url: { communityId, url } } });
    return row ? toSource(row) : null;
  }

  async list(communityId: string): Promise<ContentSource[]> {
    const rows = await this.db.contentSource.findMany({ where: { communityId }, orderBy: { createdAt: 'asc' } });
    return rows.map(toSource);
  }

  async listDue(now: Date, limit: number): Promise<ContentSource[]> {
    const rows = await this.db.contentSource.findMany({
      where: { enabled: true, nextFetchAt: { lte: now } },
      orderBy: { nextFetchAt: 'asc' },
      take: limit,
    });
    return rows.map(toSource);
  }

  async listInstant(): Promise<ContentSource[]> {
    const rows = await this.db.contentSource.findMany({
      where: { enabled: true, delivery: { in: ['instant', 'both'] } },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(toSource);
  }

  async update(id: string, state: SourceFetchState): Promise<ContentSource> {
    const { failures, ...rest } = state;
    const data = failures ? { ...rest, failures: failuresRow(failures) } : rest;
    return toSource(await this.db.contentSource.update({ where: { id }, data }));
  }

  async configure(id: string, settings: SourceSettings): Promise<ContentSource> {
    return toSource(await this.db.contentSource.update({ where: { id }, data: settings }));
  }

  async remove(id: string): Promise<boolean> {
    const { count } = await this.db.contentSource.deleteMany({ where: { id } });
    return count > 0;
  }
}
