import { timeOrderedId } from '../../core/domain/time-ordered-id.ts';
import type { NewInteractionEvent } from '../../core/domain/types.ts';
import type { Db } from './database.ts';
import type { Statement } from './sqlite-connection.ts';
import { sqliteTimestamp } from './sqlite-driver-adapter.ts';

/**
 * Interaction events written by a store inside the transaction of the effect they record (the outbox of
 * core/ports/stores.ts `EffectEvents`). A dedup key seen before is skipped, as `EventStore.append` does.
 */

const COLUMNS =
  '"id", "communityId", "actorId", "verb", "objectType", "objectId", "targetMemberId", "channelId", "platform", "occurredAt", "metadata", "dedupKey"';

export const SQLITE_INSERT_EVENT = `INSERT INTO "InteractionEvent" (${COLUMNS})
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("dedupKey") DO NOTHING`;

/** Appends events with a prepared statement of the SQLite connection; returns how many were new. */
export function insertEventsSqlite(insert: Statement, events: readonly NewInteractionEvent[]): number {
  let written = 0;
  for (const e of events) {
    written += insert.run(
      timeOrderedId(),
      e.communityId,
      e.actorId,
      e.verb,
      e.objectType,
      e.objectId,
      e.targetMemberId,
      e.channelId,
      e.platform,
      sqliteTimestamp(e.occurredAt),
      JSON.stringify(e.metadata ?? {}),
      e.dedupKey ?? null,
    ).changes;
  }
  return written;
}

/** `TIMESTAMP(3)` text in UTC: PostgreSQL's columns have no zone, and a JS Date would be sent in local time. */
export function pgTimestamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** An event as a row of InteractionEvent, with a fresh id. */
function eventRow(e: NewInteractionEvent) {
  return {
    id: timeOrderedId(),
    communityId: e.communityId,
    actorId: e.actorId,
    verb: e.verb,
    objectType: e.objectType,
    objectId: e.objectId,
    targetMemberId: e.targetMemberId,
    channelId: e.channelId,
    platform: e.platform,
    occurredAt: e.occurredAt,
    metadata: (e.metadata ?? {}) as object,
    dedupKey: e.dedupKey ?? null,
  };
}

/** The events as one JSONB parameter, for `jsonb_to_recordset` (a statement whose text never changes). */
export function pgEventsParam(events: readonly NewInteractionEvent[]): string {
  return JSON.stringify(events.map((e) => ({ ...eventRow(e), occurredAt: pgTimestamp(e.occurredAt) })));
}

/** Inserts the events of `$<n>` (see pgEventsParam) when `condition` holds; a CTE body or a statement of its own. */
export function pgInsertEventsSql(param: string, condition = 'TRUE'): string {
  return `INSERT INTO "InteractionEvent" (${COLUMNS})
    SELECT e."id", e."communityId", e."actorId", e."verb", e."objectType", e."objectId", e."targetMemberId",
      e."channelId", e."platform", e."occurredAt"::TIMESTAMP(3), e."metadata", e."dedupKey"
    FROM jsonb_to_recordset(${param}::JSONB) AS e("id" TEXT, "communityId" TEXT, "actorId" TEXT, "verb" TEXT,
      "objectType" TEXT, "objectId" TEXT, "targetMemberId" TEXT, "channelId" TEXT, "platform" TEXT,
      "occurredAt" TEXT, "metadata" JSONB, "dedupKey" TEXT)
    WHERE ${condition}
    ON CONFLICT ("dedupKey") DO NOTHING
    RETURNING 1`;
}

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/**
 * Appends events through Prisma inside an interactive transaction (either provider). Keys already present are
 * skipped by reading them first, not by catching the unique violation, which would abort a PostgreSQL transaction.
 */
export async function insertEventsPrisma(tx: Tx, events: readonly NewInteractionEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const keys = events.map((e) => e.dedupKey).filter((k): k is string => typeof k === 'string');
  const seen = new Set(
    keys.length === 0
      ? []
      : (await tx.interactionEvent.findMany({ where: { dedupKey: { in: keys } }, select: { dedupKey: true } })).map(
          (r) => r.dedupKey,
        ),
  );
  const fresh = events.filter((e) => !e.dedupKey || !seen.has(e.dedupKey));
  if (fresh.length === 0) return 0;
  const { count } = await tx.interactionEvent.createMany({ data: fresh.map(eventRow) });
  return count;
}
