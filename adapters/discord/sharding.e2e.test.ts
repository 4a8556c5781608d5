import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bots/config.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { FAKE_APP_ID, type FakeDiscord, startFakeDiscord } from '../../test/fakes/discord.ts';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { type DiscordAdapter, startDiscord } from './adapter.ts';

/** The real discord.js Gateway (@discordjs/ws) against a fake that recommends several shards. */
describe('Discord Gateway sharding', () => {
  let app: TestApp | undefined;
  let fake: FakeDiscord | undefined;
  let adapter: DiscordAdapter | undefined;

  afterEach(async () => {
    await adapter?.stop();
    await fake?.close();
    await app?.dispose();
    adapter = undefined;
    fake = undefined;
    app = undefined;
  });

  async function start(recommended: number, shards: string) {
    app = await createTestApp();
    fake = await startFakeDiscord(undefined, recommended);
    adapter = await startDiscord(
      app.core,
      {
        token: fake.token,
        applicationId: FAKE_APP_ID,
        apiUrl: fake.apiUrl,
        shards: loadConfig({ DISCORD_SHARDS: shards }).DISCORD_SHARDS,
        rest: { retries: 0, timeout: 2_000 },
        waitGuildTimeout: 1_000,
        clock: app.clock,
      },
      silentLogger,
    );
    return { fake, adapter };
  }

  const registrations = (f: FakeDiscord) => f.rest.filter((c) => c.method === 'PUT' && c.path.endsWith('/commands'));

  it('auto runs as many shards as /gateway/bot recommends, each identified with its id', async () => {
    const { fake, adapter } = await start(2, 'auto');
    expect(fake.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(adapter.connected()).toBe(true);
    // The guild lives on shard 1 of 2 and still arrives.
    expect(adapter.client.guilds.cache.size).toBe(1);
    expect(registrations(fake)).toHaveLength(1);
  });

  it('a configured range runs only its shards, of the configured count, and leaves registration to shard 0', async () => {
    const { fake, adapter } = await start(1, '2-3/4');
    expect(fake.identifies.map((i) => i.shard).sort()).toEqual([
      [2, 4],
      [3, 4],
    ]);
    expect(adapter.connected()).toBe(true);
    expect(adapter.client.guilds.cache.size).toBe(1); // (guild >> 22) % 4 === 3
    expect(registrations(fake)).toHaveLength(0);
  });
});

describe('DISCORD_SHARDS', () => {
  it.each([
    ['', 'auto'],
    ['auto', 'auto'],
    ['0-3/8', { ids: [0, 1, 2, 3], count: 8 }],
    ['5/8', { ids: [5], count: 8 }],
  ])('%j is %j', (raw, expected) => {
    expect(loadConfig(raw ? { DISCORD_SHARDS: raw } : {}).DISCORD_SHARDS).toEqual(expected);
  });

  it.each(['3-1/8', '0-8/8', '1/0', 'all', '0-3'])('%j is refused, naming the variable', (raw) => {
    expect(() => loadConfig({ DISCORD_SHARDS: raw })).toThrow(/DISCORD_SHARDS — expected auto, or <first>-<last>/);
  });
});
