import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { install } from '../../bots/features.ts';
import { ManualClock } from '../../core/ports/clock.ts';
import { type FakeTelegram, telegramUpdates } from '../fakes/telegram.ts';
import type { TestDatabase } from '../support/database.ts';
import { startTelegramGateways, type TelegramGateway, type TelegramGateways } from '../support/telegram-gateways.ts';
import { LONG_PARAGRAPHS, longAnswerFeature, paragraph } from './long-answer-feature.ts';

/**
 * ADR 0018's last Telegram window: an answer longer than one message went through the Bot API, so a gateway killed
 * between the send and the delivery mark sent it again once the lease was over. Every answer is now one message, the
 * one written as the webhook's 200, and longer ones are turned page by page in place. Two real gateways (composition,
 * telegraf, webhook listener) on one PostgreSQL in front of the loopback fake Bot API; "Telegram" is the test:
 * it carries out a method given in a 200 and redelivers an update whose webhook got no 200.
 */
const LEASE_MS = 2 * 60_000;
const SECRET = 'hook-secret-pages';
const CHAT = { id: -100_777, title: 'Readers' };
const alice = { id: 4_201, first_name: 'Alice', username: 'alice' };

type Keyboard = Array<Array<{ text: string; callback_data?: string; url?: string }>>;
/** The inline keyboard a Bot API call carried (none: empty). */
const keyboardOf = (call: { payload: Record<string, unknown> } | undefined): Keyboard =>
  (call?.payload.reply_markup as { inline_keyboard?: Keyboard } | undefined)?.inline_keyboard ?? [];

describe('a Telegram answer longer than one message (PostgreSQL, webhook)', () => {
  let gateways: TelegramGateways;
  let db: TestDatabase;
  let fake: FakeTelegram;

  const startGateway = (clock: ManualClock): Promise<TelegramGateway> =>
    gateways.start({ clock, extraFeatures: [install(longAnswerFeature)], webhook: { secretToken: SECRET } });

  /**
   * One webhook delivery as Telegram makes it: the 200's method is carried out. `died` resolves when the gateway
   * is to be taken as killed (its request is then dropped unanswered, so Telegram will deliver the update again).
   */
  async function deliver(gateway: TelegramGateway, update: object, died?: Promise<unknown>) {
    const abort = new AbortController();
    const response = gateway.postUpdate(update, abort.signal);
    const first = await Promise.race([response, ...(died ? [died.then(() => null)] : [])]);
    if (!first) {
      abort.abort();
      await response.catch(() => undefined);
      return { delivered: false as const, result: null };
    }
    const body = await first.text();
    if (first.status !== 200) return { delivered: false as const, result: null };
    return { delivered: true as const, result: (await fake.carryOutWebhookAnswer(body)) as { message_id?: number } };
  }

  beforeAll(async () => {
    gateways = await startTelegramGateways('postgresql');
    ({ db, fake } = gateways);
  });

  // Closing the fake first releases a held send: the "killed" gateway then finishes as one whose send failed.
  afterAll(() => gateways?.close());

  it('shows the member one message when the gateway is killed right after answering, redelivery or not', async () => {
    const now = new Date();
    const clockA = new ManualClock(now.toISOString());
    const a = await startGateway(clockA);
    const clockB = new ManualClock(new Date(now.getTime() + LEASE_MS + 1_000).toISOString());
    const b = await startGateway(clockB);

    // A is killed the instant its first Bot API send is carried out (before the delivery is marked answered).
    fake.holdAfterNext('sendMessage');
    const sentByA = fake.waitForCall((c) => c.method === 'sendMessage' && !c.viaWebhookAnswer, 'A’s send', 8_000);
    sentByA.catch(() => undefined);
    const update = telegramUpdates.command(7_001, CHAT, alice, '/chapter');
    const first = await deliver(a, update, sentByA);
    // No 200 reached Telegram: it delivers the update again, and B (past A's lease) runs it.
    if (!first.delivered) await deliver(b, update);

    const shown = fake.chatMessages(CHAT.id);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toContain('Paragraph 1.');
    // Exactly once, again: a late redelivery of the same update adds nothing.
    await deliver(b, update);
    expect(fake.chatMessages(CHAT.id)).toHaveLength(1);
  });

  describe('pages', () => {
    let gateway: TelegramGateway;
    let clock: ManualClock;
    const chat = { id: -100_778, title: 'Pages' };
    let messageId = 0;
    let keyboard: Keyboard = [];
    let nextUpdate = 8_000;

    const press = async (data: string, from: typeof alice & { language_code?: string } = alice) =>
      deliver(gateway, telegramUpdates.callback(++nextUpdate, chat, from, data, messageId));
    const lastEdit = () => fake.calls.filter((c) => c.method === 'editMessageText').at(-1);
    const button = (text: string) => keyboard[0]?.find((b) => b.text === text)?.callback_data ?? '';

    beforeAll(async () => {
      clock = new ManualClock(new Date().toISOString());
      gateway = await startGateway(clock);
    });

    it('answers with the first page and its buttons in the webhook’s 200, sending nothing through the Bot API', async () => {
      const before = fake.calls.filter((c) => c.method === 'sendMessage' && !c.viaWebhookAnswer).length;
      const { delivered, result } = await deliver(
        gateway,
        telegramUpdates.command(++nextUpdate, chat, alice, '/chapter'),
      );
      expect(delivered).toBe(true);
      messageId = Number(result?.message_id);
      const call = fake.calls.filter((c) => c.method === 'sendMessage' && c.viaWebhookAnswer).at(-1);
      const text = String(call?.payload.text);
      expect(text.length).toBeLessThanOrEqual(4096);
      expect(text).toContain('Paragraph 1.');
      expect(text).not.toContain(`Paragraph ${LONG_PARAGRAPHS}.`);
      keyboard = keyboardOf(call);
      expect(keyboard[0]?.map((b) => b.text)).toEqual(['1/3', '▶ next']);
      for (const row of keyboard)
        for (const b of row) if (b.callback_data) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
      // The reply's own button stays under the page buttons.
      expect(keyboard[1]).toEqual([{ text: 'Open site', url: 'https://example.test/chapter' }]);
      expect(fake.calls.filter((c) => c.method === 'sendMessage' && !c.viaWebhookAnswer)).toHaveLength(before);
      expect(fake.chatMessages(chat.id)).toHaveLength(1);
    });

    it('turns to the next page and back by editing the same message', async () => {
      await press(button('▶ next'));
      expect(String(lastEdit()?.payload.text)).toContain(paragraph(6).slice(0, 12));
      expect(fake.chatMessages(chat.id)).toHaveLength(1);
      expect(fake.chatMessages(chat.id)[0]).not.toContain('Paragraph 1.');
      keyboard = keyboardOf(lastEdit());
      expect(keyboard[0]?.map((b) => b.text)).toEqual(['◀ prev', '2/3', '▶ next']);

      await press(button('◀ prev'));
      expect(fake.chatMessages(chat.id)).toEqual([expect.stringContaining('Paragraph 1.')]);
    });

    it('takes a duplicate press (or a redelivered one) as done: same message, no error shown', async () => {
      const data = button('▶ next');
      await press(data);
      const edits = fake.calls.filter((c) => c.method === 'editMessageText').length;
      const shownOnce = fake.chatMessages(chat.id);
      const again = await press(data); // Telegram answers "message is not modified"
      expect(again.delivered).toBe(true);
      expect(fake.calls.filter((c) => c.method === 'editMessageText')).toHaveLength(edits + 1);
      expect(fake.chatMessages(chat.id)).toEqual(shownOnce);
      const answered = fake.calls.filter((c) => c.method === 'answerCallbackQuery').at(-1);
      expect(answered?.payload.show_alert).toBeUndefined();
    });

    it('says politely, in the member’s language, that expired pages are gone, and leaves the message as it is', async () => {
      const shown = fake.chatMessages(chat.id);
      const edits = fake.calls.filter((c) => c.method === 'editMessageText').length;
      clock.advance(24 * 3_600_000 + 1_000);
      await press(button('◀ prev'));
      expect(fake.calls.filter((c) => c.method === 'answerCallbackQuery').at(-1)?.payload).toMatchObject({
        show_alert: true,
        text: 'These pages have expired. Please run the command again.',
      });
      await press(button('◀ prev'), { ...alice, language_code: 'zh-hans' });
      expect(fake.calls.filter((c) => c.method === 'answerCallbackQuery').at(-1)?.payload.text).toBe(
        '这些页面已过期，请重新运行该命令。',
      );
      expect(fake.calls.filter((c) => c.method === 'editMessageText')).toHaveLength(edits);
      expect(fake.chatMessages(chat.id)).toEqual(shown);
    });

    it('sweeps expired pages when new ones are kept', async () => {
      expect(await db.prisma.replyPages.count()).toBeGreaterThan(0);
      await deliver(gateway, telegramUpdates.command(++nextUpdate, chat, alice, '/chapter'));
      // Only the new answer's pages are left (the first test's and the expired ones are older than a day now).
      expect(await db.prisma.replyPages.count()).toBe(1);
    });
  });
});
