import type { EventVerb, InteractionEvent, Platform } from '../../core/domain/types.ts';
import type { EventQuery } from '../../core/ports/stores.ts';
import { PrismaEventStore } from './catalog-and-log-stores.ts';
import type { Db } from './database.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import { sqliteTimestamp } from './sqlite-driver-adapter.ts';

/**
 * The event log on SQLite with reads on the driver: a recommender retrain reads the whole log (a million rows at
 * 100k members) a page at a time, and serving reads the events since its snapshot on every request. Through Prisma
 * each row went through its query engine's result mapping (about 15 µs a row); here a cached statement returns
 * plain rows. Writes, counts and personal-data handling stay PrismaEventStore's. Same rows, same order.
 */

interface EventRow {
  id: string;
  communityId: string;
  actorId: string;
  verb: string;
  objectType: string;
  objectId: string;
  targetMemberId: string | null;
  channelId: string | null;
  platform: string;
  occurredAt: string | number;
  metadata: string | null;
}

const COLUMNS =
  '"id", "communityId", "actorId", "verb", "objectType", "objectId", "targetMemberId", "channelId", "platform", "occurredAt", "metadata"';

/** The statement for a query's shape (which filters it has, how many verbs): a handful of shapes, each prepared once. */
export function eventQuerySql(query: EventQuery): string {
  const where = ['"communityId" = ?'];
  if (query.actorId !== undefined) where.push('"actorId" = ?');
  if (query.verbs) where.push(`"verb" IN (${query.verbs.map(() => '?').join(', ') || 'NULL'})`);
  if (query.since) where.push('"occurredAt" >= ?');
  if (query.until) where.push('"occurredAt" < ?');
  const order = query.newestFirst ? 'DESC' : 'ASC';
  const limit = query.limit !== undefined ? ' LIMIT ?' : '';
  return `SELECT ${COLUMNS} FROM "InteractionEvent" WHERE ${where.join(' AND ')} ORDER BY "occurredAt" ${order}, "id" ${order}${limit}`;
}

function eventQueryParams(query: EventQuery): unknown[] {
  const params: unknown[] = [query.communityId];
  if (query.actorId !== undefined) params.push(query.actorId);
  if (query.verbs) params.push(...query.verbs);
  // Stored as Prisma stores a DateTime (sqliteTimestamp: fixed-width UTC text), so text order is time order.
  if (query.since) params.push(sqliteTimestamp(query.since));
  if (query.until) params.push(sqliteTimestamp(query.until));
  if (query.limit !== undefined) params.push(query.limit);
  return params;
}

const toEvent = (row: EventRow): InteractionEvent => ({
  id: row.id,
  communityId: row.communityId,
  actorId: row.actorId,
  verb: row.verb as EventVerb,
  objectType: row.objectType,
  objectId: row.objectId,
  targetMemberId: row.targetMemberId,
  channelId: row.channelId,
  platform: row.platform as Platform,
  occurredAt: new Date(row.occurredAt),
  metadata: parseMetadata(row.metadata),
});

function parseMetadata(text: string | null): Record<string, unknown> {
  // Most events carry none: skip the parser for the empty object.
  if (text === null || text === '{}') return {};
  return (JSON.parse(text) ?? {}) as Record<string, unknown>;
}

export class SqliteEventStore extends PrismaEventStore {
  readonly #connection: SqliteConnection;

  constructor(db: Db, connection: SqliteConnection) {
    super(db);
    this.#connection = connection;
  }

  override query(query: EventQuery): Promise<InteractionEvent[]> {
    const c = this.#connection;
    // A read outside any transaction: it waits for an interactive one to finish, as a Prisma read would.
    return c.exclusive(() =>
      (c.statement(eventQuerySql(query)).all(...eventQueryParams(query)) as EventRow[]).map(toEvent),
    );
  }
}
