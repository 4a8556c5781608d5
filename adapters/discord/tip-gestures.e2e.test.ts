import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/ports/logger.ts';
import {
  discordPayloads,
  FAKE_APP_ID,
  FAKE_GUILD_ID,
  FAKE_MOD_ROLE_ID,
  type FakeDiscord,
  type FakeDiscordUser,
  restJson,
  startFakeDiscord,
} from '../../test/fakes/discord.ts';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { type DiscordAdapter, startDiscord } from './adapter.ts';

/** Tips without a command through the real discord.js Gateway client and a fake Discord on 127.0.0.1. */
const alice: FakeDiscordUser = { id: '500000000000000011', username: 'alice' };
const bob: FakeDiscordUser = { id: '500000000000000012', username: 'bob' };

describe('Discord: tips by keyword and by 👏', () => {
  let app: TestApp;
  let fake: FakeDiscord;
  let adapter: DiscordAdapter;

  beforeAll(async () => {
    app = await createTestApp();
    fake = await startFakeDiscord();
    adapter = await startDiscord(
      app.core,
      {
        token: fake.token,
        applicationId: FAKE_APP_ID,
        apiUrl: fake.apiUrl,
        publicKey: fake.publicKey,
        interactionsPort: 0,
        interactionsHost: '127.0.0.1',
        moderatorRoleId: FAKE_MOD_ROLE_ID,
        rest: { retries: 0, timeout: 2_000 },
        waitGuildTimeout: 1_000,
        ackAfterMs: 10_000,
        rateLimit: { maxWaitMs: 2_000 },
        clock: app.clock,
      },
      silentLogger,
    );
    app.messenger.register('discord', adapter.messenger);
  });

  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
    await app?.dispose();
  });

  const received = async (handle: string) => {
    const community = (await app.services.communities.list()).find(
      (c) => c.platform === 'discord' && c.platformId === FAKE_GUILD_ID,
    );
    if (!community) return [];
    const member = await app.services.members.findByHandle(community.id, handle);
    if (!member) return [];
    return (await app.services.ledger!.history(community, member, 50)).filter((x) => x.toMemberId === member.id);
  };
  const eventually = async (handle: string, count: number) => {
    for (let i = 0; i < 100; i++) {
      const tips = await received(handle);
      if (tips.length >= count) return tips;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return received(handle);
  };

  it('"+2 <@bob> thanks" from a member who never spoke to Bob tips him and confirms in the channel', async () => {
    fake.dispatch(
      'MESSAGE_CREATE',
      discordPayloads.message('620000000000000001', alice, {
        content: `+2 <@${bob.id}> thanks for the notes`,
        mentions: [{ ...bob, discriminator: '0', avatar: null }],
      }),
    );
    const tips = await eventually('bob', 1);
    expect(tips.map((x) => [x.amount, x.reason])).toEqual([[2, 'thanks for the notes']]);
    const post = await fake.waitForRest(
      (c) =>
        c.method === 'POST' &&
        /\/channels\/\d+\/messages$/.test(c.path) &&
        JSON.stringify(restJson(c)).includes('gave'),
      'tip confirmation',
    );
    expect(JSON.stringify(restJson(post))).toContain('alice gave bob 2 points: \\"thanks for the notes\\"');
  });

  it('a 👏 on Bob’s message tips him one point; a 🔥 does not', async () => {
    fake.dispatch('MESSAGE_CREATE', discordPayloads.message('620000000000000002', bob, { content: 'my slides' }));
    app.clock.advance(61_000);
    fake.dispatch('MESSAGE_REACTION_ADD', discordPayloads.reaction('620000000000000002', alice, '🔥', bob.id));
    fake.dispatch('MESSAGE_REACTION_ADD', discordPayloads.reaction('620000000000000002', alice, '👏', bob.id));
    const tips = await eventually('bob', 2);
    expect(tips).toHaveLength(2);
    expect(tips.some((x) => x.amount === 1 && x.reason === '👏')).toBe(true);
  });
});
