import { startDiscord } from '../../adapters/discord/adapter.ts';
import { startSlack } from '../../adapters/slack/adapter.ts';
import { startTelegram } from '../../adapters/telegram/adapter.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import {
  type DiscordRestCall,
  discordPayloads,
  FAKE_APP_ID,
  type FakeDiscordUser,
  restJson,
  startFakeDiscord,
} from '../fakes/discord.ts';
import { type FakeSlackUser, type SlackCall, slackPayloads, slackSender, startFakeSlack } from '../fakes/slack.ts';
import { type FakeTelegramUser, startFakeTelegram, telegramUpdates } from '../fakes/telegram.ts';
import type { TestApp } from '../support/app.ts';
import { discordText, replyText, slackText, telegramText } from './visible-text.ts';

/**
 * One driver per adapter: it plays the platform for a scripted step and returns what the member would read.
 * Every driver talks to the same app (one database), each platform in its own community.
 */
export interface Step {
  speaker: 'alice' | 'bob';
  /** The command line as typed (console, Telegram, Slack). */
  line: string;
  /** How Discord's native form sends it: command name, then options (subcommands nested as Discord does). */
  discord: { name: string; options?: unknown[] };
  /** Sent as a button click instead of a typed command. */
  click?: boolean;
  /** The reply carries a file (a data export): the driver also collects what arrived. */
  file?: boolean;
}

export interface Seen {
  text: string;
  status?: string;
  file?: { name: string; data: Buffer };
}

export interface Driver {
  name: string;
  run(step: Step): Promise<Seen>;
  stop(): Promise<void>;
}

export async function consoleDriver(app: TestApp): Promise<Driver> {
  return {
    name: 'console',
    async run(step) {
      const turn = await app.console.run(`@${step.speaker} ${step.line}`);
      if (!turn?.reply) throw new Error(`console gave no reply to ${step.line}`);
      const file = turn.reply.file;
      return {
        text: replyText(turn.reply),
        status: turn.status,
        ...(file ? { file: { name: file.filename, data: Buffer.from(file.data) } } : {}),
      };
    },
    async stop() {},
  };
}

export async function telegramDriver(app: TestApp): Promise<Driver> {
  const fake = await startFakeTelegram();
  const adapter = await startTelegram(
    app.core,
    { token: fake.token, apiRoot: fake.apiRoot, clock: app.clock },
    silentLogger,
  );
  const users: Record<Step['speaker'], FakeTelegramUser> = {
    alice: { id: 71, first_name: 'alice', username: 'alice', language_code: 'en' },
    bob: { id: 72, first_name: 'bob', username: 'bob', language_code: 'en' },
  };
  const chat = { id: -100_555, title: 'Conversation' };
  return {
    name: 'telegram',
    async run(step) {
      const id = fake.nextUpdateId();
      const from = users[step.speaker];
      const seenBefore = fake.calls.length;
      fake.push(
        step.click
          ? telegramUpdates.callback(id, chat, from, step.line)
          : telegramUpdates.command(id, chat, from, step.line),
      );
      const reply = await fake.waitForCall(
        (c) => c.method === 'sendMessage' && fake.calls.indexOf(c) >= seenBefore,
        `telegram reply to ${step.line}`,
      );
      if (!step.file) return { text: telegramText(String(reply.payload.text)) };
      // A personal file asked for in a group goes to the member's private chat as a document.
      const document = await fake.waitForCall(
        (c) => c.method === 'sendDocument' && fake.calls.indexOf(c) >= seenBefore,
        `telegram document for ${step.line}`,
      );
      const sent = document.payload.document as { filename: string; data: Buffer };
      return { text: telegramText(String(reply.payload.text)), file: { name: sent.filename, data: sent.data } };
    },
    async stop() {
      await adapter.stop();
      await fake.close();
    },
  };
}

export async function slackDriver(app: TestApp): Promise<Driver> {
  const fake = await startFakeSlack();
  const users: Record<Step['speaker'], FakeSlackUser> = {
    alice: { id: 'U0ALICE', name: 'alice', real_name: 'alice', locale: 'en-US' },
    bob: { id: 'U0BOB', name: 'bob', real_name: 'bob', locale: 'en-US' },
  };
  for (const user of Object.values(users)) fake.addUser(user);
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
      ackAfterMs: 10_000,
    },
    silentLogger,
  );
  const send = slackSender(`http://127.0.0.1:${adapter.address?.port}/slack/events`, 'secret');
  let counter = 0;
  return {
    name: 'slack',
    async run(step) {
      const id = `conv-${++counter}`;
      const user = users[step.speaker];
      const seenBefore = fake.calls.length;
      // Slack escapes mentions in slash commands: `@bob` arrives as `<@U0BOB|bob>`.
      const text = step.line
        .replace(/^\/\S+\s?/, '')
        .replace(/@(alice|bob)\b/g, (_, h: Step['speaker']) => `<@${users[h].id}|${h}>`);
      const command = step.line.split(' ')[0] ?? '/help';
      let blocks: unknown;
      if (step.click) {
        await send.action(slackPayloads.blockAction(user, step.line, `17644.${counter}`, fake.responseUrl(id)));
      } else {
        const response = await send.slashCommand(
          slackPayloads.slashCommand(command, text, user, id, fake.responseUrl(id)),
        );
        const body = await response.text();
        if (body) blocks = (JSON.parse(body) as { blocks: unknown }).blocks;
      }
      if (!blocks)
        blocks = (await fake.waitForCall((c) => c.path === `/response/${id}`, `slack response ${id}`)).payload.blocks;
      if (!step.file) return { text: slackText(blocks as never) };
      // Ephemeral replies cannot carry files: the upload goes to the member's DM.
      const after = (c: SlackCall) => fake.calls.indexOf(c) >= seenBefore;
      const complete = await fake.waitForCall(
        (c) => c.method === 'files.completeUploadExternal' && after(c),
        `slack upload for ${step.line}`,
      );
      const [uploaded] = JSON.parse(String(complete.payload.files)) as Array<{ id: string }>;
      const bytes = fake.calls.find((c) => c.method === 'upload' && c.path === `/upload/${uploaded?.id}`);
      const named = fake.calls.find((c) => c.method === 'files.getUploadURLExternal' && after(c));
      return {
        text: slackText(blocks as never),
        file: { name: String(named?.payload.filename), data: bytes?.payload.data as Buffer },
      };
    },
    async stop() {
      await adapter.stop();
      await fake.close();
    },
  };
}

export async function discordDriver(app: TestApp): Promise<Driver> {
  const fake = await startFakeDiscord();
  const adapter = await startDiscord(
    app.core,
    {
      token: fake.token,
      applicationId: FAKE_APP_ID,
      apiUrl: fake.apiUrl,
      rest: { retries: 0, timeout: 2_000 },
      waitGuildTimeout: 1_000,
      ackAfterMs: 10_000,
      clock: app.clock,
    },
    silentLogger,
  );
  const users: Record<Step['speaker'], FakeDiscordUser> = {
    alice: { id: '510000000000000001', username: 'alice' },
    bob: { id: '510000000000000002', username: 'bob' },
  };
  const resolved = {
    users: Object.fromEntries(
      Object.values(users).map((u) => [u.id, { ...u, discriminator: '0', avatar: null, global_name: null }]),
    ),
  };
  return {
    name: 'discord',
    async run(step) {
      const member = discordPayloads.member(users[step.speaker]);
      const payload = step.click
        ? discordPayloads.button(step.line, member)
        : discordPayloads.command(step.discord.name, step.discord.options ?? [], member, { resolved });
      fake.dispatch('INTERACTION_CREATE', payload);
      const callback = await fake.waitForRest(
        (c) => c.path === `/api/v10/interactions/${payload.id}/${payload.token}/callback`,
        `discord callback ${step.line}`,
      );
      const body = restJson(callback) as { type: number; data?: Record<string, unknown> };
      if (body.type === 4 && body.data) return { text: discordText(body.data) };
      const webhook = `/api/v10/webhooks/${FAKE_APP_ID}/${payload.token}`;
      const answer: DiscordRestCall = await fake.waitForRest(
        (c) => (c.method === 'PATCH' || c.method === 'POST') && c.path.startsWith(webhook),
        `discord follow-up ${step.line}`,
      );
      const file = answer.body['files[0]'] as unknown as { filename: string; data: Buffer } | undefined;
      return {
        text: discordText(restJson(answer)),
        ...(file ? { file: { name: file.filename, data: file.data } } : {}),
      };
    },
    async stop() {
      await adapter.stop();
      await fake.close();
    },
  };
}
