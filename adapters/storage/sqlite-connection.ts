import BetterSqlite3 from 'better-sqlite3';

/**
 * The one better-sqlite3 connection of a SQLite database, shared by the Prisma client and the hot paths, with one
 * serialised write path.
 *
 * A SQLite connection has one transaction at a time: a statement issued on it while a transaction is open runs inside
 * that transaction (and is rolled back with it), and a read sees its uncommitted rows. Prisma's better-sqlite3 adapter
 * only serialises transactions with each other, so a plain write from one request landed inside another request's
 * interactive transaction and vanished on its rollback. Here every use of the connection takes one FIFO lock: an
 * interactive transaction holds it from BEGIN to COMMIT/ROLLBACK; a statement outside a transaction, and a synchronous
 * native transaction, wait for it. better-sqlite3 is synchronous, so while the lock is free nothing waits at all.
 *
 * Statements are prepared once and cached (Prisma's adapter prepares every statement anew).
 */

export type Statement = BetterSqlite3.Statement<unknown[]>;

/** Prepared statements kept per connection; past this, the least recently used are dropped (and finalised by GC). */
const STATEMENT_CACHE_SIZE = 500;

export interface SqliteConnectionOptions {
  /** How long SQLite waits for another process's write lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

export class SqliteConnection {
  readonly db: BetterSqlite3.Database;
  readonly #lock = new FifoLock();
  /** Two caches: Prisma's statements return integers as BigInt (its result mapping expects them), native ones as numbers. */
  readonly #prisma = new StatementCache(STATEMENT_CACHE_SIZE);
  readonly #native = new StatementCache(STATEMENT_CACHE_SIZE);
  readonly #begin: Statement;
  readonly #commit: Statement;
  readonly #rollback: Statement;

  constructor(file: string, options: SqliteConnectionOptions = {}) {
    this.db = new BetterSqlite3(file, { timeout: options.busyTimeoutMs ?? 10_000 });
    // Cascades (e.g. deleting a community) need foreign keys, which SQLite leaves off per connection.
    this.db.pragma('foreign_keys = ON');
    // IMMEDIATE takes the write lock at BEGIN: a transaction that reads and then writes cannot fail with
    // SQLITE_BUSY_SNAPSHOT when another process wrote in between; it waits for the lock (busy timeout) instead.
    this.#begin = this.db.prepare('BEGIN IMMEDIATE');
    this.#commit = this.db.prepare('COMMIT');
    this.#rollback = this.db.prepare('ROLLBACK');
  }

  /** A cached statement for the Prisma adapter (integers come back as BigInt). */
  prismaStatement(sql: string): Statement {
    return this.#prisma.get(sql, () => this.db.prepare(sql).safeIntegers(true));
  }

  /** A cached statement for native (synchronous) work: integers come back as numbers. */
  statement(sql: string): Statement {
    return this.#native.get(sql, () => this.db.prepare(sql).safeIntegers(false));
  }

  /**
   * Runs `work` synchronously as one transaction of its own, once no interactive transaction holds the connection.
   * It commits when `work` returns and rolls back when it throws. Nothing else can run on the connection meanwhile:
   * `work` has no await.
   */
  transaction<T>(work: () => T): Promise<T> {
    return this.exclusive(() => {
      this.#begin.run();
      try {
        const result = work();
        this.#commit.run();
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.#rollback.run();
        throw error;
      }
    });
  }

  /** Runs synchronous `work` on the connection when no transaction holds it (no BEGIN of its own). */
  exclusive<T>(work: () => T): Promise<T> {
    if (this.#lock.tryAcquire()) {
      try {
        return Promise.resolve(work());
      } catch (error) {
        return Promise.reject(error);
      } finally {
        this.#lock.release();
      }
    }
    return this.#lock.acquire().then(() => {
      try {
        return work();
      } finally {
        this.#lock.release();
      }
    });
  }

  /**
   * Holds the connection for an interactive transaction: BEGIN now, and every other use waits until `release`
   * (called after COMMIT or ROLLBACK).
   */
  async hold(): Promise<{ release(): void }> {
    if (!this.#lock.tryAcquire()) await this.#lock.acquire();
    try {
      this.#begin.run();
    } catch (error) {
      this.#lock.release();
      throw error;
    }
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        // A transaction that ended without COMMIT or ROLLBACK (an adapter bug, a dropped client) must not leak
        // into the next holder's work.
        if (this.db.inTransaction) this.#rollback.run();
        this.#lock.release();
      },
    };
  }

  /** True while an interactive transaction holds the connection or work waits for it (for tests and metrics). */
  get busy(): boolean {
    return this.#lock.held;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

class StatementCache {
  readonly #statements = new Map<string, Statement>();

  constructor(private readonly capacity: number) {}

  get(sql: string, prepare: () => Statement): Statement {
    const hit = this.#statements.get(sql);
    if (hit) {
      // Map order is insertion order: re-inserting keeps the most recently used at the end.
      this.#statements.delete(sql);
      this.#statements.set(sql, hit);
      return hit;
    }
    const statement = prepare();
    this.#statements.set(sql, statement);
    if (this.#statements.size > this.capacity) {
      const oldest = this.#statements.keys().next().value as string;
      this.#statements.delete(oldest);
    }
    return statement;
  }
}

/** A mutex whose waiters are served in arrival order. */
class FifoLock {
  #held = false;
  readonly #waiters: (() => void)[] = [];

  get held(): boolean {
    return this.#held || this.#waiters.length > 0;
  }

  /** Takes the lock if it is free and nobody is queued (so a newcomer cannot overtake a waiter). */
  tryAcquire(): boolean {
    if (this.#held || this.#waiters.length > 0) return false;
    this.#held = true;
    return true;
  }

  acquire(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    // Handed straight to the next waiter: the lock never looks free in between.
    if (next) next();
    else this.#held = false;
  }
}
