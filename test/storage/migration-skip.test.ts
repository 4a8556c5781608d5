import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, parseDatabaseUrl, type SchemaEngineLoader } from '../../adapters/storage/database.ts';
import { readMigrations } from '../../adapters/storage/migration-state.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { createTestDatabase } from '../support/database.ts';

/**
 * Start-up loads the schema engine (and its 5.4 MB of WebAssembly) only when the recorded migrations differ from
 * the ones to apply. Observed through an injected loader that counts its loads and hands over the real engine.
 */
function countingLoader(): { loader: SchemaEngineLoader; loads: () => number } {
  let loads = 0;
  return {
    loader: () => {
      loads++;
      return import('../../adapters/storage/schema-engine.ts');
    },
    loads: () => loads,
  };
}

describe('migrations at start-up', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cohort-migration-skip-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('on SQLite: migrates a new database, skips the engine on a second start, and still applies a new migration', async () => {
    const file = path.join(dir, 'app.db');
    const all = readMigrations('sqlite');
    const older = all.slice(0, -1);
    const newest = all.at(-1)?.name as string;
    const open = async (migrations: typeof all) => {
      const engine = countingLoader();
      const db = await openDatabase(
        { provider: 'sqlite', file },
        { log: silentLogger, migrations, loadEngine: engine.loader },
      );
      const names = (
        await db.prisma.$queryRawUnsafe<{ migration_name: string }[]>(
          'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL',
        )
      ).map((r) => r.migration_name);
      await db.close();
      return { loads: engine.loads(), names };
    };

    const first = await open(older);
    expect(first.loads).toBe(1);
    expect(first.names.sort()).toEqual(older.map((m) => m.name));
    // A restart with nothing new: the engine is never loaded.
    expect((await open(older)).loads).toBe(0);
    // An upgrade brings a migration: the engine loads and applies it, once.
    const upgraded = await open(all);
    expect(upgraded.loads).toBe(1);
    expect(upgraded.names).toContain(newest);
    expect((await open(all)).loads).toBe(0);
  }, 180_000);

  it('on PostgreSQL: a second start on a migrated database does not load the engine', async () => {
    const db = await createTestDatabase('postgresql');
    try {
      const engine = countingLoader();
      const again = await openDatabase(parseDatabaseUrl(db.url)!, { log: silentLogger, loadEngine: engine.loader });
      await again.close();
      expect(engine.loads()).toBe(0);
    } finally {
      await db.drop();
    }
  });
});
