import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { readMigrations } from '../../adapters/storage/schema-engine.ts';
import type { Provider } from '../../adapters/storage/schema-source.ts';
import { TEST_POSTGRES_URL } from '../support/database.ts';

const MIGRATION = 'scheduled_posts';

/** The migrations before the scheduled-post one, and that one, as SQL scripts. */
function scripts(provider: Provider) {
  const all = readMigrations(provider);
  const at = all.findIndex((m) => m.name.endsWith(`_${MIGRATION}`));
  return { before: all.slice(0, at).map((m) => m.sql), migration: all[at]!.sql };
}

const SLOT = '2026-11-23T01:00:00.000Z';
const rows = {
  digestRuns: [
    ['run-posted', 'posted', 'm-1'],
    ['run-empty', 'empty', null],
    ['run-stuck', 'claimed', null],
  ] as const,
};

/**
 * An upgrade keeps every slot already claimed: digest runs and weekly report runs become scheduled-post rows with the
 * same outcome, so nothing posted before the upgrade is posted again after it.
 */
describe('the scheduled-posts migration', () => {
  it('carries digest and weekly report runs over on SQLite', () => {
    const db = new Database(':memory:');
    const { before, migration } = scripts('sqlite');
    for (const sql of before) db.exec(sql);
    const at = Date.parse(SLOT);
    for (const [id, status, messageId] of rows.digestRuns) {
      db.prepare(
        `INSERT INTO "DigestRun" ("id","communityId","scheduleId","channelId","slotAt","status","claimedAt","postedAt","messageId","itemIds","decisions")
         VALUES (?, 'c1', ?, 'news', ?, ?, ?, ?, ?, '[]', '[]')`,
      ).run(id, `schedule-${id}`, at, status, at, status === 'posted' ? at : null, messageId);
    }
    db.prepare(
      `INSERT INTO "WeeklyReportRun" ("communityId","slotAt","status","channelId","claimedAt","finishedAt","messageId")
       VALUES ('c1', ?, 'posted', 'general', ?, ?, 'w-1')`,
    ).run(at, at, at);
    db.exec(migration);
    const posts = db
      .prepare('SELECT "job","subject","status","messageId","slotAt" FROM "ScheduledPost" ORDER BY "subject"')
      .all();
    expect(posts).toEqual([
      { job: 'weekly-report', subject: 'c1', status: 'posted', messageId: 'w-1', slotAt: at },
      { job: 'digest', subject: 'schedule-run-empty', status: 'skipped', messageId: null, slotAt: at },
      { job: 'digest', subject: 'schedule-run-posted', status: 'posted', messageId: 'm-1', slotAt: at },
      { job: 'digest', subject: 'schedule-run-stuck', status: 'unconfirmed', messageId: null, slotAt: at },
    ]);
    expect(() => db.prepare('SELECT * FROM "WeeklyReportRun"').all()).toThrow(/no such table/);
    db.close();
  });

  it('carries digest and weekly report runs over on PostgreSQL', async () => {
    const name = `cohort_test_mig_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = `/${name}`;
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    try {
      const { before, migration } = scripts('postgresql');
      for (const sql of before) await db.query(sql);
      for (const [id, status, messageId] of rows.digestRuns) {
        await db.query(
          `INSERT INTO "DigestRun" ("id","communityId","scheduleId","channelId","slotAt","status","claimedAt","postedAt","messageId","itemIds","decisions")
           VALUES ($1, 'c1', $2, 'news', $3, $4, $3, $5, $6, '[]', '[]')`,
          [id, `schedule-${id}`, SLOT, status, status === 'posted' ? SLOT : null, messageId],
        );
      }
      await db.query(
        `INSERT INTO "WeeklyReportRun" ("communityId","slotAt","status","channelId","claimedAt","finishedAt","messageId")
         VALUES ('c1', $1, 'failed', 'general', $1, $1, NULL)`,
        [SLOT],
      );
      await db.query(migration);
      const { rows: posts } = await db.query(
        'SELECT "job","subject","status","messageId" FROM "ScheduledPost" ORDER BY "subject"',
      );
      expect(posts).toEqual([
        { job: 'weekly-report', subject: 'c1', status: 'failed', messageId: null },
        { job: 'digest', subject: 'schedule-run-empty', status: 'skipped', messageId: null },
        { job: 'digest', subject: 'schedule-run-posted', status: 'posted', messageId: 'm-1' },
        { job: 'digest', subject: 'schedule-run-stuck', status: 'unconfirmed', messageId: null },
      ]);
    } finally {
      await db.end();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });
});
