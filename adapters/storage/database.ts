import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { Logger } from '../../core/ports/logger.ts';
import { type DatabaseTarget, redactUrl } from './database-url.ts';
import type { PrismaClient } from './generated/sqlite/client.ts';
import { migrationsMatch, type RecordedMigration, readMigrations, recordedMigrations } from './migration-state.ts';
import type { Provider } from './schema-source.ts';

export { type DatabaseTarget, parseDatabaseUrl, redactUrl } from './database-url.ts';

/**
 * Both providers' generated clients expose the same model API (one source schema), so stores are written
 * against the SQLite client's types and receive either at run time.
 */
export type Db = PrismaClient;

export interface Database {
  provider: Provider;
  prisma: Db;
  /** Where the data lives, with any password removed: safe to log. */
  displayUrl: string;
  close(): Promise<void>;
}

// Each provider's driver and generated client load only when that provider is used (start-up time, memory).
async function adapterFactory(target: DatabaseTarget): Promise<SqlMigrationAwareDriverAdapterFactory> {
  if (target.provider === 'sqlite') {
    const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
    // WAL + busy timeout: several readers and one writer across processes without SQLITE_BUSY failures.
    return new PrismaBetterSqlite3({ url: target.file, timeout: 10_000 });
  }
  const { PrismaPg } = await import('@prisma/adapter-pg');
  return new PrismaPg({ connectionString: target.url, max: 10 });
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
    const connection = new BetterSqlite3(target.file, { timeout: 10_000 });
    try {
      if (target.file !== ':memory:') connection.pragma('journal_mode = WAL');
      return await recordedMigrations('sqlite', async <T>(sql: string) => connection.prepare(sql).all() as T[]);
    } finally {
      connection.close();
    }
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    return await recordedMigrations('postgresql', async <T>(sql: string) => (await client.query(sql)).rows as T[]);
  } finally {
    await client.end();
  }
}

async function createClient(provider: Provider, adapter: SqlMigrationAwareDriverAdapterFactory): Promise<PrismaClient> {
  if (provider === 'sqlite') {
    const { PrismaClient: SqliteClient } = await import('./generated/sqlite/client.ts');
    return new SqliteClient({ adapter });
  }
  const { PrismaClient: PostgresClient } = await import('./generated/postgresql/client.ts');
  return new PostgresClient({ adapter }) as unknown as PrismaClient;
}

export async function openDatabase(
  target: DatabaseTarget,
  options: { log: Logger; migrate?: boolean },
): Promise<Database> {
  const displayUrl = redactUrl(target);
  const recorded = await prepareDatabase(target);
  // The recorded checksums match the migrations on disk on every start but the first after an upgrade: the
  // WebAssembly schema engine (5.4 MB to compile) is then not loaded at all.
  if (options.migrate !== false && !migrationsMatch(readMigrations(target.provider), recorded)) {
    const { applyMigrations } = await import('./schema-engine.ts');
    const applied = await applyMigrations(target.provider, await adapterFactory(target));
    if (applied.length > 0) options.log.info({ applied, database: displayUrl }, 'migrations applied');
  }
  const prisma = await createClient(target.provider, await adapterFactory(target));
  if (target.provider === 'sqlite') {
    // Prisma's SQLite adapter leaves foreign keys off; cascades (e.g. deleting a community) need them.
    await prisma.$executeRawUnsafe('PRAGMA foreign_keys = ON');
  }
  return {
    provider: target.provider,
    prisma,
    displayUrl,
    close: () => prisma.$disconnect(),
  };
}
