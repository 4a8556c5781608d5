import { createHash, createHmac } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandEnvelope } from '../../core/framework/envelopes.ts';
import {
  chromiumAvailable,
  GUILD_ID,
  launchChromium,
  type PanelHarness,
  SLACK_TEAM,
  startPanelHarness,
  TELEGRAM_CHAT,
  TELEGRAM_TOKEN,
} from './panel-harness.ts';

const run = chromiumAvailable();

/**
 * The panel in a real browser (Debian's Chromium through playwright-core), against the real app on 127.0.0.1:
 * each role signs in the way it would (console link, Discord, Slack, Telegram through local fakes), does one real
 * task, and the test checks the database and what chat answers afterwards.
 */
describe.skipIf(!run)('web panel in Chromium', () => {
  let h: PanelHarness;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;

  beforeAll(async () => {
    h = await startPanelHarness();
    chromium = await launchChromium();
    browser = chromium.browser;
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
    await h?.dispose();
  });

  async function pageIn(locale: string): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width: 1200, height: 900 } });
    return context.newPage();
  }

  it('serves the sign-in page in the browser language', async () => {
    const zh = await pageIn('zh-CN');
    await zh.goto(`${h.panel.url}/`);
    expect(await zh.locator('h1').textContent()).toBe('登录你的社区');
    expect(await zh.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await zh.getByRole('link', { name: '使用 Discord 登录' }).count()).toBe(1);
    const en = await pageIn('en-US');
    await en.goto(`${h.panel.url}/`);
    expect(await en.locator('h1').textContent()).toBe('Sign in to your community');
    await zh.context().close();
    await en.context().close();
  });

  it('console link: the admin adds a source, which the database and /source list in chat then show', async () => {
    const page = await pageIn('en-US');
    await page.goto(await h.demoLink('admin'));
    expect(page.url()).toContain(`/c/${h.ids.demo}/sources`);
    const feed = h.feeds.feeds[0]!.url;
    await page.fill('#source-add [name="o.url"]', feed);
    await page.fill('#source-add [name="o.topics"]', 'ai, investing');
    await page.click('#source-add button[type=submit]');
    await page.waitForSelector('.reply.tone-success');
    expect(await page.locator('.reply h3').textContent()).toBe('Source added');
    const stored = await h.app.services.content.sources.list(h.ids.demo);
    expect(stored.find((s) => s.url === feed)?.topics).toEqual(['ai', 'investing']);
    const chat = await h.app.console.run('@mod /source list');
    expect(chat?.output).toContain(feed);
    // Pause, then resume, from the source's row: the same commands as in chat.
    const row = () => page.locator(`tr:has(a[href="${feed}"])`);
    await row().getByRole('button', { name: 'Pause' }).click();
    await page.waitForSelector('.reply.tone-success');
    expect(await row().locator('.badge.warn').textContent()).toBe('paused');
    expect((await h.app.services.content.sources.list(h.ids.demo)).find((s) => s.url === feed)?.enabled).toBe(false);
    await row().getByRole('button', { name: 'Resume' }).click();
    await page.waitForSelector('.reply.tone-success');
    await row().locator('.badge.ok').waitFor();
    expect((await h.app.services.content.sources.list(h.ids.demo)).find((s) => s.url === feed)?.enabled).toBe(true);
    // The link was spent: opening it again signs nobody in.
    await page.context().close();
  });

  it('console link: a moderator schedules a digest that waits for approval, approves it, and it is posted', async () => {
    const page = await pageIn('zh-CN');
    await page.goto(await h.demoLink('mod'));
    await page.goto(`${h.panel.url}/c/${h.ids.demo}/digests`);
    expect(await page.locator('h1').textContent()).toBe('精选计划');
    await page.fill('#cron-form [name="o.cron"]', '0 * * * *');
    await page.fill('#cron-form [name="o.timezone"]', 'Asia/Shanghai');
    // The helper shows the next five runs as the moderator types (the page's script asks the server).
    // The default line is daily; once the script has asked the server, the five runs are an hour apart.
    await expect
      .poll(async () => {
        const times = (
          await page.locator('#cron-next time').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('datetime')))
        ).map((t) => Date.parse(t ?? ''));
        return times.length === 5 ? times[1]! - times[0]! : null;
      })
      .toBe(3_600_000);
    await page.check('#cron-form [name="o.approval"]');
    await page.fill('#cron-form [name="channel"]', 'general');
    await page.click('#cron-form button[type=submit]');
    await page.waitForSelector('.reply.tone-success');
    const [schedule] = (await h.app.services.content.digests.listSchedules(h.ids.demo)).filter(
      (s) => s.cron === '0 * * * *',
    );
    expect(schedule).toMatchObject({ timezone: 'Asia/Shanghai', requiresApproval: true, channelId: 'general' });
    // An hour later the slot comes due: the digest is built and held for approval.
    h.app.clock.advance(3_600_000);
    await h.app.services.content.digests.runDue();
    const [waiting] = (await h.app.services.content.stores.runs.recent(h.ids.demo, 5)).filter(
      (r) => r.status === 'awaiting_approval',
    );
    expect(waiting).toBeDefined();
    await page.reload();
    // Why each item was picked or dropped is shown beside the queue.
    expect(await page.locator('.decisions .badge.ok').count()).toBeGreaterThan(0);
    const posted = h.app.outbox.posts.length;
    await page.getByRole('button', { name: '批准并发布' }).first().click();
    await page.waitForSelector('.reply.tone-success');
    expect((await h.app.services.content.stores.runs.get(waiting!.id))?.status).toBe('posted');
    expect(h.app.outbox.posts.length).toBe(posted + 1);
    expect(h.app.outbox.posts.at(-1)?.target.channelId).toBe('general');
    // The audit log shows the approval as a panel action, with who did it.
    const admin = await pageIn('en-US');
    await admin.goto(await h.demoLink('admin'));
    await admin.goto(`${h.panel.url}/c/${h.ids.demo}/admin`);
    const row = admin.locator('tr', { hasText: '/digest approve' }).first();
    expect(await row.textContent()).toContain('@mod');
    expect(await row.textContent()).toContain('panel');
    await page.context().close();
    await admin.context().close();
  });

  function discordEnvelope(line: string, userId: string): CommandEnvelope {
    return {
      space: { platform: 'discord', platformId: GUILD_ID, name: 'Discord Guild' },
      user: { platformUserId: userId, handle: 'dana', displayName: 'Dana', platformRole: 'admin' },
      channel: { platformChannelId: '333333333333333333', name: 'news' },
      input: { kind: 'text', line },
      deliveryId: `test-${Math.random()}`,
    };
  }

  it('Discord: a server manager signs in through OAuth2 and schedules a digest that chat lists', async () => {
    h.fake.signInAs({
      discord: {
        id: '444444444444444444',
        username: 'dana',
        global_name: 'Dana',
        guilds: [
          { id: GUILD_ID, permissions: String(0x20) },
          { id: '999999999999999999', permissions: '0' },
        ],
      },
    });
    const page = await pageIn('en-US');
    await page.goto(`${h.panel.url}/`);
    await page.getByRole('link', { name: 'Sign in with Discord' }).click();
    await page.waitForURL(`**/c/${h.ids.discord}/sources`);
    expect(h.fake.exchanges.discord).toBeGreaterThan(0);
    expect(await page.locator('.who').textContent()).toContain('Dana');
    await page.goto(`${h.panel.url}/c/${h.ids.discord}/digests`);
    await page.fill('#cron-form [name="o.cron"]', '30 8 * * 1-5');
    await page.fill('#cron-form [name="o.timezone"]', 'Europe/Berlin');
    await page.fill('#cron-form [name="o.topics"]', 'ai');
    await page.fill('#cron-form [name="o.max-items"]', '3');
    await page.fill('#cron-form [name="channel"]', '333333333333333333');
    await page.click('#cron-form button[type=submit]');
    await page.waitForSelector('.reply.tone-success');
    const [schedule] = await h.app.services.content.digests.listSchedules(h.ids.discord);
    expect(schedule).toMatchObject({
      cron: '30 8 * * 1-5',
      topics: ['ai'],
      maxItems: 3,
      channelId: '333333333333333333',
    });
    const chat = await h.app.core.handleCommand(discordEnvelope('/digest schedule list', '444444444444444444'));
    expect(JSON.stringify(chat.reply)).toContain('30 8 * * 1-5');
    // Removing asks first: dismissed, nothing happens; accepted, the schedule is gone.
    const remove = page.locator('tr', { hasText: '30 8 * * 1-5' }).getByRole('button', { name: 'Remove' });
    page.once('dialog', (dialog) => void dialog.dismiss());
    const before = page.url();
    await remove.click();
    // A submitted form would navigate within this time; a dismissed one stays on the page.
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    expect(await h.app.services.content.digests.listSchedules(h.ids.discord)).toHaveLength(1);
    page.once('dialog', (dialog) => void dialog.accept());
    await remove.click();
    await page.waitForSelector('.reply.tone-success');
    expect(await h.app.services.content.digests.listSchedules(h.ids.discord)).toHaveLength(0);
    await page.context().close();
  });

  it('Slack: a creator signs in with OpenID Connect and confirms an order; the buyer then owns the course', async () => {
    const { members, courses } = h.app.services;
    const creator = await members.ensure(h.ids.slack, {
      platformUserId: 'U0CREATOR',
      handle: 'cara',
      displayName: 'Cara',
    });
    await members.setRole(creator.id, 'creator');
    const course = await courses.create({
      communityId: h.ids.slack,
      creatorId: creator.id,
      title: 'Pricing workshop',
      description: 'How to price a course',
      tags: ['pricing'],
      language: 'en',
      priceMinor: 4900,
      currency: 'USD',
      paymentModel: 'one_off',
    });
    const buyer = (line: string): CommandEnvelope => ({
      space: { platform: 'slack', platformId: SLACK_TEAM, name: 'Slack Workspace' },
      user: { platformUserId: 'U0BUYER', handle: 'bo', displayName: 'Bo' },
      channel: { platformChannelId: 'C0GENERAL', name: 'general' },
      input: { kind: 'text', line },
      deliveryId: `test-${Math.random()}`,
    });
    await h.app.core.handleCommand(buyer(`/buy ${course.id}`));
    const [order] = await h.app.services.commerce.listOrders(h.ids.slack, { status: 'pending' });
    expect(order).toBeDefined();

    h.fake.signInAs({ slack: { userId: 'U0CREATOR', teamId: SLACK_TEAM, name: 'Cara' } });
    const page = await pageIn('en-US');
    await page.goto(`${h.panel.url}/`);
    await page.getByRole('link', { name: 'Sign in with Slack' }).click();
    await page.waitForURL(`**/c/${h.ids.slack}/commerce`);
    expect(h.fake.exchanges.slack).toBeGreaterThan(0);
    // A creator's menu has no moderator pages.
    expect(await page.locator('nav.menu a').allTextContents()).toEqual(['Courses & orders', 'My account']);
    await page.locator('tr', { hasText: order!.id }).getByRole('button', { name: 'Confirm payment' }).click();
    await page.waitForSelector('.reply.tone-success');
    const [paid] = await h.app.services.commerce.listOrders(h.ids.slack, { status: 'paid' });
    expect(paid?.id).toBe(order!.id);
    // Revenue counts the order once it is paid.
    expect(await page.locator('.stats .card', { hasText: 'Paid orders (USD)' }).textContent()).toContain('49.00');
    const mine = await h.app.core.handleCommand(buyer('/mycourses'));
    expect(JSON.stringify(mine.reply)).toContain('Pricing workshop');
    // The creator corrects the price and takes the course off sale, from the same page.
    await page.fill('#course-edit [name="o.course"]', course.id);
    await page.fill('#course-edit [name="o.price"]', '59');
    await page.click('#course-edit button[type=submit]');
    await page.waitForSelector('.reply.tone-success');
    expect((await h.app.services.courses.get(course.id))?.priceMinor).toBe(5900);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('tr', { hasText: course.id }).getByRole('button', { name: 'Take off sale' }).click();
    await page.locator('tr', { hasText: course.id }).getByRole('button', { name: 'Put on sale' }).waitFor();
    expect((await h.app.services.commerce.settings(course)).archivedAt).not.toBeNull();
    await page.context().close();
  });

  function telegramLogin(id: string, authDate: number, extra: Record<string, string> = {}): string {
    const fields: Record<string, string> = {
      id,
      first_name: 'Tian',
      username: 'tian',
      auth_date: String(authDate),
      ...extra,
    };
    const lines = Object.entries(fields)
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join('\n');
    const hash = createHmac('sha256', createHash('sha256').update(TELEGRAM_TOKEN).digest()).update(lines).digest('hex');
    return new URLSearchParams({ ...fields, hash }).toString();
  }

  it('Telegram: a member signs in with the Login Widget and sees only their own page', async () => {
    // The bot's administrator list (cached for minutes, as the bot caches it) names another person.
    h.fake.telegramAdmins.set(TELEGRAM_CHAT, [{ user: { id: 7770001 }, status: 'administrator' }]);
    await h.app.services.members.ensure(h.ids.telegram, {
      platformUserId: '5551234',
      handle: 'tian',
      displayName: 'Tian',
    });
    const page = await pageIn('zh-CN');
    const now = Math.floor(h.app.clock.now().getTime() / 1000);
    await page.goto(`${h.panel.url}/auth/telegram/callback?${telegramLogin('5551234', now)}`);
    await page.waitForURL(`**/c/${h.ids.telegram}/me`);
    expect(await page.locator('nav.menu a').allTextContents()).toEqual(['我的账户']);
    const refused = await page.goto(`${h.panel.url}/c/${h.ids.telegram}/sources`);
    expect(refused?.status()).toBe(403);
    // A tampered login (another id under the same hash) signs nobody in.
    const forged = telegramLogin('5551234', now).replace('id=5551234', 'id=5559999');
    const other = await pageIn('en-US');
    const answer = await other.goto(`${h.panel.url}/auth/telegram/callback?${forged}`);
    expect(answer?.status()).toBe(401);
    // A group administrator the bot has never heard from is signed in through the bot's administrator list.
    await other.goto(`${h.panel.url}/auth/telegram/callback?${telegramLogin('7770001', now, { first_name: 'Wei' })}`);
    await other.waitForURL(`**/c/${h.ids.telegram}/sources`);
    expect(await other.locator('nav.menu a').allTextContents()).toContain('Digests');
    expect(await other.locator('nav.menu a').allTextContents()).not.toContain('Admin');
    await page.context().close();
    await other.context().close();
  });

  // `PANEL_SCREENSHOTS=docs/panel npx vitest run test/web/panel.browser.test.ts` refreshes the README's pictures.
  it.skipIf(!process.env.PANEL_SCREENSHOTS)('takes screenshots of the main pages in both languages', async () => {
    const dir = process.env.PANEL_SCREENSHOTS as string;
    // A pending order, so the orders table shows its confirm and cancel buttons.
    const [course] = await h.app.services.courses.list(h.ids.demo, { limit: 1 });
    await h.app.console.run(`@chen /buy ${course!.id}`);
    for (const [locale, suffix] of [
      ['en-US', 'en'],
      ['zh-CN', 'zh-CN'],
    ] as const) {
      const page = await pageIn(locale);
      await page.goto(`${h.panel.url}/`);
      await page.screenshot({ path: `${dir}/sign-in.${suffix}.png` });
      await page.goto(await h.demoLink('admin'));
      for (const name of ['sources', 'digests', 'analytics', 'commerce', 'points', 'admin']) {
        await page.goto(`${h.panel.url}/c/${h.ids.demo}/${name}`);
        await page.screenshot({ path: `${dir}/${name}.${suffix}.png`, fullPage: name !== 'admin' });
      }
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${h.panel.url}/c/${h.ids.demo}/analytics`);
      await page.screenshot({ path: `${dir}/analytics-phone.${suffix}.png` });
      await page.context().close();
    }
  });
});
