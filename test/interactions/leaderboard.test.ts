import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCoreStores } from '../../adapters/storage/index.ts';
import { createInteractionStores } from '../../adapters/storage/interactions-storage.ts';
import type { Community, EventVerb, Member } from '../../core/domain/types.ts';
import { KolService } from '../../core/interactions/kol-service.ts';
import { windowStart } from '../../core/interactions/leaderboard.ts';
import { ManualClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let kol: KolService;
let community: Community;
let members: Record<string, Member>;
let core: ReturnType<typeof createCoreStores>;
const clock = new ManualClock('2026-11-20T02:00:00Z');
let seq = 0;

async function event(
  actor: string,
  verb: EventVerb,
  target: string | null,
  metadata: Record<string, unknown> = {},
  objectId = `msg-${seq++}`,
) {
  await core.events.append({
    communityId: community.id,
    actorId: members[actor]!.id,
    verb,
    objectType: 'message',
    objectId,
    targetMemberId: target ? members[target]!.id : null,
    channelId: null,
    platform: 'console',
    occurredAt: new Date(clock.now().getTime() - 60_000),
    metadata,
  });
}

beforeEach(async () => {
  db = await createTestDatabase('sqlite');
  core = createCoreStores(db.prisma);
  community = await core.communities.ensure('console', 'kol', { name: 'KOL' });
  members = {};
  for (const handle of ['star', 'rising', 'a', 'b', 'c', 'd', 'mod']) {
    members[handle] = await core.members.ensure(community.id, { platformUserId: handle, handle, displayName: handle });
  }
  members.mod = await core.members.setRole(members.mod!.id, 'moderator');
  kol = new KolService({
    store: createInteractionStores(db).kol,
    events: core.events,
    members: core.members,
    log: silentLogger,
  });
  for (const x of ['a', 'b', 'c', 'd']) await event(x, 'message.replied', 'star', { topics: ['qiskit'] });
  await event('star', 'message.posted', null, { quality: 0.9, topics: ['qiskit'] });
  for (const x of ['a', 'b', 'c', 'd', 'star']) await event(x, 'message.replied', 'mod');
});
afterEach(async () => {
  await db.drop();
});

describe('KOL leaderboard', () => {
  it('ranks from the event log, explains each entry and leaves staff and opted-out members off', async () => {
    const board = await kol.leaderboard(community, '30d', null, clock.now());
    expect(board.entries[0]?.member.handle).toBe('star');
    expect(board.entries[0]?.facts).toMatchObject({ replies: 4, posts: 1, quality: 90 });
    expect(board.entries.map((e) => e.member.handle)).not.toContain('mod');

    await kol.setOptOut(community, members.star!, true, clock.now());
    const without = await kol.leaderboard(community, '30d', null, clock.now());
    expect(without.entries.map((e) => e.member.handle)).not.toContain('star');
    await kol.setOptOut(community, members.star!, false, clock.now());
    expect((await kol.leaderboard(community, '30d', null, clock.now())).entries[0]?.member.handle).toBe('star');
  });

  it('lifts a reply the asker accepted and says so in the why line', async () => {
    // rising asks; a and b answer alike; only a's answer gets the asker's ✅.
    await event('rising', 'message.posted', null, {}, 'question');
    for (const x of ['a', 'b']) {
      await event(x, 'message.posted', null, {}, `answer-${x}`);
      await event(x, 'message.replied', 'rising', { inReplyTo: 'question' }, `answer-${x}`);
    }
    await event('rising', 'reaction.added', 'a', { emoji: '✅' }, 'answer-a');
    const board = await kol.leaderboard(community, '30d', null, clock.now(), 20);
    const of = (handle: string) => board.entries.find((e) => e.member.handle === handle);
    expect(of('a')?.facts).toMatchObject({ accepted: 1, quickReplies: 1 });
    expect(of('b')?.facts).toMatchObject({ accepted: 0, quickReplies: 1 });
    expect(of('a')!.rank).toBeLessThan(of('b')!.rank);
    expect(board.entries.map((e) => e.rank)).toEqual(board.entries.map((_, i) => i + 1));
  });

  it('answers from a stale snapshot at once and picks up new activity on refresh', async () => {
    const first = await kol.leaderboard(community, '7d', null, clock.now());
    clock.advance(20 * 60_000);
    for (const x of ['a', 'b', 'c', 'd', 'star']) {
      await event(x, 'message.replied', 'rising');
      await event(x, 'message.mentioned', 'rising');
    }
    await event('rising', 'message.posted', null, { quality: 0.95 });
    await event('rising', 'message.posted', null, { quality: 0.95 });
    const stale = await kol.leaderboard(community, '7d', null, clock.now());
    expect(stale.computedAt).toEqual(first.computedAt);
    await kol.refresh(community, '7d', '', clock.now());
    const fresh = await kol.leaderboard(community, '7d', null, clock.now());
    expect(fresh.computedAt).toEqual(clock.now());
    expect(fresh.entries[0]?.member.handle).toBe('rising');
  });

  it('ranks within a topic', async () => {
    await event('a', 'message.posted', null, { topics: ['cooking'] });
    const board = await kol.leaderboard(community, 'all', 'Qiskit', clock.now());
    expect(board.topic).toBe('qiskit');
    expect(board.entries[0]?.member.handle).toBe('star');
    const cooking = await kol.leaderboard(community, 'all', 'cooking', clock.now());
    expect(cooking.entries.map((e) => e.member.handle)).toEqual(['a']);
  });

  it('skips opted-out members even when they fill the top of a large snapshot', async () => {
    const store = createInteractionStores(db).kol;
    const facts = {
      replies: 1,
      tippers: 0,
      reactions: 0,
      mentions: 0,
      shares: 0,
      posts: 0,
      quality: null,
      activeDays: 1,
    };
    const entries = Array.from({ length: 300 }, (_, i) => ({ memberId: `m${i}`, rank: i + 1, score: 300 - i, facts }));
    await store.saveSnapshot({
      communityId: community.id,
      window: 'all',
      topic: 'x',
      computedAt: clock.now(),
      entries,
    });
    for (let i = 0; i < 100; i++) await store.setOptOut(community.id, `m${i}`, true, clock.now());
    const top = await store.top(community.id, 'all', 'x', 10);
    expect(top?.entries.map((e) => e.rank)).toEqual([101, 102, 103, 104, 105, 106, 107, 108, 109, 110]);
    for (let i = 100; i < 295; i++) await store.setOptOut(community.id, `m${i}`, true, clock.now());
    expect((await store.top(community.id, 'all', 'x', 10))?.entries.map((e) => e.memberId)).toEqual([
      'm295',
      'm296',
      'm297',
      'm298',
      'm299',
    ]);
    expect(await store.top(community.id, 'all', 'nothing', 10)).toBeNull();
  });
});

describe('calendar leaderboards', () => {
  it('never show last month’s board after the reset, even from a fresh snapshot', async () => {
    const zone = community.timezone;
    const start = windowStart('month', clock.now(), zone)!;
    // Five minutes before this month began, then ten minutes later (inside the snapshot's 15-minute freshness).
    const before = new Date(start.getTime() - 5 * 60_000);
    const first = await kol.leaderboard(community, 'month', null, before);
    expect(first.computedAt).toEqual(before);
    const after = new Date(start.getTime() + 5 * 60_000);
    const second = await kol.leaderboard(community, 'month', null, after);
    expect(second.computedAt).toEqual(after);
  });

  it('numbers pages on from the previous one, without gaps for opted-out members', async () => {
    await kol.leaderboard(community, 'all', null, clock.now(), 2);
    const all = (await kol.leaderboard(community, 'all', null, clock.now(), 10)).entries.map((e) => e.member.handle);
    await kol.setOptOut(community, members[all[0]!]!, true, clock.now());
    const page1 = await kol.leaderboard(community, 'all', null, clock.now(), 2, 0);
    const page2 = await kol.leaderboard(community, 'all', null, clock.now(), 2, 2);
    expect([...page1.entries, ...page2.entries].map((e) => e.rank)).toEqual(
      [1, 2, 3, 4].slice(0, page1.entries.length + page2.entries.length),
    );
    expect([...page1.entries, ...page2.entries].map((e) => e.member.handle)).toEqual(all.slice(1, 5));
    expect(page1.hasMore).toBe(all.length - 1 > 2);
  });
});
