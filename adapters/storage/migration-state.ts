import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { migrationsDir, type Provider } from './schema-source.ts';

/**
 * Whether a database already has every migration, read from Prisma's own `_prisma_migrations` table. Start-up asks
 * this first, so the WebAssembly schema engine (5.4 MB to compile) is only loaded when there is something to apply.
 */

export interface MigrationFolder {
  name: string;
  sql: string;
}

export function readMigrations(provider: Provider): MigrationFolder[] {
  const dir = migrationsDir(provider);
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
  return names.map((name) => ({ name, sql: readFileSync(path.join(dir, name, 'migration.sql'), 'utf8') }));
}

/** Prisma records the SHA-256 of each migration.sql it applied. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

export interface RecordedMigration {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/**
 * True when every local migration is recorded as finished, not rolled back, with the same checksum, and the table
 * records nothing else. Anything unusual (a failed or edited migration, one this code does not know) goes to the
 * engine, which reports it as it always did.
 */
export function migrationsMatch(local: MigrationFolder[], recorded: RecordedMigration[]): boolean {
  const live = recorded.filter((row) => row.rolled_back_at === null);
  if (live.length !== local.length) return false;
  const byName = new Map(live.map((row) => [row.migration_name, row]));
  return local.every((m) => {
    const row = byName.get(m.name);
    return row !== undefined && row.finished_at !== null && row.checksum === migrationChecksum(m.sql);
  });
}

/** Reads `_prisma_migrations` through any raw-query client; a missing table (a new database) reads as empty. */
export async function recordedMigrations(
  provider: Provider,
  query: <T>(sql: string) => Promise<T[]>,
): Promise<RecordedMigration[]> {
  const exists =
    provider === 'sqlite'
      ? await query<{ n: number | bigint }>(
          "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'",
        )
      : await query<{ n: number | bigint }>(
          "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '_prisma_migrations'",
        );
  if (Number(exists[0]?.n ?? 0) === 0) return [];
  return query<RecordedMigration>(
    'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations',
  );
}
