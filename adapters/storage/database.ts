import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { Logger } from '../../core/ports/logger.ts';
import { type DatabaseTarget, redactUrl } from './database-url.ts';
import { PrismaClient as PostgresClient } from './generated/postgresql/client.ts';
import { PrismaClient } from './generated/sqlite/client.ts';
import { applyMigrations } from './schema-engine.ts';
import type { Provider } from './schema-source.ts';
import { SqliteConnection } from './sqlite-connection.ts';
import { sqliteAdapterFactory } from './sqlite-driver-adapter.ts';

export { type DatabaseTarget, parseDatabaseUrl, redactUrl } from './database-url.ts';

/**
 * Both providers' generated clients expose the same model API (one source schema), so stores are written
 * against the SQLite client's types and receive either at run time.
 */
export type Db = PrismaClient;

/**
 * The driver under the Prisma client, for hot paths that run their own prepared statements (the ledger): the one
 * serialised SQLite connection, or the PostgreSQL pool (shared with Prisma, so the connection limit holds).
 */
export type DatabaseDriver =
  | { provider: 'sqlite'; connection: SqliteConnection }
  | { provider: 'postgresql'; pool: pg.Pool };

export interface Database {
  provider: Provider;
  prisma: Db;
  driver: DatabaseDriver;
  /** Where the data lives, with any password removed: safe to log. */
  displayUrl: string;
  close(): Promise<void>;
}

/** The schema engine's own connection (migrations run before the app's connection opens). */
function migrationAdapterFactory(target: DatabaseTarget): SqlMigrationAwareDriverAdapterFactory {
  if (target.provider === 'sqlite') return new PrismaBetterSqlite3({ url: target.file, timeout: 10_000 });
  return new PrismaPg({ connectionString: target.url, max: 2 });
}

const POOL_SIZE = 10;
/** WAL + busy timeout: several readers and one writer across processes without SQLITE_BUSY failures. */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/** WAL lets readers and a writer in other processes work side by side; the mode persists in the file. */
function enableWal(file: string): void {
  const connection = new BetterSqlite3(file);
  try {
    connection.pragma('journal_mode = WAL');
  } finally {
    connection.close();
  }
}

export async function openDatabase(
  target: DatabaseTarget,
  options: { log: Logger; migrate?: boolean },
): Promise<Database> {
  const displayUrl = redactUrl(target);
  if (target.provider === 'sqlite' && target.file !== ':memory:') {
    mkdirSync(path.dirname(path.resolve(target.file)), { recursive: true });
    enableWal(target.file);
  }
  if (options.migrate !== false) {
    // The schema engine gets its own connection so the client's connection starts clean.
    const applied = await applyMigrations(target.provider, migrationAdapterFactory(target));
    if (applied.length > 0) options.log.info({ applied, database: displayUrl }, 'migrations applied');
  }
  if (target.provider === 'sqlite') {
    const connection = new SqliteConnection(target.file, { busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS });
    const prisma = new PrismaClient({ adapter: sqliteAdapterFactory(connection) });
    return {
      provider: 'sqlite',
      prisma,
      driver: { provider: 'sqlite', connection },
      displayUrl,
      close: async () => {
        await prisma.$disconnect();
        connection.close();
      },
    };
  }
  const pool = new pg.Pool({ connectionString: target.url, max: POOL_SIZE });
  const prisma = new PostgresClient({
    adapter: new PrismaPg(pool, { disposeExternalPool: true }),
  }) as unknown as PrismaClient;
  return {
    provider: 'postgresql',
    prisma,
    driver: { provider: 'postgresql', pool },
    displayUrl,
    close: async () => {
      await prisma.$disconnect();
      // Prisma ends the pool only if it ever connected.
      if (!pool.ended) await pool.end();
    },
  };
}
