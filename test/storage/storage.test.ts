import { readdirSync, readFileSync } from 'node:fs';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_COMMUNITY_TABLES, createCoreStores } from '../../adapters/storage/index.ts';
import { applyMigrations, readMigrations } from '../../adapters/storage/schema-engine.ts';
import { features } from '../../bots/features.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

/** Models in prisma/schema that carry a communityId column. */
function modelsWithCommunityId(): string[] {
  const dir = new URL('../../prisma/schema/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.prisma'))
    .flatMap((f) => [...readFileSync(new URL(f, dir), 'utf8').matchAll(/model (\w+) \{([\s\S]*?)\n\}/g)])
    .filter((m) => /^\s+communityId\s/m.test(m[2] ?? ''))
    .map((m) => m[1] as string);
}

describe.each(['sqlite', 'postgresql'] as const)('storage on %s', (provider) => {
  let db: TestDatabase;
  let stores: ReturnType<typeof createCoreStores>;

  beforeAll(async () => {
    db = await createTestDatabase(provider);
    stores = createCoreStores(db.prisma);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('has every migration recorded and applies nothing the second time', async () => {
    const factory =
      provider === 'sqlite'
        ? new PrismaBetterSqlite3({ url: db.url.slice('file:'.length) })
        : new PrismaPg({ connectionString: db.url });
    expect(await applyMigrations(provider, factory)).toEqual([]);
    const rows = await db.prisma.$queryRawUnsafe<{ migration_name: string }[]>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(readMigrations(provider).map((m) => m.name));
  });

  it('creates a community and a member once, even when asked concurrently', async () => {
    const communities = await Promise.all(
      Array.from({ length: 5 }, () => stores.communities.ensure('discord', 'g-1', { name: 'Guild' })),
    );
    expect(new Set(communities.map((c) => c.id)).size).toBe(1);
    const id = communities[0]!.id;
    const members = await Promise.all(
      Array.from({ length: 5 }, () =>
        stores.members.ensure(id, { platformUserId: 'u-1', handle: 'Ann', displayName: 'Ann' }),
      ),
    );
    expect(new Set(members.map((m) => m.id)).size).toBe(1);
    expect(members[0]).toMatchObject({ handle: 'ann', role: 'member', isBot: false, locale: null });
    expect(await stores.members.findByHandle(id, '@ann'.slice(1))).toMatchObject({ id: members[0]!.id });
  });

  it('refreshes a renamed member without creating another', async () => {
    const c = await stores.communities.ensure('slack', 'T1', { name: 'Team' });
    const first = await stores.members.ensure(c.id, { platformUserId: 'U1', handle: 'old', displayName: 'Old' });
    const renamed = await stores.members.ensure(c.id, { platformUserId: 'U1', handle: 'new', displayName: 'New' });
    expect(renamed.id).toBe(first.id);
    expect(renamed.displayName).toBe('New');
    expect(await stores.members.count(c.id)).toBe(1);
  });

  it('logs events append-only and ignores a duplicate delivery', async () => {
    const c = await stores.communities.ensure('telegram', '-100', { name: 'Chat' });
    const m = await stores.members.ensure(c.id, { platformUserId: '7', handle: 'z', displayName: 'Z' });
    const event = {
      communityId: c.id,
      actorId: m.id,
      verb: 'message.posted' as const,
      objectType: 'message',
      objectId: 'm1',
      targetMemberId: null,
      channelId: null,
      platform: 'telegram' as const,
      occurredAt: new Date('2026-11-01T00:00:00Z'),
      metadata: { text: '你好', n: 1 },
      dedupKey: 'telegram:evt:1',
    };
    expect(await stores.events.append(event)).toEqual({ appended: true });
    expect(await stores.events.append(event)).toEqual({ appended: false });
    const many = [2, 3, 3, 4].map((n) => ({ ...event, objectId: `m${n}`, dedupKey: `telegram:evt:${n}` }));
    expect(await stores.events.appendMany([...many, { ...event }])).toBe(3);
    const log = await stores.events.query({ communityId: c.id });
    expect(log.map((e) => e.objectId)).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(log[0]?.metadata).toEqual({ text: '你好', n: 1 });
    expect(await stores.events.query({ communityId: c.id, since: new Date('2026-12-01') })).toEqual([]);
  });

  it('reads the event log on the driver exactly as through Prisma (every filter, both orders, limits)', async () => {
    const c = await stores.communities.ensure('console', `${provider}-log-read`, { name: 'Log' });
    const at = (h: number) => new Date(Date.UTC(2026, 10, 1, h));
    const verbs = ['course.viewed', 'course.enrolled', 'message.posted'] as const;
    // Several events at one instant: the id decides their order, in both directions.
    const events = Array.from({ length: 12 }, (_, i) => ({
      communityId: c.id,
      actorId: `a${i % 3}`,
      verb: verbs[i % 3] as (typeof verbs)[number],
      objectType: 'course',
      objectId: `c${i}`,
      targetMemberId: i === 4 ? 'a0' : null,
      channelId: i === 5 ? 'ch1' : null,
      platform: 'console' as const,
      occurredAt: at(Math.floor(i / 2)),
      metadata: i % 4 === 0 ? { text: `第${i}`, n: i } : {},
    }));
    expect(await stores.events.appendMany(events)).toBe(12);
    const driver = createCoreStores(db.prisma, [], db.driver).events;
    const queries = [
      { communityId: c.id },
      { communityId: c.id, verbs: ['course.viewed', 'message.posted'] as const },
      { communityId: c.id, verbs: [] },
      { communityId: c.id, actorId: 'a1' },
      { communityId: c.id, since: at(2), until: at(5) },
      { communityId: c.id, since: at(3), limit: 3 },
      { communityId: c.id, newestFirst: true, limit: 5 },
      { communityId: c.id, verbs: ['course.enrolled'] as const, until: at(4), newestFirst: true },
    ];
    for (const query of queries) {
      expect(await driver.query(query)).toEqual(await stores.events.query(query));
    }
    expect((await driver.query(queries[0] as (typeof queries)[0])).length).toBe(12);
  });

  it.each(['prisma', 'driver'] as const)(
    'gives a catalogue version that changes with every added or edited course and only then (%s)',
    async (via) => {
      const c = await stores.communities.ensure('console', `${provider}-${via}-catalogue-version`, { name: 'Cat' });
      const courses = via === 'prisma' ? stores.courses : createCoreStores(db.prisma, [], db.driver).courses;
      const add = (title: string, createdAt?: Date) =>
        stores.courses.create({
          communityId: c.id,
          creatorId: null,
          title,
          description: 'An introduction',
          tags: ['qc'],
          language: 'en',
          priceMinor: 0,
          currency: 'USD',
          paymentModel: 'one_off',
          ...(createdAt ? { createdAt } : {}),
        });
      const empty = await courses.catalogueVersion(c.id);
      const course = await add('Qubits');
      const added = await courses.catalogueVersion(c.id);
      expect(await courses.catalogueVersion(c.id)).toBe(added);
      // Back-dated (an import): the newest creation time does not move, the version still must.
      await add('Older notes', new Date('2020-01-01T00:00:00Z'));
      const imported = await courses.catalogueVersion(c.id);
      await stores.courses.update(course.id, { title: 'Qubits, again' }, new Date('2026-11-05T10:00:00Z'));
      const edited = await courses.catalogueVersion(c.id);
      expect(new Set([empty, added, imported, edited]).size).toBe(4);
      expect(await courses.catalogueVersion(c.id)).toBe(edited);
    },
  );

  it.each(['prisma', 'driver'] as const)(
    'claims a delivery once, takes over one whose run died after its lease, never one that finished (%s)',
    async (via) => {
      const at = new Date('2026-11-20T02:00:00Z');
      const later = (s: number) => new Date(at.getTime() + s * 1000);
      const deliveries = via === 'prisma' ? stores.deliveries : createCoreStores(db.prisma, [], db.driver).deliveries;
      const key = `${provider}-${via}-d1`;
      expect(await deliveries.claim(key, at, later(120))).toBe('first');
      // A platform retrying while the first run holds its lease: in progress (the platform is told to come back).
      expect(await deliveries.claim(key, later(5), later(125))).toBe('in-progress');
      // The first run's process died: after its lease exactly one of two redeliveries runs it again.
      const racing = await Promise.all([
        deliveries.claim(key, later(121), later(241)),
        deliveries.claim(key, later(121), later(241)),
      ]);
      expect(racing.sort()).toEqual(['in-progress', 'retry']);
      await deliveries.finish(key, later(130));
      expect(await deliveries.claim(key, later(999), later(1119))).toBe('duplicate');
    },
  );

  it('reads leases written by the other implementation (rows from before the driver store stay valid)', async () => {
    const at = new Date('2026-11-20T02:00:00Z');
    const later = (s: number) => new Date(at.getTime() + s * 1000);
    const driver = createCoreStores(db.prisma, [], db.driver).deliveries;
    expect(await stores.deliveries.claim(`${provider}-x1`, at, later(120))).toBe('first');
    expect(await driver.claim(`${provider}-x1`, later(60), later(180))).toBe('in-progress');
    expect(await driver.claim(`${provider}-x1`, later(121), later(241))).toBe('retry');
    await driver.finish(`${provider}-x1`, later(130));
    expect(await stores.deliveries.claim(`${provider}-x1`, later(999), later(1119))).toBe('duplicate');
    const row = await db.prisma.processedDelivery.findUniqueOrThrow({ where: { key: `${provider}-x1` } });
    expect(row).toMatchObject({ finishedAt: later(130), leaseUntil: null });
  });

  it('stores courses with tags and money in minor units, filters by tag', async () => {
    const c = await stores.communities.ensure('console', 'courses', { name: 'C' });
    await stores.courses.create({
      communityId: c.id,
      creatorId: null,
      title: '大模型应用开发',
      description: 'RAG',
      tags: ['ai', 'llm'],
      language: 'zh',
      priceMinor: 39900,
      currency: 'CNY',
      paymentModel: 'one_off',
    });
    await stores.courses.create({
      communityId: c.id,
      creatorId: null,
      title: 'Design',
      description: 'd',
      tags: ['design'],
      language: 'en',
      priceMinor: 100,
      currency: 'USD',
      paymentModel: 'subscription',
    });
    const ai = await stores.courses.list(c.id, { tag: 'AI' });
    expect(ai).toHaveLength(1);
    expect(ai[0]).toMatchObject({
      title: '大模型应用开发',
      tags: ['ai', 'llm'],
      priceMinor: 39900,
      paymentModel: 'one_off',
    });
  });

  it('clears every table that holds community rows when a community is removed', async () => {
    // What removal clears is what the installed features (and the framework) declare; the rest cascade.
    const cleared = new Set<string>([
      ...features.flatMap((f) => f.storage?.communityTables ?? []),
      ...CORE_COMMUNITY_TABLES,
    ]);
    const cascaded = new Set(['member', 'channel', 'course', 'interactionEvent']);
    for (const model of modelsWithCommunityId()) {
      const client = model[0]!.toLowerCase() + model.slice(1);
      expect(cleared.has(client) || cascaded.has(client), `${model} rows would outlive their community`).toBe(true);
    }
  });

  it('removes a community with everything that belongs to it', async () => {
    const c = await stores.communities.ensure('discord', 'doomed', { name: 'D' });
    const m = await stores.members.ensure(c.id, { platformUserId: 'x', handle: 'x', displayName: 'X' });
    await stores.events.append({
      communityId: c.id,
      actorId: m.id,
      verb: 'member.joined',
      objectType: 'member',
      objectId: m.id,
      targetMemberId: null,
      channelId: null,
      platform: 'discord',
      occurredAt: new Date(),
      metadata: {},
    });
    await stores.communities.remove(c.id);
    expect(await stores.members.count(c.id)).toBe(0);
    expect(await stores.events.count(c.id)).toBe(0);
  });
});
