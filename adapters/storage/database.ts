import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type pg from 'pg';
import type { Logger } from '../../core/ports/logger.ts';
import { type DatabaseTarget, redactUrl } from './database-url.ts';
import type { PrismaClient } from './generated/sqlite/client.ts';
import {
  type MigrationFolder,
  migrationsMatch,
  type RecordedMigration,
  readMigrations,
  recordedMigrations,
} from './migration-state.ts';
import type { Provider } from './schema-source.ts';
import type { SqliteConnection } from './sqlite-connection.ts';

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

const POOL_SIZE = 10;
/** WAL + busy timeout: several readers and one writer across processes without SQLITE_BUSY failures. */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

// Each provider's driver and generated client load only when that provider is used (start-up time, memory).

/** The schema engine's own connection (migrations run before the app's connection opens). */
async function migrationAdapterFactory(target: DatabaseTarget): Promise<SqlMigrationAwareDriverAdapterFactory> {
  if (target.provider === 'sqlite') {
    const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
    return new PrismaBetterSqlite3({ url: target.file, timeout: SQLITE_BUSY_TIMEOUT_MS });
  }
  const { PrismaPg } = await import('@prisma/adapter-pg');
  return new PrismaPg({ connectionString: target.url, max: 2 });
}

/**
 * Opens a short-lived driver connection of its own (before the client exists: the engine then migrates a database
 * no other connection has touched), turns on WAL for SQLite (readers and a writer in other processes side by side;
 * the mode persists in the file), and reads which migrations are recorded.
 */
async function prepareDatabase(target: DatabaseTarget): Promise<RecordedMigration[]> {
  if (target.provider === 'sqlite') {
    if (target.file !== ':memory:') mkdirSync(path.dirname(path.resolve(target.file)), { recursive: true });
    const { default: BetterSqlite3 } = await import('better-sqlite3');
    const connection = new BetterSqlite3(target.file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    try {
      if (target.file !== ':memory:') connection.pragma('journal_mode = WAL');
      return await recordedMigrations('sqlite', async <T>(sql: string) => connection.prepare(sql).all() as T[]);
    } finally {
      connection.close();
    }
  }
  const { default: pgModule } = await import('pg');
  const client = new pgModule.Client({ connectionString: target.url });
  await client.connect();
  try {
    return await recordedMigrations('postgresql', async <T>(sql: string) => (await client.query(sql)).rows as T[]);
  } finally {
    await client.end();
  }
}

async function openSqlite(target: Extract<DatabaseTarget, { provider: 'sqlite' }>, displayUrl: string) {
  const [{ SqliteConnection }, { sqliteAdapterFactory }, { PrismaClient: SqliteClient }] = await Promise.all([
    import('./sqlite-connection.ts'),
    import('./sqlite-driver-adapter.ts'),
    import('./generated/sqlite/client.ts'),
  ]);
  const connection = new SqliteConnection(target.file, { busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS });
  const prisma = new SqliteClient({ adapter: sqliteAdapterFactory(connection) });
  return {
    provider: 'sqlite',
    prisma,
    driver: { provider: 'sqlite', connection },
    displayUrl,
    close: async () => {
      await prisma.$disconnect();
      connection.close();
    },
  } satisfies Database;
}

async function openPostgres(
  target: Extract<DatabaseTarget, { provider: 'postgresql' }>,
  displayUrl: string,
  log: Logger,
) {
  const [{ default: pgModule }, { PrismaPg }, { PrismaClient: PostgresClient }] = await Promise.all([
    import('pg'),
    import('@prisma/adapter-pg'),
    import('./generated/postgresql/client.ts'),
  ]);
  const pool = new pgModule.Pool({ connectionString: target.url, max: POOL_SIZE });
  // An idle connection the server cut (a restart, a failover, an admin) is an event, not a crash: the pool drops it
  // and opens a new one on the next query; /readyz reports the outage meanwhile.
  pool.on('error', (error) => log.warn({ err: error, database: displayUrl }, 'idle database connection lost'));
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
  } satisfies Database;
}

/** Loads the schema engine module (and with it the WebAssembly engine); a test injects one that counts the loads. */
export type SchemaEngineLoader = () => Promise<Pick<typeof import('./schema-engine.ts'), 'applyMigrations'>>;

const loadSchemaEngine: SchemaEngineLoader = () => import('./schema-engine.ts');

export interface OpenDatabaseOptions {
  log: Logger;
  migrate?: boolean;
  /** The migration set to bring the database to (default: the provider's folder); tests pass an older prefix. */
  migrations?: MigrationFolder[];
  loadEngine?: SchemaEngineLoader;
}

export async function openDatabase(target: DatabaseTarget, options: OpenDatabaseOptions): Promise<Database> {
  const displayUrl = redactUrl(target);
  const recorded = await prepareDatabase(target);
  const migrations = options.migrations ?? readMigrations(target.provider);
  // The checksums Prisma recorded match the migrations on disk on every start but the first after an upgrade: the
  // WebAssembly schema engine (5.4 MB to compile) is then not loaded at all.
  if (options.migrate !== false && !migrationsMatch(migrations, recorded)) {
    const { applyMigrations } = await (options.loadEngine ?? loadSchemaEngine)();
    const applied = await applyMigrations(target.provider, await migrationAdapterFactory(target), migrations);
    if (applied.length > 0) options.log.info({ applied, database: displayUrl }, 'migrations applied');
  }
  return target.provider === 'sqlite'
    ? openSqlite(target, displayUrl)
    : openPostgres(target, displayUrl, options.log.child({ ns: 'storage' }));
}

/** True when the database answers a trivial query now (readiness): the pool's own round trip on PostgreSQL. */
export async function pingDatabase(database: Pick<Database, 'driver'>): Promise<boolean> {
  const { driver } = database;
  if (driver.provider === 'sqlite') return driver.connection.statement('SELECT 1 AS ok').get() !== undefined;
  const result = await driver.pool.query('SELECT 1 AS ok');
  return result.rowCount === 1;
}
