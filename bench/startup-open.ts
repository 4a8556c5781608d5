/**
 * One start-up's database opening, for bench/startup.bench.ts: `node --import tsx bench/startup-open.ts <skip|engine>
 * <sqlite file>`. `skip` is what start-up does now (the recorded checksums match: no schema engine); `engine` is what
 * it did before, on the same migrated database: load and compile the WebAssembly engine and ask it to migrate
 * (nothing to apply). Prints `opened` once the database is open.
 */
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { openDatabase } from '../adapters/storage/database.ts';
import { silentLogger } from '../core/ports/logger.ts';

const [mode, file] = process.argv.slice(2) as [string, string];
if (mode === 'engine') {
  const { applyMigrations } = await import('../adapters/storage/schema-engine.ts');
  await applyMigrations('sqlite', new PrismaBetterSqlite3({ url: file }));
}
const db = await openDatabase({ provider: 'sqlite', file }, { log: silentLogger, migrate: mode !== 'engine' });
await db.prisma.community.count();
await db.close();
process.stdout.write('opened\n');
