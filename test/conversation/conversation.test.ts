import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { consoleDriver, type Driver, discordDriver, type Step, slackDriver, telegramDriver } from './drivers.ts';
import { comparable } from './visible-text.ts';

/**
 * One scripted conversation, played on the console, Telegram, Slack and Discord (the real SDKs against loopback fakes),
 * each in its own community of one app. Every step must read the same on every platform.
 */
const user = (value: string) => ({ name: 'member', type: 6, value });
const BOB_DISCORD_ID = '510000000000000002';

const script: Step[] = [
  { speaker: 'alice', line: '/help', discord: { name: 'help' } },
  {
    speaker: 'alice',
    line: '/help tip',
    discord: { name: 'help', options: [{ name: 'command', type: 3, value: 'tip' }] },
  },
  { speaker: 'bob', line: '/balance', discord: { name: 'balance' } },
  {
    speaker: 'alice',
    line: '/tip @bob 5 thanks for the notes',
    discord: {
      name: 'tip',
      options: [
        user(BOB_DISCORD_ID),
        { name: 'amount', type: 3, value: '5' },
        { name: 'reason', type: 3, value: 'thanks for the notes' },
      ],
    },
  },
  { speaker: 'bob', line: '/balance', discord: { name: 'balance' }, click: true },
  {
    speaker: 'alice',
    line: '/language zh-CN',
    discord: { name: 'language', options: [{ name: 'language', type: 3, value: 'zh-CN' }] },
  },
  {
    speaker: 'alice',
    line: '/help balance',
    discord: { name: 'help', options: [{ name: 'command', type: 3, value: 'balance' }] },
  },
  {
    speaker: 'alice',
    line: '/role set @bob admin',
    discord: {
      name: 'role',
      options: [{ name: 'set', type: 1, options: [user(BOB_DISCORD_ID), { name: 'role', type: 3, value: 'admin' }] }],
    },
  },
  { speaker: 'alice', line: '/leaderboard', discord: { name: 'leaderboard' } },
  {
    speaker: 'alice',
    line: '/privacy export',
    discord: { name: 'privacy', options: [{ name: 'export', type: 1, options: [] }] },
    file: true,
  },
];

describe('the same conversation on every adapter', () => {
  let app: TestApp;
  let drivers: Driver[] = [];
  const seen = new Map<string, string[]>();
  const files = new Map<string, Array<{ name: string; data: Buffer } | undefined>>();

  beforeAll(async () => {
    app = await createTestApp();
    drivers = [await consoleDriver(app), await telegramDriver(app), await slackDriver(app), await discordDriver(app)];
    for (const driver of drivers) {
      const texts: string[] = [];
      const attached: Array<{ name: string; data: Buffer } | undefined> = [];
      for (const step of script) {
        const got = await driver.run(step);
        texts.push(got.text);
        attached.push(got.file);
      }
      seen.set(driver.name, texts);
      files.set(driver.name, attached);
    }
  }, 60_000);

  afterAll(async () => {
    for (const driver of drivers) await driver.stop();
    await app?.dispose();
  });

  it('gives the console the replies the script expects', () => {
    const console = seen.get('console') ?? [];
    expect(console[0]).toContain('Commands you can use');
    expect(console[3]).toContain('You gave 5 points to bob');
    expect(console[4]).toMatch(/Balance\n5/);
    expect(console[5]).toContain('简体中文');
    expect(console[7]).toContain('/role set 仅限管理员及以上使用');
    expect(console[8]).toContain('排行榜');
  });

  it('delivers the same export file everywhere: same name, same sections, readable JSON', () => {
    const last = script.length - 1;
    const exported = (name: string) => {
      const file = files.get(name)?.[last];
      return file ? { name: file.name, sections: Object.keys(JSON.parse(file.data.toString('utf8')).sections) } : null;
    };
    const console = exported('console');
    expect(console?.name).toMatch(/^cohort-data-alice-\d{4}-\d{2}-\d{2}\.json$/);
    expect(console?.sections.length).toBeGreaterThan(0);
    for (const platform of ['telegram', 'slack', 'discord'])
      expect({ platform, ...exported(platform) }).toEqual({ platform, ...console });
  });

  for (const platform of ['telegram', 'slack', 'discord']) {
    it(`reads the same on ${platform} as on the console`, () => {
      const expected = (seen.get('console') ?? []).map(comparable);
      const actual = (seen.get(platform) ?? []).map(comparable);
      expect(actual).toHaveLength(script.length);
      script.forEach((step, i) => {
        expect({ step: step.line, text: actual[i] }).toEqual({ step: step.line, text: expected[i] });
      });
    });
  }
});
