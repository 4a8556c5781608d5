import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../adapters/storage/schema-source.ts';
import { install } from '../../bots/features.ts';
import { commandsFor } from '../../core/framework/command.ts';
import { defineFeature } from '../../core/framework/feature.ts';
import { ManualClock } from '../../core/ports/clock.ts';
import { type TelegramCall, telegramUpdates } from '../fakes/telegram.ts';
import { startTelegramGateways, type TelegramGateway, type TelegramGateways } from '../support/telegram-gateways.ts';

/**
 * Long polling's crash window for a FAST command (ADR 0018). The slow command of telegram-polling-kill.test.ts has
 * its record kept twice over: at the claim, and again when the dispatcher sends "typing…". A fast command never sends
 * "typing…", so only the claim keeps it (`resume.whenClaimed`). Poller A claims one and is killed with its answer on
 * the way: the fake holds A's sendMessage before carrying it out, so nothing reaches the chat and nothing after the
 * send runs in A. Poller B is handed the unconfirmed update again inside A's lease, cannot run it, and confirms it by
 * polling on; its resume sweep answers it once the lease is over, exactly once. Without the record kept at the claim
 * the command is lost. (A kill after Telegram carried the send out is the window ADR 0018 leaves open: sent twice.)
 */
const LEASE_MS = 2 * 60_000;
/** Far above anything a test run takes: the fast command's "typing…" never comes, whatever the machine's load. */
const TYPING_AFTER_MS = 10 * 60_000;
const CHAT = { id: -100_556, title: 'Fast pollers' };
const alice = { id: 4_302, first_name: 'Alice', username: 'alice' };
const ANSWER = 'Quick answer.';

const defineCommand = commandsFor<object>();
/** A fast command: answered at once, long before "typing…" would be sent. */
const fastFeature = defineFeature({
  name: 'fastanswer',
  messages: { en: {}, 'zh-CN': {} },
  services: () => ({}),
  commands: [
    defineCommand({
      name: 'quick',
      description: { en: 'A quick answer', 'zh-CN': '一个快回答' },
      permission: 'member',
      options: {},
      async handler() {
        return { text: ANSWER };
      },
    }),
  ],
});

/** A sendMessage that answers the member's message `messageId` (sent as a reply to it). */
const answering = (messageId: number) => (call: TelegramCall) =>
  call.method === 'sendMessage' &&
  (call.payload.reply_parameters as { message_id?: number } | undefined)?.message_id === messageId;

describe.each<Provider>(['sqlite', 'postgresql'])(
  'a fast command claimed by a killed Telegram poller (%s, long polling)',
  (provider) => {
    let gateways: TelegramGateways;

    const poller = (clock: ManualClock): Promise<TelegramGateway> =>
      gateways.start({
        clock,
        extraFeatures: [install(fastFeature)],
        telegram: { resumeEveryMs: 3_600_000, ackAfterMs: TYPING_AFTER_MS },
      });
    const answers = () => gateways.fake.chatMessages(CHAT.id).filter((text) => text.includes(ANSWER));

    beforeAll(async () => {
      gateways = await startTelegramGateways(provider);
    });

    // Closing the fake first releases A's held send: A then runs on as a process that lost its connection would.
    afterAll(() => gateways?.close());

    it('is kept from the claim, and answered once the lease is over by the poller Telegram handed it to again, exactly once', async () => {
      const { db, fake } = gateways;
      const now = new Date();
      await poller(new ManualClock(now.toISOString())); // A
      const command = fake.nextUpdateId();
      fake.holdBeforeNext('sendMessage');
      const killed = fake.waitForCall(answering(command), 'A’s answer to /quick', 8_000);
      fake.push(telegramUpdates.command(command, CHAT, alice, '/quick'));
      expect((await killed).notCarriedOut).toBe(true);
      // Killed on its way to Telegram: nothing in the chat, no "typing…" ever sent, and the record kept at the claim.
      expect(answers()).toHaveLength(0);
      expect(fake.calls.filter((c) => c.method === 'sendChatAction')).toHaveLength(0);
      expect(await db.prisma.resumableCommand.count({ where: { platform: 'telegram' } })).toBe(1);

      // B polls from offset 0: Telegram hands it the update A never confirmed, inside A's lease.
      const clockB = new ManualClock(new Date(now.getTime() + LEASE_MS / 2).toISOString());
      const { app: appB, adapter: b } = await poller(clockB);
      // One more update through B: by its answer, B has handled (and will confirm) the redelivered one.
      const marker = fake.nextUpdateId();
      fake.push(telegramUpdates.command(marker, CHAT, alice, '/help'));
      await fake.waitForCall(answering(marker), 'B’s answer to /help', 8_000);
      await appB.core.drain();
      expect(answers()).toHaveLength(0);
      expect(await b.sweepAbandoned()).toBe(0); // A's lease still holds: A might yet be alive

      clockB.advance(LEASE_MS);
      expect(await b.sweepAbandoned()).toBe(1);
      expect(await b.sweepAbandoned()).toBe(0);
      expect(await db.prisma.resumableCommand.count()).toBe(0);
      expect(answers()).toEqual([ANSWER]);
      // Two sends answered the command: A's, which never reached Telegram, and the sweep's, delivered once.
      const sends = fake.calls.filter(answering(command));
      expect(sends.map((c) => c.notCarriedOut ?? false)).toEqual([true, false]);
    });
  },
);
