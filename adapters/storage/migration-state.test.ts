import { describe, expect, it } from 'vitest';
import { migrationChecksum, migrationsMatch, type RecordedMigration, readMigrations } from './migration-state.ts';

const local = readMigrations('sqlite');
const recorded = (): RecordedMigration[] =>
  local.map((m) => ({
    migration_name: m.name,
    checksum: migrationChecksum(m.sql),
    finished_at: '2026-11-29T12:00:00Z',
    rolled_back_at: null,
  }));

describe('whether start-up may skip the schema engine', () => {
  it('skips it when every migration on disk is recorded, finished, with the same checksum', () => {
    expect(local.length).toBeGreaterThan(0);
    expect(migrationsMatch(local, recorded())).toBe(true);
  });

  it('hands everything else to the engine: a new, edited, failed or unknown migration, or a new database', () => {
    expect(migrationsMatch(local, [])).toBe(false);
    expect(migrationsMatch(local, recorded().slice(0, -1))).toBe(false);
    const edited = recorded();
    edited[0] = { ...edited[0]!, checksum: migrationChecksum('-- edited after it was applied') };
    expect(migrationsMatch(local, edited)).toBe(false);
    const failed = recorded();
    failed[failed.length - 1] = { ...failed.at(-1)!, finished_at: null };
    expect(migrationsMatch(local, failed)).toBe(false);
    const unknown = [...recorded(), { ...recorded()[0]!, migration_name: '29991231000000_from_a_newer_version' }];
    expect(migrationsMatch(local, unknown)).toBe(false);
  });

  it('ignores a rolled-back attempt recorded beside the applied one', () => {
    const retried = [...recorded(), { ...recorded()[0]!, finished_at: null, rolled_back_at: '2026-11-29T11:00:00Z' }];
    expect(migrationsMatch(local, retried)).toBe(true);
  });
});
