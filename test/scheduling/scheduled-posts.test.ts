import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleMessenger } from '../../adapters/console/messenger.ts';
import { PrismaScheduledPostStore } from '../../adapters/storage/scheduled-post-store.ts';
import type { RichReply } from '../../core/domain/reply.ts';
import { PlatformError } from '../../core/errors.ts';
import { ScheduledPostRunner, type SlotPost } from '../../core/framework/scheduled-posts.ts';
import { ManualClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import type { Messenger } from '../../core/ports/messenger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const SLOT = new Date('2026-11-23T01:00:00Z');
const LEASE = 60_000;
const reply: RichReply = { title: 'Weekly community report', text: 'Active members: 12' };

/** A gate a test opens when it wants a build or a send to go on. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

let db: TestDatabase;
let clock: ManualClock;
let outbox: ConsoleMessenger;
let store: PrismaScheduledPostStore;

/** One process's runner on the shared database; `messenger` defaults to the shared outbox (one platform). */
const processWith = (owner: string, messenger: Messenger = outbox) =>
  new ScheduledPostRunner({ store, messenger, clock, log: silentLogger, owner, leaseMs: LEASE, drainMs: 2_000 });

const slot = (overrides: Partial<SlotPost> = {}): SlotPost => ({
  job: 'weekly-report',
  subject: 'community-1',
  communityId: 'community-1',
  slotAt: SLOT,
  target: { platform: 'console', spaceId: 'demo', channelId: 'general' },
  retryWindowMs: 6 * 3_600_000,
  build: async () => reply,
  ...overrides,
});

/** A platform that takes the post and then fails to say so (a timeout, a dropped connection). */
const acceptsThenFails = (platform: Messenger): Messenger => ({
  async post(target, r, options) {
    await platform.post(target, r, options);
    throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  },
  findPost: (target, nonce, since) => platform.findPost(target, nonce, since),
});

beforeEach(async () => {
  db = await createTestDatabase('sqlite');
  clock = new ManualClock(SLOT.getTime() + 1_000);
  outbox = new ConsoleMessenger();
  store = new PrismaScheduledPostStore(db.prisma);
});
afterEach(() => db.drop());

describe('the scheduled-post runner', () => {
  it('takes over a claim whose owner died once its lease has run out, and not before', async () => {
    const dead = processWith('process-a');
    const stuck = gate();
    // Process A claims the slot and dies while building the post: its build never finishes.
    void dead.run(slot({ build: () => stuck.opened.then(() => reply) }));
    await expect.poll(() => store.get('weekly-report', 'community-1', SLOT).then((p) => p?.owner)).toBe('process-a');

    const alive = processWith('process-b');
    clock.advance(LEASE / 2);
    expect(await alive.run(slot())).toEqual({ status: 'idle', reason: 'busy' });
    expect(outbox.posts).toHaveLength(0);

    clock.advance(LEASE);
    expect((await alive.run(slot())).status).toBe('posted');
    expect(outbox.posts).toHaveLength(1);
    expect(outbox.posts[0]?.reply.title).toBe('Weekly community report');
    // The zombie wakes up: its claim is gone, it posts nothing.
    stuck.open();
    await expect.poll(() => outbox.posts.length).toBe(1);
    expect(await store.get('weekly-report', 'community-1', SLOT)).toMatchObject({ status: 'posted', attempts: 2 });
  });

  it('does not send again a post the platform accepted while the sender saw a failure', async () => {
    const a = processWith('process-a', acceptsThenFails(outbox));
    expect((await a.run(slot())).status).toBe('unconfirmed');
    expect(outbox.posts).toHaveLength(1);

    clock.advance(60_000);
    const b = processWith('process-b');
    const outcome = await b.run(slot());
    expect(outcome.status).toBe('posted');
    expect(outbox.posts).toHaveLength(1);
    expect(await store.get('weekly-report', 'community-1', SLOT)).toMatchObject({
      status: 'posted',
      messageId: outbox.posts[0]?.messageId,
    });
    expect(await b.run(slot())).toEqual({ status: 'idle', reason: 'done' });
  });

  it('finds the post of an owner that died between sending and recording it', async () => {
    const sent = gate();
    const dying: Messenger = {
      async post(target, r, options) {
        await outbox.post(target, r, options);
        sent.open();
        return new Promise<never>(() => {});
      },
      findPost: (target, nonce, since) => outbox.findPost(target, nonce, since),
    };
    void processWith('process-a', dying).run(slot());
    await sent.opened;
    clock.advance(LEASE + 1_000);
    const recorded: string[] = [];
    const outcome = await processWith('process-b').run(slot({ onPosted: async (id) => void recorded.push(id) }));
    expect(outcome.status).toBe('posted');
    expect(outbox.posts).toHaveLength(1);
    expect(recorded).toEqual([outbox.posts[0]?.messageId]);
  });

  it('keeps a post it cannot confirm unconfirmed on a platform without history, rather than post it twice', async () => {
    const blind: Messenger = {
      post: acceptsThenFails(outbox).post,
      findPost: async () => ({ found: 'unknown' }),
    };
    const failures: string[] = [];
    const run = () => processWith('process-a', blind).run(slot({ onFailed: async (e) => void failures.push(e) }));
    expect((await run()).status).toBe('unconfirmed');
    clock.advance(60_000);
    expect((await run()).status).toBe('unconfirmed');
    expect(outbox.posts).toHaveLength(1);
    expect(failures).toEqual(['ECONNRESET', 'DELIVERY_UNCONFIRMED']);
  });

  it('treats a lookup that fails (no access to the history) as a platform that cannot tell', async () => {
    const noHistory: Messenger = {
      post: acceptsThenFails(outbox).post,
      findPost: () =>
        Promise.reject(new PlatformError('FORBIDDEN', 'missing access', { platform: 'console', status: 403 })),
    };
    const a = processWith('process-a', noHistory);
    expect((await a.run(slot())).status).toBe('unconfirmed');
    clock.advance(60_000);
    expect((await a.run(slot())).status).toBe('unconfirmed');
    expect(outbox.posts).toHaveLength(1);
    expect(await store.get('weekly-report', 'community-1', SLOT)).toMatchObject({ owner: null, leaseUntil: null });
  });

  it('sends again a post the platform refused, within the retry window only', async () => {
    let refusals = 1;
    const refusing: Messenger = {
      async post(target, r, options) {
        if (refusals-- > 0)
          throw new PlatformError('FORBIDDEN', 'missing access', { platform: 'console', status: 403 });
        return outbox.post(target, r, options);
      },
      findPost: (target, nonce, since) => outbox.findPost(target, nonce, since),
    };
    const a = processWith('process-a', refusing);
    expect((await a.run(slot())).status).toBe('failed');
    clock.advance(60_000);
    expect((await a.run(slot())).status).toBe('posted');
    expect(outbox.posts).toHaveLength(1);

    const later = { ...slot(), slotAt: new Date(SLOT.getTime() + 7 * 86_400_000) };
    refusals = 1;
    clock.set(later.slotAt.getTime() + 1_000);
    expect((await a.run(later)).status).toBe('failed');
    clock.advance(7 * 3_600_000);
    expect(await a.run(later)).toEqual({ status: 'idle', reason: 'expired' });
    expect(outbox.posts).toHaveLength(1);
  });

  it('hands back a slot still being built when it stops, so another process posts it at once', async () => {
    const building = gate();
    const a = processWith('process-a');
    const first = a.run(slot({ build: () => building.opened.then(() => reply) }));
    await expect.poll(() => store.get('weekly-report', 'community-1', SLOT).then((p) => p?.owner)).toBe('process-a');
    const stopping = a.stop();
    await expect.poll(() => store.get('weekly-report', 'community-1', SLOT).then((p) => p?.owner)).toBeNull();
    // No lease to wait out.
    expect((await processWith('process-b').run(slot())).status).toBe('posted');
    building.open();
    expect(await first).toEqual({ status: 'idle', reason: 'stopping' });
    await stopping;
    expect(outbox.posts).toHaveLength(1);
    expect(await a.run(slot())).toEqual({ status: 'idle', reason: 'stopping' });
  });

  it('lets a send in progress finish when it stops', async () => {
    const sending = gate();
    const slow: Messenger = {
      post: (target, r, options) => sending.opened.then(() => outbox.post(target, r, options)),
      findPost: (target, nonce, since) => outbox.findPost(target, nonce, since),
    };
    const a = processWith('process-a', slow);
    const run = a.run(slot());
    await expect.poll(() => store.get('weekly-report', 'community-1', SLOT).then((p) => p?.status)).toBe('sending');
    const stopping = a.stop();
    sending.open();
    await stopping;
    expect((await run).status).toBe('posted');
    expect(await store.get('weekly-report', 'community-1', SLOT)).toMatchObject({ status: 'posted', owner: null });
  });

  it('posts nothing for a slot with nothing to post, and never an older slot once a newer one exists', async () => {
    const a = processWith('process-a');
    expect((await a.run(slot({ build: async () => null }))).status).toBe('skipped');
    expect(outbox.posts).toHaveLength(0);
    const newer = { ...slot(), slotAt: new Date(SLOT.getTime() + 7 * 86_400_000) };
    clock.set(newer.slotAt.getTime() + 1_000);
    expect((await a.run(newer)).status).toBe('posted');
    expect(await a.run(slot({ slotAt: new Date(SLOT.getTime() + 86_400_000) }))).toEqual({
      status: 'idle',
      reason: 'superseded',
    });
  });
});

describe('the app on shutdown', () => {
  it('stops the scheduled-post runner first: a slot it is still building is handed back at once', async () => {
    const { createTestApp } = await import('../support/app.ts');
    const app = await createTestApp();
    const building = gate();
    const held = app.posts.run(slot({ build: () => building.opened.then(() => reply) }));
    const rows = new PrismaScheduledPostStore(app.db.prisma);
    await expect.poll(() => rows.get('weekly-report', 'community-1', SLOT).then((p) => p?.status)).toBe('claimed');
    const closing = app.close();
    await expect.poll(() => rows.get('weekly-report', 'community-1', SLOT).then((p) => p?.owner)).toBeNull();
    building.open();
    await closing;
    expect(await held).toEqual({ status: 'idle', reason: 'stopping' });
    // Another process posts the slot straight away: no lease to wait out.
    const other = new ScheduledPostRunner({ store: rows, messenger: outbox, clock: app.clock, log: silentLogger });
    expect((await other.run(slot())).status).toBe('posted');
    expect(outbox.posts).toHaveLength(1);
    await app.db.drop();
  });
});
