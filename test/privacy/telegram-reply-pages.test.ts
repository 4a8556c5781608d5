import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../adapters/storage/schema-source.ts';
import { type AppServices, install } from '../../bots/features.ts';
import { ManualClock } from '../../core/ports/clock.ts';
import { longAnswerFeature, paragraph } from '../delivery/long-answer-feature.ts';
import { type FakeTelegram, type FakeTelegramUser, telegramUpdates } from '../fakes/telegram.ts';
import type { TestDatabase } from '../support/database.ts';
import { startTelegramGateways, type TelegramGateway, type TelegramGateways } from '../support/telegram-gateways.ts';

/**
 * A long Telegram answer is kept as pages (ADR 0018) under the member it answered, so `/privacy forget` erases them
 * with the rest of the member's data and `/privacy export` shows them. Real composition, telegraf and webhook
 * listener in front of the loopback fake Bot API; the test plays Telegram (it carries out the method in each 200).
 */
const SECRET = 'hook-secret-privacy-pages';
const CHAT = { id: -100_990, title: 'Readers' };
const alice: FakeTelegramUser = { id: 5_101, first_name: 'Alice', username: 'alice' };
const wang: FakeTelegramUser = { id: 5_102, first_name: '王芳', username: 'wang', language_code: 'zh-CN' };

type Keyboard = Array<Array<{ text: string; callback_data?: string }>>;
const keyboardOf = (call: { payload: Record<string, unknown> } | undefined): Keyboard =>
  (call?.payload.reply_markup as { inline_keyboard?: Keyboard } | undefined)?.inline_keyboard ?? [];

describe.each(['sqlite', 'postgresql'] satisfies Provider[])(
  'erasing a member’s Telegram reply pages (%s)',
  (provider) => {
    let gateways: TelegramGateways;
    let db: TestDatabase;
    let fake: FakeTelegram;
    let gateway: TelegramGateway;
    let nextUpdate = 9_000;
    /** The message each member's long answer was shown in, and its "next page" callback data. */
    const shown = new Map<number, { messageId: number; next: string }>();

    async function deliver(update: object): Promise<unknown> {
      const response = await gateway.postUpdate(update);
      expect(response.status).toBe(200);
      return fake.carryOutWebhookAnswer(await response.text());
    }
    /** The text of the answer Telegram was given in the last webhook 200. */
    const lastAnswer = () => String(fake.calls.filter((c) => c.viaWebhookAnswer).at(-1)?.payload.text);
    const say = (from: FakeTelegramUser, text: string) =>
      deliver(telegramUpdates.command(++nextUpdate, CHAT, from, text)) as Promise<{ message_id?: number } | null>;
    const press = (from: FakeTelegramUser, data: string) =>
      deliver(telegramUpdates.callback(++nextUpdate, CHAT, from, data, shown.get(from.id)?.messageId));
    const lastCallbackAnswer = () => fake.calls.filter((c) => c.method === 'answerCallbackQuery').at(-1)?.payload;
    const edits = () => fake.calls.filter((c) => c.method === 'editMessageText').length;
    /** Member ids, read before the erasure changes the members' platform ids (their rows stay as tombstones). */
    const memberIds = new Map<number, string>();
    const memberOf = async (user: FakeTelegramUser) => {
      const member = await gateway.app.services.members.get(memberIds.get(user.id) ?? '');
      if (!member) throw new Error(`no member for ${user.username}`);
      return member;
    };
    const pagesOf = async (user: FakeTelegramUser) =>
      db.prisma.replyPages.count({ where: { memberId: memberIds.get(user.id) ?? '' } });

    async function readLongAnswer(user: FakeTelegramUser) {
      const result = await say(user, '/chapter');
      const call = fake.calls.filter((c) => c.viaWebhookAnswer && c.method === 'sendMessage').at(-1);
      const turn = keyboardOf(call)[0] ?? [];
      shown.set(user.id, { messageId: Number(result?.message_id), next: turn.at(-1)?.callback_data ?? '' });
      const member = await db.prisma.member.findFirstOrThrow({ where: { platformUserId: String(user.id) } });
      memberIds.set(user.id, member.id);
    }

    beforeAll(async () => {
      gateways = await startTelegramGateways(provider);
      ({ db, fake } = gateways);
      const clock = new ManualClock(new Date().toISOString());
      gateway = await gateways.start({
        clock,
        extraFeatures: [install(longAnswerFeature)],
        webhook: { secretToken: SECRET },
      });
    });

    afterAll(() => gateways?.close());

    it('keeps each long answer’s pages under the member it answered, and shows them in that member’s export', async () => {
      await readLongAnswer(alice);
      await readLongAnswer(wang);
      expect(await pagesOf(alice)).toBe(1);
      expect(await pagesOf(wang)).toBe(1);
      const privacy = (gateway.app.services as AppServices).privacy;
      const exported = await privacy.export(await memberOf(alice));
      const pages = exported.sections.reply_pages as Array<{ pages: string[]; locale: string; expiresAt: Date }>;
      expect(pages).toHaveLength(1);
      expect(pages[0]?.pages).toHaveLength(3);
      expect(pages[0]?.pages[1]).toContain(paragraph(6).slice(0, 12));
      expect(pages[0]?.locale).toBe('en');
      // Only her own: wang's answer is not in alice's export.
      expect((await privacy.export(await memberOf(wang))).sections.reply_pages).toHaveLength(1);
    });

    it('erases the pages with the member’s data; a page button on the old message then says, in English, they expired', async () => {
      await say(alice, '/privacy forget yes');
      expect(lastAnswer()).toContain('Your data in this community has been erased');
      expect(await pagesOf(alice)).toBe(0);
      expect(await pagesOf(wang)).toBe(1); // someone else's pages stay

      const before = edits();
      await press(alice, shown.get(alice.id)?.next ?? '');
      expect(lastCallbackAnswer()).toMatchObject({
        show_alert: true,
        text: 'These pages have expired. Please run the command again.',
      });
      expect(edits()).toBe(before); // the message is left as it is, no error shown
      expect(fake.chatMessages(CHAT.id).some((text) => /error|went wrong/i.test(text))).toBe(false);
    });

    it('erases a Chinese member’s pages too, and answers the old button in Chinese', async () => {
      // Before the erasure the page still turns.
      const before = edits();
      await press(wang, shown.get(wang.id)?.next ?? '');
      expect(edits()).toBe(before + 1);

      await say(wang, '/privacy forget yes');
      expect(lastAnswer()).toContain('你在本社区的数据已删除');
      expect(await db.prisma.replyPages.count()).toBe(0);
      await press(wang, shown.get(wang.id)?.next ?? '');
      expect(lastCallbackAnswer()).toMatchObject({ show_alert: true, text: '这些页面已过期，请重新运行该命令。' });
      expect(edits()).toBe(before + 1);
    });
  },
);
