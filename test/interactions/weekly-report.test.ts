import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../adapters/storage/database.ts';
import { openDatabase } from '../../adapters/storage/database.ts';
import { parseDatabaseUrl } from '../../adapters/storage/database-url.ts';
import { createCoreStores } from '../../adapters/storage/index.ts';
import { createInteractionStores } from '../../adapters/storage/interactions-storage.ts';
import { PrismaScheduledPostStore } from '../../adapters/storage/scheduled-post-store.ts';
import { catalog } from '../../bots/features.ts';
import type { RichReply } from '../../core/domain/reply.ts';
import type { Community } from '../../core/domain/types.ts';
import { ScheduledPostRunner } from '../../core/framework/scheduled-posts.ts';
import { Translator } from '../../core/i18n/translate.ts';
import { KolService } from '../../core/interactions/kol-service.ts';
import { WeeklyReportService } from '../../core/interactions/weekly-report.ts';
import { ManualClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import type { Messenger, PostLookup, PostOptions, PostTarget } from '../../core/ports/messenger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

/** A platform stand-in that records what was posted; `failing` makes it refuse like an outage. */
class RecordingMessenger implements Messenger {
  readonly posts: Array<{ target: PostTarget; reply: RichReply; nonce?: string }> = [];
  failing = false;
  async post(target: PostTarget, reply: RichReply, options: PostOptions = {}): Promise<{ messageId: string }> {
    if (this.failing) throw Object.assign(new Error('platform down'), { code: 'PLATFORM_UNAVAILABLE' });
    this.posts.push({ target, reply, nonce: options.nonce });
    return { messageId: `m${this.posts.length}` };
  }
  async findPost(_target: PostTarget, nonce: string): Promise<PostLookup> {
    const at = this.posts.findIndex((p) => p.nonce === nonce);
    return at >= 0 ? { found: true, messageId: `m${at + 1}` } : { found: false };
  }
}

// Asia/Shanghai is UTC+8: Monday 09:00 local is Monday 01:00 UTC.
const WEDNESDAY = '2026-11-18T04:00:00Z';
const MONDAY_0859 = '2026-11-23T00:59:00Z';
const MONDAY_0900 = '2026-11-23T01:00:00Z';

let db: TestDatabase;
let second: Database;
let community: Community;
const clock = new ManualClock(WEDNESDAY);
const messenger = new RecordingMessenger();
const translator = new Translator(catalog);

/** One "process": its own Prisma client on the shared database, its own services. */
function processOn(database: Database): WeeklyReportService {
  const core = createCoreStores(database.prisma);
  const stores = createInteractionStores(database);
  const kol = new KolService({ store: stores.kol, events: core.events, members: core.members, log: silentLogger });
  return new WeeklyReportService({
    store: stores.weeklyReport,
    kol,
    ledger: undefined,
    communities: core.communities,
    translator,
    posts: new ScheduledPostRunner({
      store: new PrismaScheduledPostStore(database.prisma),
      messenger,
      clock,
      log: silentLogger,
    }),
    clock,
    log: silentLogger,
  });
}

beforeEach(async () => {
  db = await createTestDatabase('sqlite');
  const target = parseDatabaseUrl(db.url);
  if (!target) throw new Error(`unexpected test database url ${db.url}`);
  second = await openDatabase(target, { log: silentLogger, migrate: false });
  const core = createCoreStores(db.prisma);
  const created = await core.communities.ensure('console', 'weekly', { name: 'Weekly' });
  community = await core.communities.update(created.id, { timezone: 'Asia/Shanghai' });
  const member = await core.members.ensure(community.id, { platformUserId: 'u1', handle: 'u1', displayName: 'U1' });
  await core.events.append({
    communityId: community.id,
    actorId: member.id,
    verb: 'message.posted',
    objectType: 'message',
    objectId: 'msg-1',
    targetMemberId: null,
    channelId: null,
    platform: 'console',
    occurredAt: new Date('2026-11-17T03:00:00Z'),
    metadata: {},
  });
  clock.set(WEDNESDAY);
  messenger.posts.length = 0;
  messenger.failing = false;
});
afterEach(async () => {
  await second.close();
  await db.drop();
});

describe('weekly community report', () => {
  it('posts Monday 09:00 in the community zone, once across two processes and a restart', async () => {
    const a = processOn(db);
    const b = processOn(second);
    await a.set(community, { enabled: true, channelId: 'chan-1', locale: 'en' });
    // Turned on mid-week: last Monday's slot is not posted.
    expect(await a.runDue()).toBe(0);
    clock.set(MONDAY_0859);
    expect(await Promise.all([a.runDue(), b.runDue()])).toEqual([0, 0]);
    clock.set(MONDAY_0900);
    const results = await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
    expect(results.reduce((s, n) => s + n, 0)).toBe(1);
    expect(messenger.posts).toHaveLength(1);
    const [post] = messenger.posts;
    expect(post?.target).toEqual({ platform: 'console', spaceId: 'weekly', channelId: 'chan-1' });
    expect(post?.reply.title).toBe('Weekly community report');
    // The chart image goes with it.
    expect(post?.reply.image?.filename).toBe('activity.png');
    expect([...(post?.reply.image?.png ?? []).slice(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    // A restart later that day (a new process) finds the week done.
    clock.set('2026-11-23T06:00:00Z');
    expect(await processOn(second).runDue()).toBe(0);
    expect(messenger.posts).toHaveLength(1);
  });

  it('catches up a missed Monday once, not once per missed week', async () => {
    const a = processOn(db);
    await a.set(community, { enabled: true, channelId: 'chan-1', locale: 'zh-CN' });
    // Down for two Mondays (Nov 23 and Nov 30); back on Tuesday Dec 1.
    clock.set('2026-12-01T02:00:00Z');
    expect(await a.runDue()).toBe(1);
    expect(await a.runDue()).toBe(0);
    expect(await processOn(second).runDue()).toBe(0);
    expect(messenger.posts).toHaveLength(1);
    expect(messenger.posts[0]?.reply.title).toBe('社区周报');
    // The next Monday posts again.
    clock.set('2026-12-07T01:00:30Z');
    expect(await a.runDue()).toBe(1);
    expect(messenger.posts).toHaveLength(2);
  });

  it('retries a failed post within the window, still once, and stops when turned off', async () => {
    const a = processOn(db);
    const b = processOn(second);
    await a.set(community, { enabled: true, channelId: 'chan-1', locale: 'en' });
    clock.set(MONDAY_0900);
    messenger.failing = true;
    expect(await a.runDue()).toBe(0);
    messenger.failing = false;
    clock.set('2026-11-23T01:05:00Z');
    expect((await Promise.all([a.runDue(), b.runDue()])).reduce((s, n) => s + n, 0)).toBe(1);
    expect(messenger.posts).toHaveLength(1);
    await b.set(community, { enabled: false, channelId: null, locale: null });
    expect((await a.status(community))?.enabled).toBe(false);
    clock.set('2026-11-30T01:00:00Z');
    expect(await a.runDue()).toBe(0);
    expect(messenger.posts).toHaveLength(1);
  });

  it('gives up a failed post after the retry window', async () => {
    const a = processOn(db);
    await a.set(community, { enabled: true, channelId: 'chan-1', locale: 'en' });
    clock.set(MONDAY_0900);
    messenger.failing = true;
    expect(await a.runDue()).toBe(0);
    messenger.failing = false;
    clock.set('2026-11-23T08:00:00Z');
    expect(await a.runDue()).toBe(0);
    expect(messenger.posts).toHaveLength(0);
  });

  it('tells the next slot in the community zone', () => {
    const a = processOn(db);
    expect(a.nextSlot(community, new Date(WEDNESDAY)).toISOString()).toBe(MONDAY_0900.replace('Z', '.000Z'));
  });
});
