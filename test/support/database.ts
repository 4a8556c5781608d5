import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Database, openDatabase } from '../../adapters/storage/database.ts';
import { readMigrations } from '../../adapters/storage/schema-engine.ts';
import type { Provider } from '../../adapters/storage/schema-source.ts';
import { silentLogger } from '../../core/ports/logger.ts';

/**
 * Throwaway databases for tests, on the real engines: a SQLite file in the temp folder, or a fresh PostgreSQL database
 * on the local server (TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 * Migrations are applied once per migration set into a template (a file, or a PostgreSQL TEMPLATE database) and each
 * test database is cloned from it, so a suite can afford a fresh database per test.
 */

export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase extends Database {
  /** Connection string another process can use to reach the same database. */
  url: string;
  /** Closes and deletes the database. */
  drop(): Promise<void>;
}

function migrationsHash(provider: Provider): string {
  const hash = createHash('sha256');
  for (const m of readMigrations(provider)) hash.update(m.name).update(m.sql);
  return hash.digest('hex').slice(0, 12);
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function sqliteTemplate(): Promise<string> {
  const dir = path.join(os.tmpdir(), 'cohort-test-templates');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `sqlite-${migrationsHash('sqlite')}.db`);
  if (!existsSync(file)) {
    const building = `${file}.${process.pid}.${randomUUID().slice(0, 6)}`;
    const db = await openDatabase({ provider: 'sqlite', file: building }, { log: silentLogger });
    await db.close();
    // Rename is atomic: parallel workers either see no template or a complete one.
    copyFileSync(building, `${building}.done`);
    rmSync(building, { force: true });
    rmSync(`${building}-wal`, { force: true });
    rmSync(`${building}-shm`, { force: true });
    const { renameSync } = await import('node:fs');
    renameSync(`${building}.done`, file);
  }
  return file;
}

async function postgresTemplate(): Promise<string> {
  const name = `cohort_tpl_${migrationsHash('postgresql')}`;
  const exists = await admin(
    async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount,
  );
  if (exists) return name;
  const building = `${name}_${process.pid}_${randomUUID().slice(0, 6).replace(/-/g, '')}`;
  await admin((c) => c.query(`CREATE DATABASE "${building}"`));
  const db = await openDatabase(
    { provider: 'postgresql', url: withDatabase(TEST_POSTGRES_URL, building) },
    { log: silentLogger },
  );
  await db.close();
  try {
    await admin((c) => c.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`));
  } catch {
    // Another worker finished first: keep theirs.
    await admin((c) => c.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`));
  }
  return name;
}

export async function createTestDatabase(provider: Provider = 'sqlite'): Promise<TestDatabase> {
  if (provider === 'sqlite') {
    const template = await sqliteTemplate();
    const dir = path.join(os.tmpdir(), 'cohort-test');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${randomUUID()}.db`);
    copyFileSync(template, file);
    const db = await openDatabase({ provider: 'sqlite', file }, { log: silentLogger });
    return {
      ...db,
      url: `file:${file}`,
      async drop() {
        await db.close();
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      },
    };
  }
  const template = await postgresTemplate();
  const name = `cohort_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  const url = withDatabase(TEST_POSTGRES_URL, name);
  const db = await openDatabase({ provider: 'postgresql', url }, { log: silentLogger });
  return {
    ...db,
    url,
    async drop() {
      await db.close();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
