import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordAdapter, startDiscord } from '../../adapters/discord/adapter.ts';
import { encodeReply } from '../../adapters/discord/encode.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { FAKE_APP_ID, FAKE_GUILD_ID, type FakeDiscord, startFakeDiscord } from '../fakes/discord.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/** Discord premium apps through discord.js (Gateway) and the signed webhook-events endpoint, against the fake. */
const SKU = '777000000000000001';
const alice = '500000000000000101';
const bob = '500000000000000102';
const DAY = 86_400_000;

describe('Discord premium entitlements become course access', () => {
  let app: TestApp;
  let fake: FakeDiscord;
  let adapter: DiscordAdapter;
  let communityId: string;
  let courseId: string;

  const entitlement = (id: string, user: string, extra: Record<string, unknown> = {}) => ({
    id,
    sku_id: SKU,
    application_id: FAKE_APP_ID,
    user_id: user,
    guild_id: FAKE_GUILD_ID,
    type: 8,
    deleted: false,
    consumed: false,
    starts_at: new Date(app.clock.now().getTime()).toISOString(),
    ends_at: new Date(app.clock.now().getTime() + 30 * DAY).toISOString(),
    ...extra,
  });
  const accessOf = async (user: string) => {
    const member = await app.services.members.findByPlatformUserId(communityId, user);
    return member ? app.db.prisma.entitlement.findMany({ where: { memberId: member.id, courseId } }) : [];
  };
  const until = async (check: () => Promise<boolean>, what: string) => {
    for (let i = 0; i < 100; i++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  beforeAll(async () => {
    app = await createTestApp();
    fake = await startFakeDiscord();
    communityId = (await app.services.communities.ensure('discord', FAKE_GUILD_ID, { name: 'Fake guild' })).id;
    courseId = (
      await app.services.courses.create({
        communityId,
        creatorId: null,
        title: 'Premium Membership',
        description: 'Members-only channel',
        tags: ['premium'],
        language: 'en',
        priceMinor: 499,
        currency: 'USD',
        paymentModel: 'membership',
      })
    ).id;
    await app.services.payments.setPremiumSku(communityId, courseId, SKU);
    adapter = await startDiscord(
      app.core,
      {
        token: fake.token,
        applicationId: FAKE_APP_ID,
        apiUrl: fake.apiUrl,
        publicKey: fake.publicKey,
        interactionsPort: 0,
        interactionsHost: '127.0.0.1',
        rest: { retries: 0, timeout: 2_000 },
        waitGuildTimeout: 1_000,
        registerCommands: false,
        clock: app.clock,
        premium: { payments: app.services.payments },
      },
      silentLogger,
    );
  });
  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
    await app?.dispose();
  });

  it('maps ENTITLEMENT_CREATE, UPDATE and DELETE from the Gateway, once each', async () => {
    const created = entitlement('880000000000000001', alice);
    fake.dispatch('ENTITLEMENT_CREATE', created);
    fake.dispatch('ENTITLEMENT_CREATE', created); // delivered again after a RESUME
    await until(async () => (await accessOf(alice)).length > 0, 'alice to get access');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [granted, ...more] = await accessOf(alice);
    expect(more).toHaveLength(0);
    expect(granted?.expiresAt?.toISOString()).toBe(created.ends_at);
    expect(await app.db.prisma.payment.count({ where: { provider: 'discord', providerRef: created.id } })).toBe(1);

    const renewedEnd = new Date(app.clock.now().getTime() + 60 * DAY).toISOString();
    fake.dispatch('ENTITLEMENT_UPDATE', { ...created, ends_at: renewedEnd });
    await until(async () => (await accessOf(alice))[0]?.expiresAt?.toISOString() === renewedEnd, 'the renewal');

    fake.dispatch('ENTITLEMENT_DELETE', { ...created, deleted: true });
    await until(async () => (await accessOf(alice))[0]?.revokedAt != null, 'the revocation');
  });

  it('grants a test entitlement (no end) through a signed webhook event, and refuses a forged one', async () => {
    const url = `http://127.0.0.1:${adapter.interactionsAddress?.port}/interactions`;
    const body = (id: string, user: string) => ({
      version: 1,
      application_id: FAKE_APP_ID,
      type: 1,
      event: {
        type: 'ENTITLEMENT_CREATE',
        timestamp: app.clock.now().toISOString(),
        data: entitlement(id, user, { type: 4, starts_at: null, ends_at: null }),
      },
    });
    expect((await fake.postInteraction(url, body('880000000000000002', alice), true)).status).toBe(401);
    expect((await fake.postInteraction(url, { version: 1, application_id: FAKE_APP_ID, type: 0 })).status).toBe(204);
    expect((await fake.postInteraction(url, body('880000000000000003', bob))).status).toBe(204);
    await until(async () => (await accessOf(bob)).some((e) => !e.revokedAt), 'bob to get access');
    expect(await app.db.prisma.payment.count({ where: { providerRef: '880000000000000002' } })).toBe(0);
    // Bob's membership (365 days by default) stands while the test entitlement does.
    expect((await accessOf(bob))[0]?.expiresAt?.getTime()).toBe(app.clock.now().getTime() + 365 * DAY);
  });

  it('puts Discord’s premium button for the SKU on /pay', async () => {
    const member = await app.services.members.ensure(communityId, {
      platformUserId: '500000000000000103',
      handle: 'carol',
      displayName: 'Carol',
    });
    const course = (await app.services.courses.get(courseId))!;
    const { order } = await app.services.commerce.requestPurchase(
      (await app.services.communities.get(communityId))!,
      member,
      course,
      'premium-button',
      app.clock.now(),
    );
    const outcome = await app.core.handleCommand({
      space: { platform: 'discord', platformId: FAKE_GUILD_ID, name: 'Fake guild' },
      user: { platformUserId: member.platformUserId, handle: 'carol', displayName: 'Carol' },
      channel: { platformChannelId: '333333333333333333', name: 'general' },
      input: { kind: 'text', line: `/pay ${order!.id.slice(0, 8)}` },
      deliveryId: 'premium-button-delivery',
    });
    expect(outcome.reply?.buttons).toEqual([expect.objectContaining({ premiumSku: SKU })]);
    const [message] = encodeReply(outcome.reply!);
    expect(JSON.stringify(message)).toContain(`"style":6,"sku_id":"${SKU}"`);
  });
});
