import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, type DatabaseTarget, openDatabase } from '../../adapters/storage/database.ts';
import { Prisma } from '../../adapters/storage/generated/sqlite/client.ts';
import { inFlightCommandsSource } from '../../adapters/storage/in-flight-commands-source.ts';
import { applyMigrations, readMigrations } from '../../adapters/storage/schema-engine.ts';
import type { Provider } from '../../adapters/storage/schema-source.ts';
import { decodeCommand, TelegramUpdate } from '../../adapters/telegram/decode.ts';
import { resumeRecord } from '../../adapters/telegram/resume.ts';
import { ManualClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { telegramUpdates } from '../fakes/telegram.ts';
import { TEST_POSTGRES_URL } from '../support/database.ts';

/**
 * Commands in flight while the migration that names their owner runs (a deploy: exactly when gateways restart and
 * the sweep matters) keep their records, now attributed from the envelope each adapter's record carries, so the
 * member's erasure reaches them; a record that does not read gets no owner and is left to the sweep, which drops it.
 */
const OWNER = 'resumable_command_owner';
const CHAT = { id: -100_4242, title: 'Deploy day' };
/** A display name with braces and quotes: the envelope's text is not as tidy as its ids. */
const carol = { id: 7_100_001, first_name: 'Carol {"x"}', username: 'carol' };

function adminUrl(name: string): string {
  const u = new URL(TEST_POSTGRES_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

describe.each(['sqlite', 'postgresql'] as const)(
  'the resumable-command owner migration on %s',
  (provider: Provider) => {
    let db: Database | null = null;
    let cleanup: () => Promise<void> = async () => {};

    afterEach(async () => {
      await db?.close();
      await cleanup();
    });

    /** A database migrated up to, not including, the owner migration. */
    async function olderDatabase(): Promise<{ target: DatabaseTarget; factory: () => PrismaBetterSqlite3 | PrismaPg }> {
      const all = readMigrations(provider);
      const before = all.slice(
        0,
        all.findIndex((m) => m.name.endsWith(OWNER)),
      );
      if (provider === 'sqlite') {
        const file = path.join(os.tmpdir(), 'cohort-test', `owner-${randomUUID()}.db`);
        const factory = () => new PrismaBetterSqlite3({ url: file });
        db = await openDatabase({ provider, file }, { log: silentLogger, migrate: false });
        await db.close();
        await applyMigrations(provider, factory(), before);
        db = await openDatabase({ provider, file }, { log: silentLogger, migrate: false });
        cleanup = async () => {
          for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
        };
        return { target: { provider, file }, factory };
      }
      const name = `cohort_test_owner_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${name}"`);
      await admin.end();
      const url = adminUrl(name);
      const factory = () => new PrismaPg({ connectionString: url });
      await applyMigrations(provider, factory(), before);
      db = await openDatabase({ provider, url }, { log: silentLogger, migrate: false });
      cleanup = async () => {
        const c = new pg.Client({ connectionString: TEST_POSTGRES_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await c.end();
      };
      return { target: { provider, url }, factory };
    }

    it('attributes the records in flight to their member, whose erasure then reaches them', async () => {
      const { target, factory } = await olderDatabase();
      const prisma = (db as Database).prisma;
      const at = new Date('2026-12-03T10:00:00.000Z');
      const run = (sql: Prisma.Sql) => prisma.$executeRaw(sql);
      await run(Prisma.sql`INSERT INTO "Community" ("id", "platform", "platformId", "name", "timezone", "createdAt")
      VALUES ('c1', 'telegram', ${String(CHAT.id)}, 'Deploy day', 'UTC', ${at})`);
      await run(Prisma.sql`INSERT INTO "Member" ("id", "communityId", "platformUserId", "handle", "displayName", "role", "isBot", "joinedAt")
      VALUES ('carol', 'c1', ${String(carol.id)}, 'carol', 'Carol', 'member', false, ${at})`);
      const envelope = decodeCommand(
        TelegramUpdate.parse(telegramUpdates.command(31, CHAT, carol, '/ponder what {to} say')),
        'cohort_test_bot',
      );
      if (!envelope) throw new Error('not a command');
      const kept = resumeRecord(envelope, 'supergroup', { chatId: String(CHAT.id), replyTo: 31 });
      for (const [key, resume] of [
        ['telegram:cmd:telegram:31', kept],
        ['telegram:cmd:telegram:32', 'not a record {'],
      ]) {
        await run(
          Prisma.sql`INSERT INTO "ProcessedDelivery" ("key", "createdAt", "leaseUntil") VALUES (${key}, ${at}, ${at})`,
        );
        await run(Prisma.sql`INSERT INTO "ResumableCommand" ("key", "platform", "resume", "createdAt")
        VALUES (${key}, 'telegram', ${resume}, ${at})`);
      }

      await (db as Database).close();
      const through = readMigrations(provider);
      through.splice(through.findIndex((m) => m.name.endsWith(OWNER)) + 1);
      expect(await applyMigrations(provider, factory(), through)).toEqual([expect.stringMatching(OWNER)]);
      db = await openDatabase(target, { log: silentLogger, migrate: false });

      const rows = await db.prisma.resumableCommand.findMany({ orderBy: { key: 'asc' } });
      expect(rows.map((r) => [r.key, r.spaceId, r.userId, r.command, r.resume === kept])).toEqual([
        ['telegram:cmd:telegram:31', String(CHAT.id), String(carol.id), null, true],
        ['telegram:cmd:telegram:32', '', '', null, false],
      ]);

      const source = inFlightCommandsSource(db.prisma, new ManualClock(at.toISOString()), silentLogger);
      const scope = { communityId: 'c1', memberId: 'carol' };
      expect(await source.export(scope)).toEqual([{ platform: 'telegram', receivedAt: at, command: null }]);
      expect(await source.forget(scope)).toBe(1);
      expect(await db.prisma.resumableCommand.findMany({ select: { key: true } })).toEqual([
        { key: 'telegram:cmd:telegram:32' },
      ]);
      const finished = await db.prisma.processedDelivery.findUniqueOrThrow({
        where: { key: 'telegram:cmd:telegram:31' },
      });
      expect(finished.finishedAt).toEqual(at);
    }, 60_000);
  },
);
