import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import BetterSqlite3 from 'better-sqlite3';
import type { Logger } from '../../core/ports/logger.ts';
import { type DatabaseTarget, redactUrl } from './database-url.ts';
import { PrismaClient as PostgresClient } from './generated/postgresql/client.ts';
import { PrismaClient } from './generated/sqlite/client.ts';
import { applyMigrations } from './schema-engine.ts';
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

function adapterFactory(target: DatabaseTarget): SqlMigrationAwareDriverAdapterFactory {
  if (target.provider === 'sqlite') {
    if (target.file !== ':memory:') mkdirSync(path.dirname(path.resolve(target.file)), { recursive: true });
    // WAL + busy timeout: several readers and one writer across processes without SQLITE_BUSY failures.
    return new PrismaBetterSqlite3({ url: target.file, timeout: 10_000 });
  }
  return new PrismaPg({ connectionString: target.url, max: 10 });
}

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
  const factory = adapterFactory(target);
  if (target.provider === 'sqlite' && target.file !== ':memory:') enableWal(target.file);
  if (options.migrate !== false) {
    // The schema engine gets its own connection so the client's connection starts clean.
    const applied = await applyMigrations(target.provider, adapterFactory(target));
    if (applied.length > 0) options.log.info({ applied, database: displayUrl }, 'migrations applied');
  }
  const prisma =
    target.provider === 'sqlite'
      ? new PrismaClient({ adapter: factory })
      : (new PostgresClient({ adapter: factory }) as unknown as PrismaClient);
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
