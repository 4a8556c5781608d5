import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WAL_CHECKPOINT_PAGES } from '../../adapters/storage/sqlite-connection.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

/**
 * SQLite has one connection per process, shared by every request. A write (or read) issued outside an interactive
 * transaction must not run inside it: it waits, and it is kept when that transaction rolls back.
 */
describe('one serialised write path on SQLite', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
  });
  afterEach(async () => {
    await db.drop();
  });

  /** Opens an interactive transaction that writes a row, then waits for `release` and rolls back. */
  function openTransaction() {
    let release!: () => void;
    let opened!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const isOpen = new Promise<void>((resolve) => {
      opened = resolve;
    });
    const done = db.prisma
      .$transaction(
        async (tx) => {
          await tx.community.create({ data: { platform: 'console', platformId: 'inside', name: 'inside' } });
          opened();
          await gate;
          throw new Error('rolled back on purpose');
        },
        { timeout: 20_000 },
      )
      .catch((error: Error) => error.message);
    return { isOpen, release, done };
  }

  it('keeps writes made outside a transaction that rolls back', async () => {
    const tx = openTransaction();
    await tx.isOpen;
    const outside = Array.from({ length: 20 }, (_, i) =>
      db.prisma.community.create({ data: { platform: 'console', platformId: `outside-${i}`, name: 'outside' } }),
    );
    tx.release();
    expect(await tx.done).toBe('rolled back on purpose');
    await Promise.all(outside);
    expect(await db.prisma.community.count({ where: { platformId: { startsWith: 'outside-' } } })).toBe(20);
    expect(await db.prisma.community.count({ where: { platformId: 'inside' } })).toBe(0);
  });

  it('lets no read outside a transaction see its uncommitted rows', async () => {
    const tx = openTransaction();
    await tx.isOpen;
    const read = db.prisma.community.findFirst({ where: { platformId: 'inside' } });
    tx.release();
    await tx.done;
    expect(await read).toBeNull();
  });

  it('runs a native transaction after the interactive one that holds the connection', async () => {
    if (db.driver.provider !== 'sqlite') throw new Error('sqlite expected');
    const { connection } = db.driver;
    const tx = openTransaction();
    await tx.isOpen;
    const order: string[] = [];
    const native = connection.transaction(() => {
      order.push('native');
      return connection.statement('SELECT count(*) AS n FROM "Community" WHERE "platformId" = ?').get('inside') as {
        n: number;
      };
    });
    order.push('release');
    tx.release();
    await tx.done;
    expect((await native).n).toBe(0);
    expect(order).toEqual(['release', 'native']);
  });

  it('rolls a native transaction back when its work throws', async () => {
    if (db.driver.provider !== 'sqlite') throw new Error('sqlite expected');
    const { connection } = db.driver;
    const insert = connection.statement(
      'INSERT INTO "Community" ("id", "platform", "platformId", "name", "timezone", "createdAt") VALUES (?, ?, ?, ?, ?, ?)',
    );
    await expect(
      connection.transaction(() => {
        insert.run('c-native', 'console', 'native', 'native', 'UTC', new Date().toISOString());
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await db.prisma.community.count({ where: { platformId: 'native' } })).toBe(0);
    // The connection is usable afterwards, by both paths.
    await connection.transaction(() =>
      insert.run('c-native', 'console', 'native', 'native', 'UTC', new Date().toISOString()),
    );
    expect(await db.prisma.community.count({ where: { platformId: 'native' } })).toBe(1);
  });

  it('commits concurrent native transactions together, each rolled back alone when it fails', async () => {
    if (db.driver.provider !== 'sqlite') throw new Error('sqlite expected');
    const { connection } = db.driver;
    const insert = connection.statement(
      'INSERT INTO "Community" ("id", "platform", "platformId", "name", "timezone", "createdAt") VALUES (?, ?, ?, ?, ?, ?)',
    );
    const at = new Date().toISOString();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        connection.transaction(() => {
          insert.run(`c-${i}`, 'console', `group-${i}`, 'group', 'UTC', at);
          // The fourth also inserts a row the fifth then collides with: the fourth fails after writing, and
          // its rows go; the fifth, which would collide only with the fourth's extra row, succeeds.
          if (i === 3) {
            insert.run('c-4x', 'console', 'group-4x', 'group', 'UTC', at);
            throw new Error('fourth fails');
          }
          if (i === 4) insert.run('c-4x', 'console', 'group-4x', 'group', 'UTC', at);
          return i;
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([
      ...Array(3).fill('fulfilled'),
      'rejected',
      ...Array(6).fill('fulfilled'),
    ]);
    const ids = (await db.prisma.community.findMany({ where: { name: 'group' }, select: { id: true } })).map(
      (c) => c.id,
    );
    expect(ids.sort()).toEqual(['c-0', 'c-1', 'c-2', 'c-4', 'c-4x', 'c-5', 'c-6', 'c-7', 'c-8', 'c-9']);
  });

  it('runs WAL with synchronous=NORMAL: commits survive a killed process without an fsync each', () => {
    if (db.driver.provider !== 'sqlite') throw new Error('sqlite expected');
    const { connection } = db.driver;
    expect(connection.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(connection.db.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('keeps group commit’s savepoint journals in memory and checkpoints the WAL every WAL_CHECKPOINT_PAGES', () => {
    if (db.driver.provider !== 'sqlite') throw new Error('sqlite expected');
    const { connection } = db.driver;
    // 2 = MEMORY: no temp file created and written for every batch of tips.
    expect(connection.db.pragma('temp_store', { simple: true })).toBe(2);
    expect(connection.db.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_CHECKPOINT_PAGES);
  });

  it('prepares each statement once', () => {
    if (db.driver.provider !== 'sqlite') throw new Error('sqlite expected');
    const { connection } = db.driver;
    const sql = 'SELECT 1 AS one';
    expect(connection.statement(sql)).toBe(connection.statement(sql));
    expect(connection.prismaStatement(sql)).toBe(connection.prismaStatement(sql));
  });

  it('maps a unique violation to Prisma’s P2002, as before', async () => {
    await db.prisma.community.create({ data: { platform: 'console', platformId: 'dup', name: 'a' } });
    await expect(
      db.prisma.community.create({ data: { platform: 'console', platformId: 'dup', name: 'b' } }),
    ).rejects.toMatchObject({ code: 'P2002' });
  });
});
