import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaReplyPageStore } from '../../adapters/storage/reply-page-store.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/** Prisma client names of the models in prisma/schema that carry a communityId column. */
function tablesWithCommunityId(): string[] {
  const dir = new URL('../../prisma/schema/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.prisma'))
    .flatMap((f) => [...readFileSync(new URL(f, dir), 'utf8').matchAll(/model (\w+) \{([\s\S]*?)\n\}/g)])
    .filter((m) => /^\s+communityId\s/m.test(m[2] ?? ''))
    .map((m) => (m[1] as string)[0]!.toLowerCase() + (m[1] as string).slice(1));
}

type CountDelegate = { count(args: { where: { communityId: string } }): Promise<number> };

/**
 * Removing a community (the demo reset) clears every feature's rows. The demo community is used the way members,
 * creators and moderators use it until every table with community rows holds some, then removed: nothing of it may
 * remain, and another community's rows stay.
 */
describe('removing a community', () => {
  let app: TestApp;
  let other: string;
  const counts = async (communityId: string) => {
    const db = app.db.prisma as unknown as Record<string, CountDelegate>;
    const entries = await Promise.all(
      tablesWithCommunityId().map(
        async (table) => [table, await db[table]!.count({ where: { communityId } })] as const,
      ),
    );
    return Object.fromEntries(entries);
  };

  beforeAll(async () => {
    app = await createTestApp({ demo: true });
    const say = (line: string) => app.console.run(line);
    const demo = app.demoCommunityId!;
    await say('@mod /source list');
    for (const source of await app.services.content.sources.list(demo)) await app.services.content.poller.poll(source);
    await say('@mod /digest schedule add "0 10 * * *" Asia/Shanghai');
    app.clock.advance(86_400_000);
    await app.services.content.digests.runDue();
    await app.services.content.learnOnce();
    await say('@alice /tip @bob 5 thanks');
    await say('@admin /points policy 20');
    await say('@mod /points grant @bob 3 "helpful answer"');
    await say('@alice /leaderboard');
    await say('@alice /leaderboard optout');
    await say('@mod /stats weekly on');
    await say('@mod /points alerts on');
    await say('@mod /recommend retrain');
    const [course] = (await app.services.courses.list(demo)).filter((c) => c.priceMinor > 0);
    await say(`@mod /course access ${course!.id} role:role-1`);
    await say(`@alice /buy ${course!.id}`);
    await say(`@mod /course grant @bob ${course!.id}`);
    // A provider's payment (with its ledger entry and subscription), a mismatched one, and a premium SKU.
    const [order] = await app.services.commerce.listOrders(demo, { status: 'pending' });
    const paid = { provider: 'telegram' as const, orderId: order!.id, currency: order!.currency, at: app.clock.now() };
    await app.services.payments.paid({
      ...paid,
      providerRef: 'charge-1',
      amountMinor: order!.amountMinor,
      subscriptionRef: 'sub-1',
    });
    await app.services.payments.paid({ ...paid, providerRef: 'charge-2', amountMinor: 1 });
    await say(`@mod /payments sku ${course!.id} 123456789012345678`);
    await say(`@mod /course promote ${course!.id}`);
    await say('@creator /coupon create SPRING 10%');
    await say(`@chen /buy ${course!.id}`);
    const [waiting] = await app.services.commerce.listOrders(demo, { status: 'pending' });
    await say(`@mod /order cancel ${waiting!.id}`);
    await say('@mod /levels setup on');
    await say('@mod /levels reward 1 role:role-l1');
    await say('@bob /level');
    const [alice, bob] = await app.services.members.getMany([
      (await app.services.members.findByHandle(demo, 'alice'))!.id,
      (await app.services.members.findByHandle(demo, 'bob'))!.id,
    ]);
    const tip = await app.db.prisma.ledgerTransfer.findFirstOrThrow({ where: { communityId: demo, kind: 'tip' } });
    await app.services.ledger.store.addFlag({
      communityId: demo,
      kind: 'tip_ring',
      memberIds: [alice!.id, bob!.id],
      transferId: tip.id,
      createdAt: app.clock.now(),
      dedupKey: 'removal-test',
    });
    // A long Telegram answer's pages, as the adapter keeps them for the member it answered.
    await new PrismaReplyPageStore(app.db.prisma).keep(
      'removal-test',
      { pages: ['page 1', 'page 2'], locale: 'en', requester: { communityId: demo, memberId: alice!.id } },
      new Date(app.clock.now().getTime() + 86_400_000),
      app.clock.now(),
    );
    // Another community, with rows of its own, that must survive.
    other = (await app.services.communities.ensure('slack', 'T-other', { name: 'Other' })).id;
    await app.services.weeklyReport.set((await app.services.communities.get(other))!, {
      enabled: true,
      channelId: 'C1',
      locale: 'en',
    });
    // A command in flight in each, as a gateway keeps it (named by platform space, not by community id).
    for (const id of [demo, other]) {
      const { platform, platformId } = (await app.services.communities.get(id))!;
      const key = `${platform}:cmd:removal-${id}`;
      const at = app.clock.now();
      await app.services.deliveries.claim(key, at, new Date(at.getTime() + 120_000));
      const owner = { spaceId: platformId, userId: 'u-alice', command: '/leaderboard' };
      await app.services.deliveries.keepResumable({ key, platform, resume: '{}', ...owner }, at);
    }
  }, 120_000);
  afterAll(() => app.dispose());

  it('leaves no row of it in any table, and keeps the other community', async () => {
    const before = await counts(app.demoCommunityId!);
    expect(
      Object.entries(before)
        .filter(([, n]) => n === 0)
        .map(([table]) => table),
      'tables the test left empty',
    ).toEqual([]);
    expect(await app.db.prisma.resumableCommand.count()).toBe(2);
    await app.services.communities.remove(app.demoCommunityId!);
    const after = await counts(app.demoCommunityId!);
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([]);
    expect((await counts(other)).weeklyReportSetting).toBe(1);
    // Its commands in flight go too; the other community's stays.
    expect(await app.db.prisma.resumableCommand.findMany({ select: { key: true } })).toEqual([
      { key: `slack:cmd:removal-${other}` },
    ]);
  });
});
