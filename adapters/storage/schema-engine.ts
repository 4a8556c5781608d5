import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';
import { type MigrationFolder, readMigrations } from './migration-state.ts';
import { migrationsDir, type Provider, renderSchema } from './schema-source.ts';

export { type MigrationFolder, readMigrations } from './migration-state.ts';

/**
 * Prisma's WebAssembly schema engine: applies and diffs migrations with no native engine binary, so migrations
 * run at start-up on machines that cannot download Prisma's engines (docs/adr/0002-prisma-offline.md).
 */

const require = createRequire(import.meta.url);
interface WasmApi {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: object } }>;
}
let wasmReady: Promise<void> | null = null;

function loadWasm(): Promise<void> {
  wasmReady ??= (async () => {
    const wasmPath = require.resolve('@prisma/schema-engine-wasm').replace('schema_engine.js', 'schema_engine_bg.wasm');
    // Node's WebAssembly global; the project's lib settings carry no DOM typings for it.
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const { instance } = await wasm.instantiate(readFileSync(wasmPath), { './schema_engine_bg.js': bg });
    const exports = instance.exports as { __wbindgen_start?: () => void };
    bg.__wbg_set_wasm(instance.exports as Parameters<typeof bg.__wbg_set_wasm>[0]);
    exports.__wbindgen_start?.();
  })();
  return wasmReady;
}

const filters = { externalTables: [], externalEnums: [] };

// biome-ignore lint/suspicious/noExplicitAny: the wasm engine's generated typings are loose
type Engine = any;

/**
 * Opens the engine over a factory whose connections are tracked: `close()` frees the engine and disposes them,
 * because the engine keeps its SQLite connection (and its lock) open otherwise.
 */
export async function openSchemaEngine(
  provider: Provider,
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  schemaFiles = renderSchema(provider),
): Promise<{ engine: Engine; close(): Promise<void> }> {
  await loadWasm();
  const opened: { dispose(): Promise<void> }[] = [];
  const tracking: SqlMigrationAwareDriverAdapterFactory = {
    provider: adapterFactory.provider,
    adapterName: adapterFactory.adapterName,
    async connect() {
      const adapter = await adapterFactory.connect();
      opened.push(adapter);
      return adapter;
    },
    async connectToShadowDb() {
      const adapter = await adapterFactory.connectToShadowDb();
      opened.push(adapter);
      return adapter;
    },
  };
  const engine = await bg.SchemaEngine.new(
    { datamodels: schemaFiles.map((f) => [f.path, f.content]) },
    () => {},
    bindMigrationAwareSqlAdapterFactory(tracking),
  );
  return {
    engine,
    async close() {
      engine.free();
      for (const adapter of opened) await adapter.dispose();
    },
  };
}

/**
 * Applies every migration not yet recorded in `_prisma_migrations`; returns the names applied now. `migrations` (the
 * first n of the folder, say) lets a test bring a database to an older version and put data in it first.
 */
export async function applyMigrations(
  provider: Provider,
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  migrations: MigrationFolder[] = readMigrations(provider),
): Promise<string[]> {
  const { engine, close } = await openSchemaEngine(provider, adapterFactory);
  try {
    const result = await engine.applyMigrations({
      migrationsList: {
        baseDir: migrationsDir(provider),
        lockfile: { path: 'migration_lock.toml', content: `provider = "${provider}"\n` },
        shadowDbInitScript: '',
        migrationDirectories: migrations.map((m) => ({
          path: m.name,
          migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: m.sql } },
        })),
      },
      filters,
    });
    return (result?.appliedMigrationNames as string[] | undefined) ?? [];
  } finally {
    await close();
  }
}

/** SQL that takes a database from the `from` schema (or empty) to the `to` schema. */
export async function diffSchemas(
  provider: Provider,
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  from: { path: string; content: string }[] | null,
  to: { path: string; content: string }[],
): Promise<string> {
  const { engine, close } = await openSchemaEngine(provider, adapterFactory, to);
  try {
    const result = await engine.diff({
      from: from ? { tag: 'schemaDatamodel', files: from } : { tag: 'empty' },
      to: { tag: 'schemaDatamodel', files: to },
      script: true,
      exitCode: null,
      filters,
    });
    return String(result.stdout ?? '');
  } finally {
    await close();
  }
}
