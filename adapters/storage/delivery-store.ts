import type pg from 'pg';
import type { DeliveryClaim, DeliveryStore } from '../../core/ports/stores.ts';
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
  /** Claim and finish at once, inside an effect's transaction (DeliveryInEffect): a new key… */
  settle: `INSERT INTO "ProcessedDelivery" ("key", "createdAt", "leaseUntil", "finishedAt") VALUES (?, ?, NULL, ?)
    ON CONFLICT ("key") DO NOTHING`,
  /** …or one whose run died (unfinished, lease over). A finished key, or a live lease, is taken. */
  settleTakeOver: `UPDATE "ProcessedDelivery" SET "finishedAt" = ?, "leaseUntil" = NULL
    WHERE "key" = ? AND "finishedAt" IS NULL AND "leaseUntil" IS NOT NULL AND "leaseUntil" < ?`,
};

/**
 * Claims and finishes `key` in the caller's open transaction (SQLite's one writer: nobody else can claim it
 * between the two statements). False when another run holds or answered it: the caller rolls back.
 */
export function settleDeliverySqlite(connection: SqliteConnection, key: string, at: string): boolean {
  if (connection.statement(SQLITE_DELIVERY_SQL.settle).run(key, at, at).changes === 1) return true;
  return connection.statement(SQLITE_DELIVERY_SQL.settleTakeOver).run(at, key, at).changes === 1;
}

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

  async finish(key: string, at: Date): Promise<void> {
    await this.connection.transaction(() => {
      this.connection.statement(SQLITE_DELIVERY_SQL.finish).run(sqliteTimestamp(at), key);
    });
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
/**
 * The same settle as one CTE of an effect's statement (PostgreSQL's tip): `$key` is claimed and finished, or the CTE
 * yields no row and the effect's other CTEs, which hang on it, write nothing. A concurrent settler of a new key waits
 * on the unique index, then finds it finished and yields nothing. A NULL key settles nothing (no delivery).
 */
export function pgSettleDeliveryCte(key: string, at: string): string {
  return `INSERT INTO "ProcessedDelivery" ("key", "createdAt", "leaseUntil", "finishedAt")
    SELECT ${key}::TEXT, ${at}::TIMESTAMP(3), NULL, ${at}::TIMESTAMP(3) WHERE ${key}::TEXT IS NOT NULL
    ON CONFLICT ("key") DO UPDATE SET "finishedAt" = EXCLUDED."finishedAt", "leaseUntil" = NULL
    WHERE "ProcessedDelivery"."finishedAt" IS NULL AND "ProcessedDelivery"."leaseUntil" IS NOT NULL
      AND "ProcessedDelivery"."leaseUntil" < EXCLUDED."finishedAt"
    RETURNING 1`;
}

export const PG_DELIVERY_FINISH_SQL = `UPDATE "ProcessedDelivery" SET "finishedAt" = $2::TIMESTAMP(3), "leaseUntil" = NULL
  WHERE "key" = $1`;

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

  async finish(key: string, at: Date): Promise<void> {
    await this.pool.query({
      name: 'cohort_delivery_finish_v1',
      text: PG_DELIVERY_FINISH_SQL,
      values: [key, pgTimestamp(at)],
    });
  }
}

export function createDeliveryStore(driver: DatabaseDriver): DeliveryStore {
  return driver.provider === 'sqlite'
    ? new SqliteDeliveryStore(driver.connection)
    : new PostgresDeliveryStore(driver.pool);
}
