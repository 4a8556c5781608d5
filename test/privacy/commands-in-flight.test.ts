import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../adapters/storage/schema-source.ts';
import { startTelegram, type TelegramAdapter } from '../../adapters/telegram/adapter.ts';
import { type App, composeApp } from '../../bots/compose.ts';
import { loadConfig } from '../../bots/config.ts';
import { type AppServices, features, install } from '../../bots/features.ts';
import { commandsFor } from '../../core/framework/command.ts';
import { defineFeature } from '../../core/framework/feature.ts';
import { option } from '../../core/framework/options.ts';
import { ManualClock } from '../../core/ports/clock.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { type FakeTelegram, startFakeTelegram, telegramUpdates } from '../fakes/telegram.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

/**
 * A command still being answered is the member's data (ADR 0018): its `ResumableCommand` record holds their platform
 * id, name and words. Poller A claims alice's slow command and is killed before answering (the fake holds A's
 * "typing…": nothing after it runs in A), leaving the record a sweep would answer once A's lease is over. Alice's
 * export lists it; `/privacy forget` on poller B deletes it and finishes its delivery unanswered; past the lease, B's
 * sweep answers nothing, and no log line carries anything of hers. Real composition and telegraf in long-polling mode
 * on one database, SQLite and PostgreSQL, in front of the loopback fake Bot API; time is two manual clocks.
 */
const LEASE_MS = 2 * 60_000;
const CHAT = { id: -100_777, title: 'Night owls' };
const alice = { id: 4_307_719, first_name: 'Alice', last_name: 'Lindqvist', username: 'alice_lq' };
const SECRET_NOTE = 'quitting my job on friday';

const defineCommand = commandsFor<object>();
/** A slow command with the member's own words: acknowledged ("typing…") before it runs, which is where A dies. */
const slowNoteFeature = defineFeature({
  name: 'slownote',
  messages: { en: {}, 'zh-CN': {} },
  services: () => ({}),
  commands: [
    defineCommand({
      name: 'ponder',
      description: { en: 'A slow answer', 'zh-CN': '一个慢回答' },
      permission: 'member',
      options: { note: option.string({ description: { en: 'What to ponder', 'zh-CN': '想什么' }, rest: true }) },
      slow: true,
      async handler({ input }) {
        return { text: `Pondered: ${input.note ?? ''}` };
      },
    }),
  ],
});

/** Every line a process logged, with its bindings: what an operator's log store would hold. */
function recordingLogger(lines: Array<Record<string, unknown>>, bindings: Record<string, unknown> = {}): Logger {
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      lines.push({ level, ...bindings, ...(typeof obj === 'string' ? { msg: obj } : { ...obj, msg }) });
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
  };
}

describe.each(['sqlite', 'postgresql'] satisfies Provider[])(
  'erasing a member’s commands in flight (%s, Telegram long polling)',
  (provider) => {
    let db: TestDatabase;
    let fake: FakeTelegram;
    const started: Array<{ app: App; adapter: TelegramAdapter }> = [];
    const linesOfB: Array<Record<string, unknown>> = [];

    async function poller(clock: ManualClock, log: Logger): Promise<{ app: App; adapter: TelegramAdapter }> {
      const app = (await composeApp({
        config: loadConfig({}),
        log,
        clock,
        database: db,
        features: [...features, install(slowNoteFeature)],
      })) as App;
      const adapter = await startTelegram(
        app.core,
        { token: fake.token, apiRoot: fake.apiRoot, clock, registerCommands: false, resumeEveryMs: 3_600_000 },
        log,
      );
      started.push({ app, adapter });
      return { app, adapter };
    }

    const pondered = () => fake.chatMessages(CHAT.id).filter((text) => text.includes('Pondered'));
    /** B's answer to the update with this id (its reply quotes it). */
    const answerTo = (updateId: number, what: string) =>
      fake.waitForCall(
        (c) =>
          c.method === 'sendMessage' &&
          (c.payload.reply_parameters as { message_id?: number })?.message_id === updateId,
        what,
        8_000,
      );

    beforeAll(async () => {
      db = await createTestDatabase(provider);
      fake = await startFakeTelegram();
    });

    afterAll(async () => {
      await fake?.close(); // releases A's held call: A then runs on as a process that lost its connection would
      for (const { app, adapter } of started.reverse()) {
        await adapter.stop();
        await app.close();
      }
      await db?.drop();
    });

    it('lists the command in the export, erases it on /privacy forget, and no later sweep answers or logs it', async () => {
      const now = new Date();
      await poller(new ManualClock(now.toISOString()), silentLogger); // A
      fake.holdAfterNext('sendChatAction');
      const killed = fake.waitForCall((c) => c.method === 'sendChatAction', 'A’s “typing…”', 8_000);
      const held = fake.nextUpdateId();
      fake.push(telegramUpdates.command(held, CHAT, alice, `/ponder ${SECRET_NOTE}`));
      await killed;

      // The record names whose command it is, as Telegram did, and holds her words.
      const record = await db.prisma.resumableCommand.findFirstOrThrow();
      const { key } = record;
      expect(record).toMatchObject({
        platform: 'telegram',
        spaceId: String(CHAT.id),
        userId: String(alice.id),
        command: `/ponder ${SECRET_NOTE}`,
      });
      expect(record.resume).toContain(SECRET_NOTE);

      // Poller B, half a lease later: handed the unconfirmed update again, it finds A's lease holding and leaves it.
      const clockB = new ManualClock(new Date(now.getTime() + LEASE_MS / 2).toISOString());
      const { app: appB, adapter: b } = await poller(clockB, recordingLogger(linesOfB));
      const help = fake.nextUpdateId();
      fake.push(telegramUpdates.command(help, CHAT, alice, '/help'));
      await answerTo(help, 'B’s answer to /help');
      await appB.core.drain();

      // Her export lists it: the command as she gave it, where and when; not the adapter's record (chat, reply target).
      const row = await db.prisma.member.findFirstOrThrow({ where: { platformUserId: String(alice.id) } });
      const member = await appB.services.members.get(row.id);
      if (!member) throw new Error('no member for alice');
      const exported = await (appB.services as AppServices).privacy.export(member);
      const inFlight = exported.sections.commands_in_flight as Array<Record<string, unknown>>;
      expect(inFlight).toHaveLength(1);
      expect(Object.keys(inFlight[0] ?? {}).sort()).toEqual(['command', 'platform', 'receivedAt']);
      expect(inFlight[0]).toMatchObject({ platform: 'telegram', command: `/ponder ${SECRET_NOTE}` });
      expect(JSON.stringify(inFlight)).not.toContain(String(CHAT.id));

      // She erases her data through B: the record goes, its delivery is finished, unanswered.
      const forget = fake.nextUpdateId();
      fake.push(telegramUpdates.command(forget, CHAT, alice, '/privacy forget yes'));
      const done = await answerTo(forget, 'B’s answer to /privacy forget');
      expect(String(done.payload.text)).toContain('Your data in this community has been erased');
      await appB.core.drain();
      expect(await db.prisma.resumableCommand.count()).toBe(0);
      expect(await db.prisma.processedDelivery.count({ where: { key, finishedAt: null } })).toBe(0);

      // Past A's lease the sweep finds nothing to answer, now or later; a redelivery of the update is a duplicate.
      clockB.advance(LEASE_MS);
      expect(await b.sweepAbandoned()).toBe(0);
      expect(await b.sweepAbandoned()).toBe(0);
      expect(pondered()).toHaveLength(0);
      const claimed = await appB.services.deliveries.claim(key, clockB.now(), new Date(clockB.now().getTime() + 1));
      expect(claimed).toBe('duplicate');

      // Why it was never answered is logged, by its delivery key (beside the key of /privacy forget itself, which B
      // kept at its claim too and answered); nothing of hers is in any line B logged.
      expect(linesOfB).toContainEqual(
        expect.objectContaining({
          msg: 'commands in flight of an erased member dropped unanswered',
          deliveries: expect.arrayContaining([key]),
        }),
      );
      const logged = JSON.stringify(linesOfB);
      for (const personal of [SECRET_NOTE, alice.username, alice.first_name, alice.last_name, String(alice.id)]) {
        expect(logged).not.toContain(personal);
      }
    });

    it('keeps no record of a command whose delivery an erasure has finished (a late acknowledgement)', async () => {
      const { app } = started[started.length - 1] ?? {};
      if (!app) throw new Error('no poller');
      const at = new Date();
      const key = 'telegram:cmd:telegram:late-ack';
      expect(await app.services.deliveries.claim(key, at, new Date(at.getTime() + LEASE_MS))).toBe('first');
      await app.services.deliveries.finish(key, at); // as the erasure finishes it
      const owner = { spaceId: String(CHAT.id), userId: String(alice.id), command: `/ponder ${SECRET_NOTE}` };
      await app.services.deliveries.keepResumable({ key, platform: 'telegram', resume: '{}', ...owner }, at);
      expect(await db.prisma.resumableCommand.count({ where: { key } })).toBe(0);
    });
  },
);
