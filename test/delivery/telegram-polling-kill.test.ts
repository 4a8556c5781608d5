import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { install } from '../../bots/features.ts';
import { commandsFor } from '../../core/framework/command.ts';
import { defineFeature } from '../../core/framework/feature.ts';
import { ManualClock } from '../../core/ports/clock.ts';
import { telegramUpdates } from '../fakes/telegram.ts';
import { startTelegramGateways, type TelegramGateway, type TelegramGateways } from '../support/telegram-gateways.ts';

/**
 * Long polling's crash window (ADR 0018). Telegram confirms an update only when the poller asks for the ones after
 * it. Poller A claims a command and is killed before answering (the fake holds A's "typing…" call: nothing after it
 * runs in A). Poller B starts and is handed the unconfirmed update again, while A's lease (2 minutes) still holds:
 * it cannot run it yet, and asking for the next updates confirms it. Before this, the command was lost there; now A
 * kept its record at the claim, and B's resume sweep answers it once the lease is over, exactly once.
 * Real composition and telegraf on one PostgreSQL, in front of the loopback fake Bot API; time is two manual clocks.
 */
const LEASE_MS = 2 * 60_000;
const CHAT = { id: -100_555, title: 'Pollers' };
const alice = { id: 4_301, first_name: 'Alice', username: 'alice' };

const defineCommand = commandsFor<object>();
/** A slow command: acknowledged ("typing…") before it runs, which is where the test kills A. */
const slowFeature = defineFeature({
  name: 'slowanswer',
  messages: { en: {}, 'zh-CN': {} },
  services: () => ({}),
  commands: [
    defineCommand({
      name: 'ponder',
      description: { en: 'A slow answer', 'zh-CN': '一个慢回答' },
      permission: 'member',
      options: {},
      slow: true,
      async handler() {
        return { text: 'Pondered.' };
      },
    }),
  ],
});

describe('a command claimed by a killed Telegram poller (PostgreSQL, long polling)', () => {
  let gateways: TelegramGateways;

  const poller = (clock: ManualClock): Promise<TelegramGateway> =>
    gateways.start({ clock, extraFeatures: [install(slowFeature)], telegram: { resumeEveryMs: 3_600_000 } });
  const answers = () => gateways.fake.chatMessages(CHAT.id).filter((text) => text.includes('Pondered.'));

  beforeAll(async () => {
    gateways = await startTelegramGateways('postgresql');
  });

  // Closing the fake first releases A's held call: A then runs on as a process that lost its connection would.
  afterAll(() => gateways?.close());

  it('answers it once the lease is over, on the poller Telegram handed it to again, exactly once', async () => {
    const { db, fake } = gateways;
    const now = new Date();
    await poller(new ManualClock(now.toISOString())); // A
    fake.holdAfterNext('sendChatAction');
    const killed = fake.waitForCall((c) => c.method === 'sendChatAction', 'A’s “typing…”', 8_000);
    fake.push(telegramUpdates.command(fake.nextUpdateId(), CHAT, alice, '/ponder'));
    await killed;
    expect(await db.prisma.resumableCommand.count({ where: { platform: 'telegram' } })).toBe(1);

    // B polls from offset 0: Telegram hands it the update A never confirmed, inside A's lease.
    const clockB = new ManualClock(new Date(now.getTime() + LEASE_MS / 2).toISOString());
    const { app: appB, adapter: b } = await poller(clockB);
    // One more update through B: by its answer, B has handled (and will confirm) the redelivered one.
    const marker = fake.nextUpdateId();
    fake.push(telegramUpdates.command(marker, CHAT, alice, '/help'));
    await fake.waitForCall(
      (c) =>
        c.method === 'sendMessage' && (c.payload.reply_parameters as { message_id?: number })?.message_id === marker,
      'B’s answer to /help',
      8_000,
    );
    await appB.core.drain();
    expect(answers()).toHaveLength(0);
    expect(await b.sweepAbandoned()).toBe(0); // A's lease still holds: A might yet be alive

    clockB.advance(LEASE_MS);
    expect(await b.sweepAbandoned()).toBe(1);
    expect(answers()).toHaveLength(1);
    expect(await b.sweepAbandoned()).toBe(0);
    expect(await db.prisma.resumableCommand.count()).toBe(0);
    expect(answers()).toHaveLength(1);
  });
});
