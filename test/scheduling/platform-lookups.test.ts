import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscord } from '../../adapters/discord/adapter.ts';
import { startSlack } from '../../adapters/slack/adapter.ts';
import { PrismaScheduledPostStore } from '../../adapters/storage/scheduled-post-store.ts';
import { startTelegram } from '../../adapters/telegram/adapter.ts';
import { ScheduledPostRunner, type SlotPost } from '../../core/framework/scheduled-posts.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import type { Messenger, PostTarget } from '../../core/ports/messenger.ts';
import { FAKE_APP_ID, FAKE_CHANNEL_ID, FAKE_GUILD_ID, restJson, startFakeDiscord } from '../fakes/discord.ts';
import { FAKE_TEAM, startFakeSlack } from '../fakes/slack.ts';
import { startFakeTelegram } from '../fakes/telegram.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * A scheduled post the platform accepted while the bot saw a failure (a 500, a dropped connection) is looked up on
 * the platform before anything is sent again, through each adapter's real SDK against its loopback fake.
 */
describe('scheduled posts whose acknowledgement was lost', () => {
  let app: TestApp;
  let counter = 0;

  const runner = (messenger: Messenger) =>
    new ScheduledPostRunner({
      store: new PrismaScheduledPostStore(app.db.prisma),
      messenger,
      clock: app.clock,
      log: silentLogger,
    });
  const slot = (target: PostTarget): SlotPost => ({
    job: 'weekly-report',
    subject: `lookup-${++counter}`,
    communityId: 'lookup',
    slotAt: app.clock.now(),
    target,
    retryWindowMs: 6 * 3_600_000,
    build: async () => ({ title: 'Weekly community report', text: 'Active members: 12', footer: 'Cohort' }),
  });
  /** The next run, a minute later (the weekly report's minute job). */
  const later = () => app.clock.advance(60_000);

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.dispose());

  it('Discord: finds the post by the nonce hidden in it, and does not send it again', async () => {
    const fake = await startFakeDiscord();
    const adapter = await startDiscord(
      app.core,
      {
        token: fake.token,
        applicationId: FAKE_APP_ID,
        apiUrl: fake.apiUrl,
        rest: { retries: 0, timeout: 2_000 },
        waitGuildTimeout: 1_000,
        registerCommands: false,
        clock: app.clock,
      },
      silentLogger,
    );
    try {
      const creates = () => fake.rest.filter((c) => c.method === 'POST' && c.path.endsWith('/messages'));
      const posting = slot({ platform: 'discord', spaceId: FAKE_GUILD_ID, channelId: FAKE_CHANNEL_ID });
      fake.failNext('POST', /\/channels\/\d+\/messages$/, { acceptThen: 'status-500' });
      expect((await runner(adapter.messenger).run(posting)).status).toBe('unconfirmed');
      later();
      const outcome = await runner(adapter.messenger).run(posting);
      expect(outcome).toMatchObject({ status: 'posted' });
      expect(fake.channelMessages(FAKE_CHANNEL_ID)).toHaveLength(1);
      expect(creates()).toHaveLength(1);
      // Readers see the report and nothing else: the nonce is in zero-width characters.
      const [created] = creates();
      expect(restJson(created!)).toMatchObject({ nonce: expect.any(String), enforce_nonce: true });
      const footer = (restJson(created!).embeds as Array<{ footer?: { text: string } }>)[0]?.footer?.text ?? '';
      expect(footer.replace(/[\u200b-\u200d\u2060\u2063]/g, '')).toBe('Cohort');
    } finally {
      await adapter.stop();
      await fake.close();
    }
  });

  it('Slack: finds the post by its message metadata, and does not send it again', async () => {
    const fake = await startFakeSlack();
    const adapter = await startSlack(
      app.core,
      {
        botToken: 'xoxb-test',
        signingSecret: 'secret',
        apiUrl: fake.apiUrl,
        port: 0,
        host: '127.0.0.1',
        retries: 0,
        clock: app.clock,
      },
      silentLogger,
    );
    try {
      const posting = slot({ platform: 'slack', spaceId: FAKE_TEAM.id, channelId: 'C0REPORTS' });
      fake.failNext('chat.postMessage', { acceptThen: 'drop-connection' });
      expect((await runner(adapter.messenger).run(posting)).status).toBe('unconfirmed');
      later();
      expect((await runner(adapter.messenger).run(posting)).status).toBe('posted');
      expect(fake.channelMessages('C0REPORTS')).toHaveLength(1);
      expect(fake.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
      expect(fake.calls.filter((c) => c.method === 'conversations.history')).toHaveLength(1);
    } finally {
      await adapter.stop();
      await fake.close();
    }
  });

  it('Telegram: cannot look a post up, so an unconfirmed one is not sent again; a refused one is', async () => {
    const fake = await startFakeTelegram();
    const adapter = await startTelegram(
      app.core,
      { token: fake.token, apiRoot: fake.apiRoot, clock: app.clock, registerCommands: false },
      silentLogger,
    );
    try {
      const sends = () => fake.calls.filter((c) => c.method === 'sendMessage');
      const target: PostTarget = { platform: 'telegram', spaceId: '-100777', channelId: '-100777' };
      const unconfirmed = slot(target);
      fake.dropAfterNext('sendMessage');
      expect((await runner(adapter.messenger).run(unconfirmed)).status).toBe('unconfirmed');
      later();
      expect((await runner(adapter.messenger).run(unconfirmed)).status).toBe('unconfirmed');
      expect(sends()).toHaveLength(1);

      const refused = slot(target);
      const before = sends().length;
      fake.failNext('sendMessage', { error_code: 400, description: 'Bad Request: not enough rights' });
      expect((await runner(adapter.messenger).run(refused)).status).toBe('failed');
      later();
      expect((await runner(adapter.messenger).run(refused)).status).toBe('posted');
      // Refused (400), then sent once.
      expect(
        sends()
          .slice(before)
          .map((c) => c.failedWith ?? 'sent'),
      ).toEqual([400, 'sent']);
    } finally {
      await adapter.stop();
      await fake.close();
    }
  });
});
