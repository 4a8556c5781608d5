import { PrismaCourseStore } from './catalog-and-log-stores.ts';
import type { Db } from './database.ts';
import type { SqliteConnection } from './sqlite-connection.ts';

/**
 * The catalogue on SQLite with its version read on the driver: the recommender asks for it on every request
 * (to tell whether its snapshot is current), and through Prisma the aggregate cost more than the answer it gates.
 * One cached statement, the same text PrismaCourseStore returns; everything else is PrismaCourseStore's.
 */
/*
 * Three subqueries, not one aggregate: each is answered from an index (a covering count, and a min/max seek on
 * (communityId, createdAt) and (communityId, updatedAt)), where the single aggregate read every course row — 1.5 ms
 * at 4k courses, the largest part of a /recommend.
 */
const VERSION_SQL = `SELECT
  (SELECT COUNT(*) FROM "Course" WHERE "communityId" = ?) AS "n",
  (SELECT MAX("createdAt") FROM "Course" WHERE "communityId" = ?) AS "created",
  (SELECT MAX("updatedAt") FROM "Course" WHERE "communityId" = ?) AS "updated"`;

/** A stored DateTime (sqliteTimestamp text, or epoch milliseconds) as epoch milliseconds; 0 when none. */
function millis(value: string | number | null): number {
  if (value === null) return 0;
  return typeof value === 'number' ? value : Date.parse(value);
}

export class SqliteCourseStore extends PrismaCourseStore {
  readonly #connection: SqliteConnection;

  constructor(db: Db, connection: SqliteConnection) {
    super(db);
    this.#connection = connection;
  }

  override catalogueVersion(communityId: string): Promise<string> {
    const c = this.#connection;
    return c.exclusive(() => {
      const row = c.statement(VERSION_SQL).get(communityId, communityId, communityId) as {
        n: number;
        created: string | number | null;
        updated: string | number | null;
      };
      return `${row.n}:${millis(row.created)}:${millis(row.updated)}`;
    });
  }
}
