import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegram, type TelegramAdapter } from '../../adapters/telegram/adapter.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import {
  type FakeTelegram,
  type FakeTelegramUser,
  startFakeTelegram,
  type TelegramCall,
  telegramUpdates,
} from '../fakes/telegram.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/** Telegram Stars through the real telegraf, long polling the loopback Bot API fake, in front of the real app. */
const CHAT = { id: -100_888, title: 'Stars Club' };
const owner: FakeTelegramUser = { id: 5301, first_name: 'owner', username: 'owner', language_code: 'en' };
const alice: FakeTelegramUser = { id: 5302, first_name: 'alice', username: 'alice', language_code: 'en' };
const bob: FakeTelegramUser = { id: 5303, first_name: 'bob', username: 'bob', language_code: 'zh-hans' };
const DAY = 86_400_000;

describe('Telegram Stars: invoice → pre-checkout → successful_payment → access, and refund', () => {
  let app: TestApp;
  let fake: FakeTelegram;
  let adapter: TelegramAdapter;
  let charge = 0;

  async function say(from: FakeTelegramUser, line: string): Promise<TelegramCall> {
    const id = fake.nextUpdateId();
    fake.push(telegramUpdates.command(id, CHAT, from, line));
    return fake.waitForCall(
      (c) => c.method === 'sendMessage' && (c.payload.reply_parameters as { message_id?: number })?.message_id === id,
      `reply to ${line}`,
    );
  }
  const textOf = (call: TelegramCall) => String(call.payload.text ?? '');
  const refOf = (call: TelegramCall) => /#([a-z0-9]{8})/.exec(textOf(call))?.[1] ?? '';
  const linksOf = (call: TelegramCall) =>
    (
      (call.payload.reply_markup as { inline_keyboard?: Array<Array<{ text: string; url?: string }>> })
        ?.inline_keyboard ?? []
    )
      .flat()
      .filter((b) => b.url);

  async function preCheckout(from: FakeTelegramUser, orderId: string, amount: number) {
    const id = fake.nextUpdateId();
    fake.push(telegramUpdates.preCheckout(id, from, orderId, amount));
    return fake.waitForCall(
      (c) => c.method === 'answerPreCheckoutQuery' && c.payload.pre_checkout_query_id === `pcq${id}`,
      'pre-checkout answer',
    );
  }

  async function orderFor(title: string, price: number, model = 'one_off', buyer = alice) {
    await say(owner, `/course add "${title}" ${price} ${model} XTR stars`);
    const course = (await app.db.prisma.course.findFirstOrThrow({ where: { title } })).id;
    const order = refOf(await say(buyer, `/buy ${course}`));
    const full = await app.db.prisma.courseOrder.findFirstOrThrow({ where: { id: { startsWith: order } } });
    return { course, order, id: full.id };
  }

  const entitlementsOf = async (user: FakeTelegramUser, courseRef: string) => {
    const member = await app.db.prisma.member.findFirst({ where: { platformUserId: String(user.id) } });
    return app.db.prisma.entitlement.findMany({
      where: { memberId: member?.id ?? '', courseId: { startsWith: courseRef } },
    });
  };

  beforeAll(async () => {
    app = await createTestApp({ env: { PAYMENTS_FEE_BPS: '1000' } });
    fake = await startFakeTelegram();
    fake.setAdministrators(CHAT.id, [{ user: owner, status: 'creator' }]);
    adapter = await startTelegram(
      app.core,
      {
        token: fake.token,
        apiRoot: fake.apiRoot,
        clock: app.clock,
        registerCommands: false,
        rateLimit: { maxWaitMs: 2_000 },
        stars: { payments: app.services.payments },
      },
      silentLogger,
    );
  });
  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
    await app?.dispose();
  });

  it('sells a course for Stars: one entitlement from a payment delivered twice', async () => {
    const { course, order, id } = await orderFor('Stars Basics', 50);
    const pay = await say(alice, `/pay ${order}`);
    const [link] = linksOf(pay);
    expect(link?.text).toBe('Pay ⭐ 50 Stars');
    expect(link?.url).toMatch(/^https:\/\/t\.me\/\$fakeInvoice\d+$/);
    const invoice = fake.calls.find((c) => c.method === 'createInvoiceLink');
    expect(invoice?.payload).toMatchObject({ payload: id, currency: 'XTR', prices: [{ amount: 50 }] });
    expect(invoice?.payload.subscription_period).toBeUndefined();

    const answer = await preCheckout(alice, id, 50);
    expect(answer.payload).toMatchObject({ ok: true });

    const chargeId = `stars-charge-${++charge}`;
    fake.starTransactions.push({
      id: chargeId,
      amount: 50,
      date: 1_764_400_000,
      source: { type: 'user', user: { id: alice.id }, invoice_payload: id },
    });
    const delivered = telegramUpdates.successfulPayment(fake.nextUpdateId(), alice, id, 50, chargeId);
    fake.push(delivered);
    // Telegram re-delivers the update (its confirmation was lost), and then sends it under another update id.
    fake.push(delivered, true);
    fake.push({ ...delivered, update_id: fake.nextUpdateId() });
    const thanks = await fake.waitForCall(
      (c) => c.method === 'sendMessage' && textOf(c).includes('Payment received'),
      'receipt',
    );
    expect(thanks.payload.chat_id).toBe(alice.id);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await entitlementsOf(alice, course)).toHaveLength(1);
    expect(fake.calls.filter((c) => c.method === 'sendMessage' && textOf(c).includes('Payment received'))).toHaveLength(
      1,
    );
    const payment = await app.db.prisma.payment.findFirstOrThrow({ where: { providerRef: chargeId } });
    expect(payment).toMatchObject({
      provider: 'telegram',
      amountMinor: 50,
      currency: 'XTR',
      payerRef: String(alice.id),
    });
    const entries = await app.db.prisma.moneyEntry.findMany({
      where: { paymentId: payment.id },
      orderBy: { kind: 'desc' },
    });
    expect(entries.map((e) => [e.kind, e.amountMinor])).toEqual([
      ['payment', 50],
      ['fee', -5],
    ]);

    // Already paid: a second pre-checkout for the same order is refused.
    const again = await preCheckout(alice, id, 50);
    expect(again.payload).toMatchObject({
      ok: false,
      error_message: 'This order is already paid: nothing more to pay.',
    });

    // Refund by the creator: refundStarPayment with the charge id, access revoked, the ledger balanced.
    const refunded = await say(owner, `/payments refund ${order}`);
    expect(textOf(refunded)).toContain('refunded through Telegram Stars');
    const call = fake.calls.find((c) => c.method === 'refundStarPayment');
    expect(call?.payload).toMatchObject({ user_id: alice.id, telegram_payment_charge_id: chargeId });
    expect((await entitlementsOf(alice, course))[0]?.revokedAt).not.toBeNull();
    const sum = await app.db.prisma.moneyEntry.aggregate({
      where: { paymentId: payment.id },
      _sum: { amountMinor: true },
    });
    expect(sum._sum.amountMinor).toBe(0);
    // Reconciliation reads the Stars transactions: the refund is there too, nothing is left to look at.
    const [report] = await app.services.payments.reconcile(new Date(0));
    expect(report?.open).toEqual([]);
  });

  it('refuses stale, cancelled, repriced and someone else’s orders at pre-checkout, in the payer’s language', async () => {
    const cancelled = await orderFor('Stars Cancelled', 10);
    await say(owner, `/order cancel ${cancelled.order}`);
    expect((await preCheckout(alice, cancelled.id, 10)).payload).toMatchObject({
      ok: false,
      error_message: expect.stringContaining('cancelled'),
    });

    const other = await orderFor('Stars Someone Else', 11);
    expect((await preCheckout(bob, other.id, 11)).payload).toMatchObject({
      ok: false,
      error_message: expect.stringContaining('其他成员'),
    });
    expect((await preCheckout(alice, other.id, 1)).payload).toMatchObject({
      ok: false,
      error_message: expect.stringContaining('price'),
    });
    expect((await preCheckout(alice, 'no-such-order', 11)).payload).toMatchObject({ ok: false });

    app.clock.advance(8 * DAY);
    expect((await preCheckout(alice, other.id, 11)).payload).toMatchObject({
      ok: false,
      error_message: expect.stringContaining('too old'),
    });
    expect(await entitlementsOf(alice, other.course)).toHaveLength(0);
  });

  it('sells a 30-day subscription with subscription_period and extends it on each recurring payment', async () => {
    const { course, order, id } = await orderFor('Stars Monthly', 100, 'subscription');
    await say(alice, `/pay ${order}`);
    const invoice = fake.calls.filter((c) => c.method === 'createInvoiceLink').at(-1);
    expect(invoice?.payload.subscription_period).toBe(2_592_000);
    const now = Math.floor(app.clock.now().getTime() / 1000);
    const first = `stars-charge-${++charge}`;
    fake.push(
      telegramUpdates.successfulPayment(fake.nextUpdateId(), alice, id, 100, first, {
        is_recurring: true,
        is_first_recurring: true,
        subscription_expiration_date: now + 30 * 86_400,
      }),
    );
    const receipt = (c: TelegramCall) =>
      c.method === 'sendMessage' && textOf(c).startsWith('Payment received') && textOf(c).includes('Stars Monthly');
    await fake.waitForCall(receipt, 'receipt');
    expect((await entitlementsOf(alice, course))[0]?.expiresAt?.getTime()).toBe((now + 30 * 86_400) * 1000);
    const renewal = `stars-charge-${++charge}`;
    fake.push(
      telegramUpdates.successfulPayment(fake.nextUpdateId(), alice, id, 100, renewal, {
        is_recurring: true,
        is_first_recurring: false,
        subscription_expiration_date: now + 60 * 86_400,
      }),
    );
    await fake.waitForCalls(receipt, 2, 'renewal receipt');
    const owned = await entitlementsOf(alice, course);
    expect(owned).toHaveLength(1);
    expect(owned[0]?.expiresAt?.getTime()).toBe((now + 60 * 86_400) * 1000);
  });
});
