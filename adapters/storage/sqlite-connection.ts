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
/** Most native transactions sharing one commit (bounds how long one batch holds SQLite's write lock). */
const MAX_GROUP_COMMIT = 64;
/** WAL pages (4 KiB each) between automatic checkpoints. */
export const WAL_CHECKPOINT_PAGES = 8000;

interface PendingWork {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

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
  readonly #savepoint: Statement;
  readonly #release: Statement;
  readonly #rollbackToSavepoint: Statement;
  readonly #pending: PendingWork[] = [];
  #flushScheduled = false;

  constructor(file: string, options: SqliteConnectionOptions = {}) {
    this.db = new BetterSqlite3(file, { timeout: options.busyTimeoutMs ?? 10_000 });
    // Cascades (e.g. deleting a community) need foreign keys, which SQLite leaves off per connection.
    this.db.pragma('foreign_keys = ON');
    // Group commit runs each item in a savepoint, whose undo journal SQLite otherwise keeps in a temp file it creates
    // and writes for every batch (two thirds of a tip's writes were to it). In memory it costs no system call; it
    // holds only the pages one item changed, and a crash loses nothing the WAL has not committed anyway.
    this.db.pragma('temp_store = MEMORY');
    // Checkpoint every ~32 MiB of WAL instead of SQLite's 4 MiB: each checkpoint fsyncs twice and rewrites the hot
    // pages (accounts, index tails), so a tenth as many checkpoints write the same pages a tenth as often. Readers
    // still see every commit; the WAL file stays at most this size after a checkpoint resets it.
    this.db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
    // Durability: WAL with synchronous=NORMAL, which this better-sqlite3 build defaults to in WAL mode
    // (SQLITE_DEFAULT_WAL_SYNCHRONOUS=1; a test pins it). A commit survives the process being killed (it is in the
    // WAL, handed to the OS) and the file never corrupts; an OS crash or power cut may lose the last commits before a
    // checkpoint. FULL would fsync every commit (0.3-4 ms on this machine); group commit below keeps concurrent work
    // fast either way. (Not set here: any statement before the schema engine runs makes its EXCLUSIVE lock fail.)
    // IMMEDIATE takes the write lock at BEGIN: a transaction that reads and then writes cannot fail with
    // SQLITE_BUSY_SNAPSHOT when another process wrote in between; it waits for the lock (busy timeout) instead.
    this.#begin = this.db.prepare('BEGIN IMMEDIATE');
    this.#commit = this.db.prepare('COMMIT');
    this.#rollback = this.db.prepare('ROLLBACK');
    this.#savepoint = this.db.prepare('SAVEPOINT cohort_work');
    this.#release = this.db.prepare('RELEASE cohort_work');
    this.#rollbackToSavepoint = this.db.prepare('ROLLBACK TO cohort_work');
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
   * Runs `work` synchronously as a transaction, once no interactive transaction holds the connection: it commits
   * when `work` returns and rolls back when it throws. Nothing else runs on the connection meanwhile (`work` has no
   * await). Work submitted in the same turn of the event loop shares one commit (group commit): each item runs in a
   * savepoint of its own, so one item's failure rolls back only that item, and every promise settles after the one
   * COMMIT, so nothing is acknowledged before it is committed. Sharing a commit shares its WAL write (and, under
   * synchronous=FULL or at a checkpoint, its fsync): what lets concurrent tips go faster than one commit each.
   */
  transaction<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#pending.splice(0, MAX_GROUP_COMMIT);
    if (this.#pending.length > 0) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
    if (batch.length === 0) return;
    this.exclusive(() => this.#commitGroup(batch)).catch((error: unknown) => {
      for (const item of batch) item.reject(error);
    });
  }

  /** One BEGIN … COMMIT around the batch; throws (and rolls everything back) only when BEGIN or COMMIT fails. */
  #commitGroup(batch: PendingWork[]): void {
    const single = batch.length === 1;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    this.#begin.run();
    try {
      for (const item of batch) {
        if (!single) this.#savepoint.run();
        try {
          outcomes.push({ ok: true, value: item.work() });
          if (!single) this.#release.run();
        } catch (error) {
          outcomes.push({ ok: false, error });
          if (single) throw error;
          this.#rollbackToSavepoint.run();
          this.#release.run();
        }
      }
      this.#commit.run();
    } catch (error) {
      if (this.db.inTransaction) this.#rollback.run();
      throw error;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i] as (typeof outcomes)[number];
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
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
