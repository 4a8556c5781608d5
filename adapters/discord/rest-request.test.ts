// Loaded first on purpose: undici v7 installs itself as the process-wide dispatcher, as the feed fetcher does in the app.
import 'undici';
import { REST, Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_CHANNEL_ID, type FakeDiscord, startFakeDiscord } from '../../test/fakes/discord.ts';
import { makeRequestWithBytes } from './rest-request.ts';

describe('Discord REST uploads under another undici', () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await startFakeDiscord();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('delivers a multipart upload byte for byte, with its JSON part', async () => {
    const rest = new REST({ api: fake.apiUrl, retries: 0, makeRequest: makeRequestWithBytes }).setToken(fake.token);
    const data = Buffer.from('{"sections":{"profile":{}}}');
    await rest.post(Routes.channelMessages(FAKE_CHANNEL_ID), {
      body: { content: 'export', attachments: [{ id: 0, filename: 'export.json' }] },
      files: [{ name: 'export.json', data, contentType: 'application/json' }],
    });
    const call = await fake.waitForRest((c) => c.method === 'POST' && c.path.endsWith('/messages'), 'upload');
    expect(call.body['files[0]']).toMatchObject({ filename: 'export.json', bytes: data.length });
    expect((call.body['files[0]'] as unknown as { data: Buffer }).data.equals(data)).toBe(true);
    expect(JSON.parse(String(call.body.payload_json))).toMatchObject({ content: 'export' });
    expect(call.auth).toBe(`Bot ${fake.token}`);
  });
});
