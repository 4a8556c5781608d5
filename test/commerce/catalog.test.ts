import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaCommerceStore } from '../../adapters/storage/commerce-store.ts';
import { isShortId, shortIdFor } from '../../core/domain/short-id.ts';
import type { Member } from '../../core/domain/types.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const DAY = 86_400_000;
const refOf = (output: string | undefined) => /#([a-z0-9]{8,25})\b/.exec(output ?? '')?.[1] ?? '';

describe('the catalogue in the console sandbox', () => {
  let app: TestApp;
  let demo: string;
  const say = async (line: string) => (await app.console.run(line))!;
  const member = async (handle: string): Promise<Member> => (await app.services.members.findByHandle(demo, handle))!;
  const add = async (line: string) => refOf((await say(`@creator /course add ${line}`)).output);
  const direct = (handle: string) => app.outbox.posts.filter((p) => p.target.channelId === `@${handle}`);

  beforeAll(async () => {
    app = await createTestApp({ demo: true });
    demo = app.demoCommunityId!;
  }, 120_000);
  afterAll(async () => {
    await app.dispose();
  });

  it('gives every course a short unique id that /course show finds, ten in a row and across the demo', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 10; i++) {
      const added = await say(`@creator /course add "Test Course ${i}" 99 one_off USD`);
      expect(added.status).toBe('ok');
      ids.push(refOf(added.output));
    }
    expect(new Set(ids).size).toBe(10);
    for (const [i, id] of ids.entries()) {
      expect(isShortId(id), id).toBe(true);
      const shown = await say(`/course show ${id}`);
      expect(shown.status).toBe('ok');
      expect(shown.output).toContain(`Test Course ${i + 1}`);
      expect(shown.output).toContain(`#${id}`);
      // The card's id is the one every command takes, with or without its #.
      expect((await say(`/course show #${id}`)).status).toBe('ok');
    }
    const demoIds = (await app.services.courses.list(demo)).map((c) => c.id);
    expect(new Set(demoIds).size).toBe(demoIds.length);
    expect(demoIds.every(isShortId)).toBe(true);
    expect((await say('/course show zzzzzzzz')).status).toBe('COURSE_UNKNOWN');
  });

  it('keys a course and a promotion by the delivery, so a delivery run again makes no second one', async () => {
    const creator = await member('creator');
    const community = (await app.services.communities.get(demo))!;
    const draft = {
      id: shortIdFor('course:replay'),
      communityId: demo,
      creatorId: creator.id,
      title: 'Replayed',
      description: '',
      tags: [],
      language: 'en',
      priceMinor: 100,
      currency: 'USD',
      paymentModel: 'one_off' as const,
    };
    const first = await app.services.courses.create(draft);
    const again = await app.services.courses.create(draft);
    expect(again.id).toBe(first.id);
    // Another course whose derived id happens to be taken gets a fresh random one.
    const other = await app.services.courses.create({ ...draft, title: 'Other' });
    expect(other.id).not.toBe(first.id);
    const mod = await member('mod');
    const a = await app.services.promotions.request(community, mod, first, 'general', app.clock.now(), 'delivery-1');
    const b = await app.services.promotions.request(community, mod, first, 'general', app.clock.now(), 'delivery-1');
    expect(b.promotion.id).toBe(a.promotion.id);
    expect(await app.db.prisma.coursePromotion.count({ where: { courseId: first.id } })).toBe(1);
  });

  it('takes ISO 4217 currencies and Telegram Stars, and refuses the rest in the member’s language', async () => {
    const bad = await say('@creator /course add X 10 one_off XYZ');
    expect(bad.status).toBe('CURRENCY_INVALID');
    expect(bad.output).toContain('“XYZ” is not a currency code');
    const stars = await add('"Star Course" 250 one_off XTR');
    expect((await say(`/course show ${stars}`)).output).toContain('⭐ 250');
    expect((await say('@creator /course add X 2.5 one_off XTR')).status).toBe('PRICE_INVALID');
    await app.services.members.setRole((await member('li')).id, 'creator');
    const zh = await say('@li /course add 课程 10 one_off ABC');
    expect(zh.status).toBe('CURRENCY_INVALID');
    expect(zh.output).toContain('“ABC”不是货币代码');
    const course = (await app.services.courses.get(stars))!;
    expect(course.priceMinor).toBe(250);
  });

  it('labels promotion cards, only in opened channels, within the weekly quota', async () => {
    const course = await add('"Promo Course" 49 one_off USD');
    const card = await say(`@creator /course promote ${course}`);
    expect(card.status).toBe('ok');
    expect(card.output).toContain('[Paid] New from Dr. Lin: Promo Course');
    await say('@creator /language zh-CN');
    const zh = await say(`@creator /course promote ${course}`);
    expect(zh.output).toContain('[付费] Dr. Lin 的新课程: Promo Course');
    await say('@creator /language en');

    // A moderator closes #general: creators are told where they may promote (nowhere yet).
    expect((await say('@alice /promo deny')).status).toBe('PERMISSION_DENIED');
    expect((await say('@mod /promo deny')).output).toContain('closed in #general');
    const closed = await say(`@creator /course promote ${course}`);
    expect(closed.status).toBe('PROMO_CHANNEL_CLOSED');
    expect(closed.output).toContain('Ask a moderator to run /promo allow');
    expect((await say(`@mod /course promote ${course}`)).output).toContain('Open this one with /promo allow');

    // Reopened with a quota of 3 a week: two cards were posted already, so the fourth this week is refused; a week
    // later it is fine.
    await say('@mod /promo allow quota:3');
    expect((await say(`@creator /course promote ${course}`)).status).toBe('ok');
    const over = await say(`@creator /course promote ${course}`);
    expect(over.status).toBe('PROMO_QUOTA');
    expect(over.output).toContain('this week’s promotion quota in #general (3 per creator)');
    app.clock.advance(7 * DAY + 1000);
    expect((await say(`@creator /course promote ${course}`)).status).toBe('ok');

    // With approval on, a card waits; the moderator approves it and it is posted in #general.
    await say('@mod /promo allow approval:true quota:5');
    const waiting = await say(`@creator /course promote ${course}`);
    expect(waiting.output).toContain('waits for a moderator’s approval');
    // A creator sees the queue; only a moderator gets the approve and reject buttons.
    expect((await say('@creator /promo list')).reply!.buttons ?? []).toHaveLength(0);
    const list = await say('@mod /promo list');
    expect(list.reply!.buttons!.map((b) => b.action!.split(' ').slice(0, 2).join(' '))).toEqual([
      '/promo approve',
      '/promo reject',
    ]);
    expect(list.output).toContain('Promo Course');
    const approved = await say('!1');
    expect(approved.output).toContain('approved and posted in #general');
    const posted = app.outbox.posts.at(-1)!;
    expect(posted.target.channelId).toBe('general');
    expect(posted.text).toContain('[Paid]');
    expect((await say(`@mod ${list.reply!.buttons![0]!.action}`)).status).toBe('PROMO_DECIDED');
    await say('@mod /promo allow approval:false quota:5');
  });

  it('counts clicks and orders from a card and shows the funnel with revenue per currency and a chart', async () => {
    const course = await add('"Funnel Course" 20 one_off EUR');
    const card = await say(`@creator /course promote ${course}`);
    const buy = card.reply!.buttons!.find((b) => b.action?.startsWith('/buy'))!.action!;
    const details = card.reply!.buttons!.find((b) => b.action?.startsWith('/course show'))!.action!;
    expect(buy).toMatch(/ from:[a-z0-9]{8}$/);
    await say(`@maya ${details}`);
    await say(`@alice ${buy}`);
    await say(`@bob ${buy}`);
    // A forged from: (another course's promotion, or none at all) counts nothing.
    await say(`@chen /course show ${course} from:zzzzzzzz`);
    const orders = await app.services.commerce.listOrders(demo, {
      courseIds: [(await app.services.courses.get(course))!.id],
    });
    expect(orders.every((o) => o.promotionId !== null)).toBe(true);
    await say(`@creator /order confirm ${orders[0]!.id}`);
    await say(`@creator /order confirm ${orders[1]!.id}`);
    await app.services.commerce.refundOrder(demo, orders[1]!.id, app.clock.now());

    const stats = await say('@creator /creator stats 7d');
    expect(stats.status).toBe('ok');
    expect(stats.output).toContain('Impressions → ');
    const row = stats.reply!.items!.find((i) => i.title === 'Funnel Course')!;
    // 1 impression → 3 clicks (details, two buys) → 2 orders → 2 paid → 1 refunded.
    expect(row.description).toBe('1 → 3 → 2 → 2 → 1');
    expect(stats.output).toContain('€20.00');
    expect(Array.from(stats.reply!.image!.png.slice(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    await say('@creator /language zh-CN');
    const zh = await say('@creator /creator stats');
    expect(zh.output).toContain('曝光 → ');
    expect(zh.output).toContain('净收入');
    await say('@creator /language en');
    expect((await say('@alice /creator stats')).status).toBe('PERMISSION_DENIED');
  });

  it('shows members their own orders with receipts, and lets them cancel while unpaid', async () => {
    const course = await add('"Orders Course" 30 one_off USD');
    const other = await add('"Second Course" 12 one_off USD');
    await say(`@newbie /buy ${course}`);
    app.clock.advance(1000);
    await say(`@newbie /buy ${other}`);
    const mine = await say('@newbie /orders');
    expect(mine.status).toBe('ok');
    expect(mine.output).toContain('Your orders');
    expect(mine.output).toContain('Orders Course');
    expect(mine.output).toContain('pending');
    expect(mine.output).toContain('Cancel #');
    const [first] = await app.services.commerce.listOrders(demo, {
      memberId: (await member('newbie')).id,
      status: 'pending',
    });
    // Somebody else's order cannot be cancelled by a member.
    expect((await say(`@alice /order cancel ${first!.id}`)).status).toBe('NOT_COURSE_OWNER');
    expect((await say(`@newbie /order receipt ${first!.id}`)).status).toBe('RECEIPT_UNPAID');
    expect((await say(`@newbie /order cancel ${first!.id}`)).output).toContain('is cancelled');
    const pending = (
      await app.services.commerce.listOrders(demo, { memberId: (await member('newbie')).id, status: 'pending' })
    )[0]!;
    await say(`@creator /order confirm ${pending.id}`);
    const receipt = await say(`@newbie /order receipt ${pending.id.slice(0, 8)}`);
    expect(receipt.output).toContain('Receipt');
    expect(receipt.output).toContain('Orders Course');
    expect(receipt.output).toContain('$30.00');
    expect((await say(`@alice /order receipt ${pending.id}`)).status).toBe('NOT_BUYER');
    // A creator still sees the orders for their courses; mine:true shows their own.
    expect((await say('@creator /orders status:paid')).output).toContain('New Member');
    expect((await say('@creator /orders mine:true')).output).toContain('no orders');
    const zh = await say('@wang /orders');
    expect(zh.output).toContain('你还没有订单');
  });

  it('tells members before a renewal and when access ends, once, in their language', async () => {
    const course = await add('"Monthly Club" 9 subscription USD');
    await say(`@creator /course access ${course} role:role-club days:30`);
    const chen = await member('chen');
    await say(`@chen /buy ${course}`);
    const [order] = await app.services.commerce.listOrders(demo, { memberId: chen.id, status: 'pending' });
    await say(`@creator /order confirm ${order!.id}`);
    app.clock.advance(28 * DAY);
    const run = async () => {
      await app.services.commerce.queueRenewalReminders(app.clock.now());
      await app.services.commerce.endExpiredAccess(app.clock.now());
      return app.services.notices.deliverDue(app.clock.now());
    };
    expect((await run()).sent).toBe(1);
    expect((await run()).sent).toBe(0);
    const [reminder] = direct('chen');
    expect(reminder!.text).toContain('续费提醒');
    expect(reminder!.text).toContain('Monthly Club');
    app.clock.advance(3 * DAY);
    expect((await run()).sent).toBe(1);
    expect(direct('chen').at(-1)!.text).toContain('访问权限已到期');
    expect(app.unlocks.log.at(-1)).toMatchObject({
      action: 'revoke',
      target: { platformUserId: 'chen', roleId: 'role-club' },
    });
    expect((await run()).sent).toBe(0);
    expect(direct('chen')).toHaveLength(2);
    // A provider renews the same entitlement for another period: its end gets its own reminder and ending.
    await app.services.commerce.setPaidUntil(order!.id, new Date(app.clock.now().getTime() + 30 * DAY));
    app.clock.advance(28 * DAY);
    expect((await run()).sent).toBe(1);
    expect(direct('chen').at(-1)!.text).toContain('续费提醒');
    app.clock.advance(3 * DAY);
    expect((await run()).sent).toBe(1);
    expect(direct('chen').at(-1)!.text).toContain('访问权限已到期');
  });

  it('runs a free trial once per member, and ends it with a message', async () => {
    const course = await add('"Trial Club" 15 subscription USD');
    expect((await say(`@maya /trial ${course}`)).status).toBe('NO_TRIAL');
    await say(`@creator /course access ${course} trial:7`);
    const shown = await say(`@maya /course show ${course}`);
    expect(shown.output).toContain('Try 7 days free');
    expect((await say('!2')).output).toContain('free trial of “Trial Club” runs until');
    expect((await say(`@maya /trial ${course}`)).status).toBe('ALREADY_OWNED');
    app.clock.advance(8 * DAY);
    await app.services.commerce.endExpiredAccess(app.clock.now());
    await app.services.notices.deliverDue(app.clock.now());
    expect(direct('maya').at(-1)!.text).toContain('free trial of “Trial Club” has ended');
    expect((await say(`@maya /trial ${course}`)).status).toBe('TRIAL_USED');
    // The paid period after a trial starts from the purchase, not from the trial's end.
    await say(`@maya /buy ${course}`);
    const [order] = await app.services.commerce.listOrders(demo, {
      memberId: (await member('maya')).id,
      status: 'pending',
    });
    const { entitlement } = await app.services.commerce.fulfilOrder(demo, order!.id, app.clock.now());
    expect(entitlement!.expiresAt!.getTime() - app.clock.now().getTime()).toBe(30 * DAY);
  });

  it('applies coupons: percent or fixed, expiry, usage cap, first purchase only', async () => {
    const course = await add('"Coupon Course" 100 one_off USD');
    const cheap = await add('"Cheap Course" 10 one_off USD');
    const made = await say(`@creator /coupon create launch 25% course:${course} uses:1 expires:30d`);
    expect(made.output).toContain('Coupon LAUNCH: 25% off “Coupon Course”');
    expect((await say('@creator /coupon create launch 5')).status).toBe('COUPON_CODE_TAKEN');
    expect((await say('@creator /coupon create x! 5')).status).toBe('COUPON_CODE_INVALID');
    expect((await say('@creator /coupon create BIG 101%')).status).toBe('COUPON_OFF_INVALID');
    expect((await say('@creator /coupon create OLD 5 expires:2020-01-01')).status).toBe('COUPON_EXPIRY_INVALID');

    const used = await say(`@alice /buy ${course} coupon:launch`);
    expect(used.output).toContain('$75.00');
    expect(used.output).toContain('takes $25.00 off');
    expect((await say(`@bob /buy ${course} coupon:LAUNCH`)).status).toBe('COUPON_USED_UP');
    expect((await say(`@bob /buy ${cheap} coupon:LAUNCH`)).status).toBe('COUPON_OTHER_COURSE');
    // Alice cancels: the use comes back and Bob can have it.
    const [order] = await app.services.commerce.listOrders(demo, {
      memberId: (await member('alice')).id,
      status: 'pending',
    });
    await say(`@alice /order cancel ${order!.id}`);
    expect((await say(`@bob /buy ${course} coupon:LAUNCH`)).output).toContain('$75.00');
    const [bobs] = await app.services.commerce.listOrders(demo, {
      memberId: (await member('bob')).id,
      status: 'pending',
    });
    expect(bobs!.amountMinor).toBe(7500);
    expect(bobs!.discountMinor).toBe(2500);
    await say(`@creator /order confirm ${bobs!.id}`);

    await say('@creator /coupon create WELCOME 3 first:true currency:USD');
    // Bob has paid before: first-purchase coupons are not for him; Wang has never paid.
    expect((await say(`@bob /buy ${cheap} coupon:WELCOME`)).status).toBe('COUPON_FIRST_ONLY');
    const zh = await say(`@wang /buy ${cheap} coupon:WELCOME`);
    expect(zh.output).toContain('US$7.00');
    await say('@creator /coupon create SOON 10% expires:1d');
    app.clock.advance(2 * DAY);
    expect((await say(`@li /buy ${cheap} coupon:SOON`)).status).toBe('COUPON_EXPIRED');
    expect((await say(`@li /buy ${cheap} coupon:NOPE`)).status).toBe('COUPON_UNKNOWN');
    // A coupon worth the whole price pays the order at once.
    await say('@creator /coupon create GIFT 100%');
    expect((await say(`@newbie /buy ${cheap} coupon:GIFT`)).output).toContain('covers the whole price');
    expect((await say('@creator /coupons')).output).toContain('LAUNCH');
  });

  it('keeps a course granted twice as one entitlement and one line in /mycourses', async () => {
    const course = await add('"Gift Course" 40 one_off USD');
    await say(`@creator /course grant @wang ${course}`);
    expect((await say(`@creator /course grant @wang ${course}`)).output).toContain('already has “Gift Course”');
    // A timed course granted twice while the first grant runs is one entitlement too.
    const club = await add('"Gift Club" 10 subscription USD');
    await say(`@creator /course grant @wang ${club}`);
    await say(`@creator /course grant @wang ${club}`);
    expect(
      (await app.services.commerce.entitlements(await member('wang'))).filter((e) => e.courseId === club),
    ).toHaveLength(1);
    const wang = await member('wang');
    const held = (await app.services.commerce.entitlements(wang)).filter((e) => e.courseId === course);
    expect(held).toHaveLength(1);
    const mine = await say('@wang /mycourses');
    expect(mine.output.match(/Gift Course/g)).toHaveLength(1);
  });

  it('lets payment providers fulfil, cancel and refund by order id, each once', async () => {
    const course = await add('"Provider Course" 50 one_off USD');
    await say(`@creator /course access ${course} role:role-provider`);
    await say(`@li /buy ${course}`);
    const li = await member('li');
    const [order] = await app.services.commerce.listOrders(demo, { memberId: li.id, courseIds: [course] });
    const first = await app.services.commerce.fulfilOrder(demo, order!.id, app.clock.now());
    const again = await app.services.commerce.fulfilOrder(demo, order!.id, app.clock.now());
    expect(first.fulfilled).toBe(true);
    expect(again.fulfilled).toBe(false);
    expect(again.entitlement!.id).toBe(first.entitlement!.id);
    expect((await app.services.commerce.entitlements(li)).filter((e) => e.courseId === course)).toHaveLength(1);
    expect((await app.services.commerce.refundOrder(demo, order!.id, app.clock.now())).revoked).toBe(true);
    expect((await app.services.commerce.refundOrder(demo, order!.id, app.clock.now())).revoked).toBe(false);
    expect(await app.services.commerce.activeEntitlement(li, course, app.clock.now())).toBeNull();
    // A refund leaves the books sound: the revoked entitlement matches its refunded order.
    const counts = await new PrismaCommerceStore(app.db.prisma).integrity(demo);
    expect(counts).toEqual({ paidWithoutEntitlement: 0, entitlementsWithoutPaidOrder: 0 });
    expect(app.unlocks.log.at(-1)).toMatchObject({ action: 'revoke', target: { roleId: 'role-provider' } });
    // A payment for an order that was cancelled is never kept silently: fulfilment refuses it.
    await say(`@li /buy ${course}`);
    const [next] = await app.services.commerce.listOrders(demo, { memberId: li.id, status: 'pending' });
    await app.services.commerce.cancelOrder(demo, next!.id, app.clock.now());
    await expect(app.services.commerce.fulfilOrder(demo, next!.id, app.clock.now())).rejects.toMatchObject({
      code: 'ORDER_NOT_PAYABLE',
    });
  });
});
