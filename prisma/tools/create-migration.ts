/**
 * `npm run db:migration:create -- <name>`: writes prisma/migrations/<provider>/<timestamp>_<name>/ for both providers,
 * holding the SQL from the previous migration's schema snapshot to the current prisma/schema, plus a new snapshot.
 * Needs the local PostgreSQL server for the PostgreSQL diff (DATABASE_URL_POSTGRES, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { diffSchemas, readMigrations } from '../../adapters/storage/schema-engine.ts';
import { migrationsDir, PROVIDERS, renderSchema } from '../../adapters/storage/schema-source.ts';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:migration:create -- <snake_case_name>');
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
const SNAPSHOT = 'schema.snapshot.prisma';
let wrote = false;
for (const provider of PROVIDERS) {
  const factory =
    provider === 'sqlite'
      ? new PrismaBetterSqlite3({ url: ':memory:' })
      : new PrismaPg({
          connectionString: process.env.DATABASE_URL_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres',
        });
  const previous = readMigrations(provider).at(-1);
  const from = previous
    ? [{ path: SNAPSHOT, content: readFileSync(path.join(migrationsDir(provider), previous.name, SNAPSHOT), 'utf8') }]
    : null;
  const current = renderSchema(provider);
  const snapshot = current.map((f) => `// ---- ${f.path}\n${f.content}`).join('\n');
  const sql = await diffSchemas(provider, factory, from, [{ path: SNAPSHOT, content: snapshot }]);
  if (!sql.trim() || /^-- This is an empty migration\.?\s*$/.test(sql.trim())) {
    console.log(`${provider}: schema unchanged, no migration written`);
    continue;
  }
  const dir = path.join(migrationsDir(provider), `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'migration.sql'), sql);
  writeFileSync(path.join(dir, SNAPSHOT), snapshot);
  writeFileSync(path.join(migrationsDir(provider), 'migration_lock.toml'), `provider = "${provider}"\n`);
  console.log(`${provider}: wrote ${path.relative(process.cwd(), dir)}`);
  wrote = true;
}
if (wrote) console.log("Now run `npm run db:generate` if you have not, and commit both providers' folders.");
process.exit(0);
