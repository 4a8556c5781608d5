import type pg from 'pg';
import type { DeliveryClaim, DeliveryStore, KeptCommand, ResumableCommand } from '../../core/ports/stores.ts';
import type { DatabaseDriver } from './database.ts';
import { pgTimestamp } from './event-rows.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import { sqliteTimestamp } from './sqlite-driver-adapter.ts';

/**
 * The command delivery lease (ADR 0007) on the driver. Every command with a platform delivery id claims it before
 * running and finishes it after answering, so a /tip costs these two writes beside the tip itself. Through Prisma
 * each was a statement prepared anew and, on SQLite, a commit of its own; here each is one cached statement: on
 * SQLite a native transaction that shares the group commit of whatever else is in flight (tips included), on
 * PostgreSQL one named prepared statement (one round trip, planned once per connection).
 * Semantics are PrismaDeliveryStore's: `first` for a new key; `retry` for exactly one claimer of an unfinished key
 * whose lease is over; `in-progress` for an unfinished key whose lease still holds; `duplicate` for a finished one.
 */

export const SQLITE_DELIVERY_SQL = {
  insert: `INSERT INTO "ProcessedDelivery" ("key", "createdAt", "leaseUntil") VALUES (?, ?, ?)
    ON CONFLICT ("key") DO NOTHING`,
  takeOver: `UPDATE "ProcessedDelivery" SET "leaseUntil" = ?
    WHERE "key" = ? AND "finishedAt" IS NULL AND "leaseUntil" IS NOT NULL AND "leaseUntil" < ?`,
  finish: `UPDATE "ProcessedDelivery" SET "finishedAt" = ?, "leaseUntil" = NULL WHERE "key" = ?`,
  unfinished: `SELECT 1 FROM "ProcessedDelivery" WHERE "key" = ? AND "finishedAt" IS NULL`,
  forget: `DELETE FROM "ResumableCommand" WHERE "key" = ?`,
  // Only for an unfinished delivery: an erasure finishes its member's deliveries, and a record kept after it would
  // hold their command where no sweep reaches it.
  keep: `INSERT INTO "ResumableCommand" ("key", "platform", "spaceId", "userId", "command", "resume", "createdAt")
    SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM "ProcessedDelivery" WHERE "key" = ? AND "finishedAt" IS NULL)
    ON CONFLICT ("key") DO UPDATE SET "resume" = excluded."resume"`,
  abandoned: `SELECT r."key", r."resume" FROM "ResumableCommand" r JOIN "ProcessedDelivery" d ON d."key" = r."key"
    WHERE r."platform" = ? AND d."finishedAt" IS NULL AND d."leaseUntil" IS NOT NULL AND d."leaseUntil" < ?
    ORDER BY r."createdAt" LIMIT ?`,
};

export class SqliteDeliveryStore implements DeliveryStore {
  constructor(private readonly connection: SqliteConnection) {}

  claim(key: string, at: Date, leaseUntil: Date): Promise<DeliveryClaim> {
    const c = this.connection;
    return c.transaction((): DeliveryClaim => {
      const lease = sqliteTimestamp(leaseUntil);
      if (c.statement(SQLITE_DELIVERY_SQL.insert).run(key, sqliteTimestamp(at), lease).changes === 1) return 'first';
      // The timestamps are one fixed-width UTC text format, so comparing the text compares the instants.
      const taken = c.statement(SQLITE_DELIVERY_SQL.takeOver).run(lease, key, sqliteTimestamp(at)).changes;
      if (taken === 1) return 'retry';
      return c.statement(SQLITE_DELIVERY_SQL.unfinished).get(key) ? 'in-progress' : 'duplicate';
    });
  }

  async finish(key: string, at: Date, options: { resumable?: boolean } = {}): Promise<void> {
    await this.connection.transaction(() => {
      this.connection.statement(SQLITE_DELIVERY_SQL.finish).run(sqliteTimestamp(at), key);
      if (options.resumable) this.connection.statement(SQLITE_DELIVERY_SQL.forget).run(key);
    });
  }

  async keepResumable(kept: KeptCommand, at: Date): Promise<void> {
    const { key, platform, spaceId, userId, command, resume } = kept;
    await this.connection.transaction(() => {
      this.connection
        .statement(SQLITE_DELIVERY_SQL.keep)
        .run(key, platform, spaceId, userId, command, resume, sqliteTimestamp(at), key);
    });
  }

  async abandoned(platform: string, at: Date, limit: number): Promise<ResumableCommand[]> {
    return this.connection
      .statement(SQLITE_DELIVERY_SQL.abandoned)
      .all(platform, sqliteTimestamp(at), limit) as ResumableCommand[];
  }
}

/**
 * One statement: the insert, or else the compare-and-set take-over. Under READ COMMITTED a concurrent claimer of the
 * same new key waits on the unique index and then does nothing; its UPDATE sees the row only if the winner has
 * committed and the lease is over, so two claimers never both win.
 */
export const PG_DELIVERY_CLAIM_SQL = `WITH inserted AS (
    INSERT INTO "ProcessedDelivery" ("key", "createdAt", "leaseUntil") VALUES ($1, $2::TIMESTAMP(3), $3::TIMESTAMP(3))
    ON CONFLICT ("key") DO NOTHING
    RETURNING 1
  ), taken AS (
    UPDATE "ProcessedDelivery" SET "leaseUntil" = $3::TIMESTAMP(3)
    WHERE "key" = $1 AND NOT EXISTS (SELECT 1 FROM inserted)
      AND "finishedAt" IS NULL AND "leaseUntil" IS NOT NULL AND "leaseUntil" < $2::TIMESTAMP(3)
    RETURNING 1
  )
  SELECT CASE WHEN EXISTS (SELECT 1 FROM inserted) THEN 'first'
    WHEN EXISTS (SELECT 1 FROM taken) THEN 'retry'
    WHEN EXISTS (SELECT 1 FROM "ProcessedDelivery" WHERE "key" = $1 AND "finishedAt" IS NULL) THEN 'in-progress'
    ELSE 'duplicate' END AS claim`;
export const PG_DELIVERY_FINISH_SQL = `UPDATE "ProcessedDelivery" SET "finishedAt" = $2::TIMESTAMP(3), "leaseUntil" = NULL
  WHERE "key" = $1`;
/** The finish of a command kept resumable: one statement, so the record goes exactly when the delivery finishes. */
export const PG_DELIVERY_FINISH_RESUMABLE_SQL = `WITH forgotten AS (DELETE FROM "ResumableCommand" WHERE "key" = $1)
  ${PG_DELIVERY_FINISH_SQL}`;
/** Only for an unfinished delivery (as on SQLite: an erased member's finished deliveries keep no record). */
export const PG_KEEP_RESUMABLE_SQL = `INSERT INTO "ResumableCommand"
    ("key", "platform", "spaceId", "userId", "command", "resume", "createdAt")
  SELECT $1, $2, $3, $4, $5, $6, $7::TIMESTAMP(3)
  WHERE EXISTS (SELECT 1 FROM "ProcessedDelivery" WHERE "key" = $1 AND "finishedAt" IS NULL)
  ON CONFLICT ("key") DO UPDATE SET "resume" = EXCLUDED."resume"`;
export const PG_ABANDONED_SQL = `SELECT r."key", r."resume" FROM "ResumableCommand" r
  JOIN "ProcessedDelivery" d ON d."key" = r."key"
  WHERE r."platform" = $1 AND d."finishedAt" IS NULL AND d."leaseUntil" IS NOT NULL AND d."leaseUntil" < $2::TIMESTAMP(3)
  ORDER BY r."createdAt" LIMIT $3`;

export class PostgresDeliveryStore implements DeliveryStore {
  constructor(private readonly pool: pg.Pool) {}

  async claim(key: string, at: Date, leaseUntil: Date): Promise<DeliveryClaim> {
    const result = await this.pool.query<{ claim: DeliveryClaim }>({
      name: 'cohort_delivery_claim_v2',
      text: PG_DELIVERY_CLAIM_SQL,
      values: [key, pgTimestamp(at), pgTimestamp(leaseUntil)],
    });
    return result.rows[0]?.claim ?? 'duplicate';
  }

  async finish(key: string, at: Date, options: { resumable?: boolean } = {}): Promise<void> {
    await this.pool.query(
      options.resumable
        ? {
            name: 'cohort_delivery_finish_resumable_v1',
            text: PG_DELIVERY_FINISH_RESUMABLE_SQL,
            values: [key, pgTimestamp(at)],
          }
        : { name: 'cohort_delivery_finish_v1', text: PG_DELIVERY_FINISH_SQL, values: [key, pgTimestamp(at)] },
    );
  }

  async keepResumable(kept: KeptCommand, at: Date): Promise<void> {
    const { key, platform, spaceId, userId, command, resume } = kept;
    await this.pool.query({
      name: 'cohort_keep_resumable_v2',
      text: PG_KEEP_RESUMABLE_SQL,
      values: [key, platform, spaceId, userId, command, resume, pgTimestamp(at)],
    });
  }

  async abandoned(platform: string, at: Date, limit: number): Promise<ResumableCommand[]> {
    const result = await this.pool.query<ResumableCommand>({
      name: 'cohort_abandoned_commands_v1',
      text: PG_ABANDONED_SQL,
      values: [platform, pgTimestamp(at), limit],
    });
    return result.rows;
  }
}

export function createDeliveryStore(driver: DatabaseDriver): DeliveryStore {
  return driver.provider === 'sqlite'
    ? new SqliteDeliveryStore(driver.connection)
    : new PostgresDeliveryStore(driver.pool);
}
