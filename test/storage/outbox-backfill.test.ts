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
import { createLedgerStore } from '../../adapters/storage/interactions-storage.ts';
import { applyMigrations, readMigrations } from '../../adapters/storage/schema-engine.ts';
import type { Provider } from '../../adapters/storage/schema-source.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { TEST_POSTGRES_URL } from '../support/database.ts';

/**
 * The outbox migration heals databases written before events were committed with their effects: tips that lost
 * their tip.sent and grants that never had an event get one, paid orders their course.purchased, and nothing comes
 * back for a member whose data was erased.
 */
const OUTBOX = 'ledger_outbox_and_idempotency';

function adminUrl(name: string): string {
  const u = new URL(TEST_POSTGRES_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

describe.each(['sqlite', 'postgresql'] as const)('the outbox migration on %s', (provider: Provider) => {
  let db: Database | null = null;
  let cleanup: () => Promise<void> = async () => {};

  afterEach(async () => {
    await db?.close();
    await cleanup();
  });

  /** A database migrated up to, not including, the outbox migration. */
  async function olderDatabase(): Promise<{ target: DatabaseTarget; factory: () => PrismaBetterSqlite3 | PrismaPg }> {
    const all = readMigrations(provider);
    const before = all.slice(
      0,
      all.findIndex((m) => m.name.endsWith(OUTBOX)),
    );
    if (provider === 'sqlite') {
      const file = path.join(os.tmpdir(), 'cohort-test', `backfill-${randomUUID()}.db`);
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
    const name = `cohort_test_backfill_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
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

  it('writes the events old transfers and paid orders lost, but not an erased member’s', async () => {
    const { target, factory } = await olderDatabase();
    const prisma = (db as Database).prisma;
    const at = new Date('2026-11-01T10:00:00.000Z');
    const run = (sql: Prisma.Sql) => prisma.$executeRaw(sql);
    await run(Prisma.sql`INSERT INTO "Community" ("id", "platform", "platformId", "name", "timezone", "createdAt")
      VALUES ('c1', 'discord', 'g1', 'Guild', 'UTC', ${at})`);
    for (const [id, platformUserId] of [
      ['ann', 'u-ann'],
      ['bob', 'u-bob'],
      ['gone', 'forgotten-1a2b3c4d:gone'],
      ['mod', 'u-mod'],
    ]) {
      await run(Prisma.sql`INSERT INTO "Member" ("id", "communityId", "platformUserId", "handle", "displayName", "role", "isBot", "joinedAt")
        VALUES (${id}, 'c1', ${platformUserId}, ${id}, ${id}, 'member', false, ${at})`);
    }
    const transfer = (
      id: string,
      kind: string,
      from: string | null,
      to: string | null,
      actor: string,
      amount: number,
    ) =>
      run(Prisma.sql`INSERT INTO "LedgerTransfer" ("id", "communityId", "idempotencyKey", "kind", "fromMemberId", "toMemberId", "amount", "fromAllowance", "actorId", "createdAt")
        VALUES (${id}, 'c1', ${`k-${id}`}, ${kind}, ${from}, ${to}, ${amount}, 0, ${actor}, ${at})`);
    const event = (verb: string, objectId: string, actor: string, metadata: string, dedupKey: string | null) =>
      run(Prisma.sql`INSERT INTO "InteractionEvent" ("id", "communityId", "actorId", "verb", "objectType", "objectId", "platform", "occurredAt", "metadata", "dedupKey")
        VALUES (${randomUUID()}, 'c1', ${actor}, ${verb}, 'x', ${objectId}, 'discord', ${at}, ${metadata}, ${dedupKey})`);
    await transfer('t-kept', 'tip', 'ann', 'bob', 'ann', 3);
    await event('tip.sent', 't-kept', 'ann', '{"amount":3}', 'tip:t-kept');
    await transfer('t-lost', 'tip', 'bob', 'ann', 'bob', 2);
    await transfer('g-1', 'grant', null, 'ann', 'mod', 50);
    await transfer('t-erased', 'tip', 'gone', 'ann', 'gone', 4);
    await run(Prisma.sql`INSERT INTO "CourseOrder" ("id", "communityId", "courseId", "memberId", "status", "amountMinor", "currency", "paymentModel", "requestKey", "createdAt", "decidedAt")
      VALUES ('o-lost', 'c1', 'course-1', 'bob', 'paid', 990, 'CNY', 'one_off', 'r1', ${at}, ${at}),
             ('o-kept', 'c1', 'course-1', 'ann', 'paid', 990, 'CNY', 'one_off', 'r2', ${at}, ${at}),
             ('o-erased', 'c1', 'course-1', 'gone', 'paid', 990, 'CNY', 'one_off', 'r3', ${at}, ${at})`);
    await event('course.purchased', 'course-1', 'ann', '{"orderId":"o-kept","priceMinor":990,"currency":"CNY"}', null);

    await (db as Database).close();
    // Up to and including the outbox migration (later ones are not this test's subject).
    const through = readMigrations(provider);
    through.splice(through.findIndex((m) => m.name.endsWith(OUTBOX)) + 1);
    expect(await applyMigrations(provider, factory(), through)).toEqual([expect.stringMatching(OUTBOX)]);
    db = await openDatabase(target, { log: silentLogger, migrate: false });

    const events = await db.prisma.interactionEvent.findMany({ where: { communityId: 'c1' } });
    const rows = events.map((e) => [e.dedupKey, e.verb, e.actorId, e.targetMemberId, e.metadata]);
    rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(rows).toEqual([
      ['order:o-kept:paid', 'course.purchased', 'ann', null, { orderId: 'o-kept', priceMinor: 990, currency: 'CNY' }],
      ['order:o-lost:paid', 'course.purchased', 'bob', null, { orderId: 'o-lost', priceMinor: 990, currency: 'CNY' }],
      ['points:g-1', 'points.granted', 'mod', 'ann', { amount: 50 }],
      ['tip:t-kept', 'tip.sent', 'ann', null, { amount: 3 }],
      ['tip:t-lost', 'tip.sent', 'bob', 'ann', { amount: 2 }],
    ]);
    const erased = await db.prisma.ledgerTransfer.findUniqueOrThrow({ where: { id: 't-erased' } });
    expect(erased.erasedAt).not.toBeNull();
    // The invariant check agrees: nothing is missing that should be there.
    expect(await createLedgerStore(db).integrity('c1')).toMatchObject({
      transfersWithoutEvent: 0,
      eventsWithoutTransfer: 0,
    });
  }, 60_000);
});
