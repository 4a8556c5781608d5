import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_APP_ID, type FakeDiscord, startFakeDiscord } from '../fakes/discord.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/slack.ts';
import { type FakeTelegram, startFakeTelegram, telegramUpdates } from '../fakes/telegram.ts';
import { startApp } from '../support/npm-start.ts';

/**
 * `npm start` with a setting a platform refuses, or a platform it cannot reach, against the loopback fakes: one
 * line on stderr naming the platform, the variable and the platform's answer, a non-zero exit (or the other
 * platforms kept running when `--platform` was not given), and no stack trace unless LOG_LEVEL=debug.
 */
const dbFile = path.join(os.tmpdir(), `cohort-startup-${randomUUID()}.db`);
const database = { DATABASE_URL: `file:${dbFile}` };

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function oneLineFailure(env: Record<string, string>, args: string[] = []) {
  const app = startApp({ ...database, ...env }, args);
  const { code } = await app.exited;
  return { code, lines: app.stderrLines(), stdout: app.stdout() };
}

describe('start-up errors in one line', () => {
  let discord: FakeDiscord;
  let slack: FakeSlack;
  let telegram: FakeTelegram;
  let nowhere: string;

  beforeAll(async () => {
    [discord, slack, telegram] = await Promise.all([startFakeDiscord(), startFakeSlack(), startFakeTelegram()]);
    nowhere = `http://127.0.0.1:${await closedPort()}`;
  });
  afterAll(async () => {
    await Promise.all([discord?.close(), slack?.close(), telegram?.close()]);
    for (const suffix of ['', '-wal', '-shm']) rmSync(dbFile + suffix, { force: true });
  });

  it('npm start -- --bogus names the option and the usage', async () => {
    const { code, lines } = await oneLineFailure({}, ['--bogus']);
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("'--bogus'");
    expect(lines[0]).toContain('Usage: npm start');
  }, 60_000);

  it('DISCORD_TOKEN without DISCORD_APPLICATION_ID names DISCORD_APPLICATION_ID', async () => {
    const { code, lines } = await oneLineFailure({ DISCORD_TOKEN: 'abc' });
    expect(code).toBe(1);
    expect(lines).toEqual([
      'Configuration error: DISCORD_APPLICATION_ID — required with DISCORD_TOKEN (General Information → Application ID)',
    ]);
  }, 60_000);

  it('an invalid Discord token', async () => {
    const { code, lines } = await oneLineFailure(
      { DISCORD_TOKEN: 'not.the.token', DISCORD_APPLICATION_ID: FAKE_APP_ID, DISCORD_API_URL: discord.apiUrl },
      ['--platform', 'discord'],
    );
    expect(code).toBe(1);
    expect(lines).toEqual(['Discord refused DISCORD_TOKEN: An invalid token was provided.']);
  }, 60_000);

  it('Telegram answering 401', async () => {
    const { code, lines } = await oneLineFailure(
      { TELEGRAM_BOT_TOKEN: '999:WRONG-TOKEN', TELEGRAM_API_ROOT: telegram.apiRoot },
      ['--platform', 'telegram'],
    );
    expect(code).toBe(1);
    expect(lines).toEqual(['Telegram refused TELEGRAM_BOT_TOKEN: 401: Unauthorized']);
  }, 60_000);

  it('Slack answering invalid_auth', async () => {
    slack.failNext('auth.test', { error: 'invalid_auth' });
    const { code, lines } = await oneLineFailure(
      { SLACK_BOT_TOKEN: 'xoxb-revoked', SLACK_APP_TOKEN: 'xapp-1', SLACK_API_URL: slack.apiUrl },
      ['--platform', 'slack'],
    );
    expect(code).toBe(1);
    expect(lines).toEqual(['Slack refused SLACK_BOT_TOKEN: invalid_auth']);
  }, 60_000);

  it.each([
    ['discord', { DISCORD_TOKEN: 'a.b.c', DISCORD_APPLICATION_ID: FAKE_APP_ID }, 'DISCORD_API_URL', '/api'],
    ['slack', { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }, 'SLACK_API_URL', '/api/'],
    ['telegram', { TELEGRAM_BOT_TOKEN: '1:x' }, 'TELEGRAM_API_ROOT', ''],
  ])(
    '%s unreachable at start names %s and what the network said',
    async (platform, env, variable, suffix) => {
      const url = `${nowhere}${suffix}`;
      const { code, lines } = await oneLineFailure({ ...env, [variable]: url }, ['--platform', platform]);
      expect(code).toBe(1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^\\w+ is unreachable at start \\(${variable}=${url}\\): .*ECONNREFUSED`));
    },
    60_000,
  );

  it('without --platform, a refused platform is reported and the others keep running', async () => {
    const app = startApp({
      ...database,
      DISCORD_TOKEN: 'not.the.token',
      DISCORD_APPLICATION_ID: FAKE_APP_ID,
      DISCORD_API_URL: discord.apiUrl,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
    });
    try {
      await app.waitFor(/"platform":"telegram","msg":"platform started"/);
      expect(app.stderrLines()).toEqual(['Discord refused DISCORD_TOKEN: An invalid token was provided.']);
      // Telegram still answers its members.
      telegram.push(
        telegramUpdates.command(telegram.nextUpdateId(), { id: -42 }, { id: 7, first_name: 'Ann' }, '/help'),
      );
      const reply = await telegram.waitForCall((c) => c.method === 'sendMessage', 'the answer to /help', 20_000);
      expect(String(reply.payload.text)).toContain('/tip');
      expect(app.child.exitCode).toBeNull();
    } finally {
      app.child.kill('SIGTERM');
      await app.exited;
    }
    expect(app.stdout()).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('prints the stack only at LOG_LEVEL=debug', async () => {
    const env = { TELEGRAM_BOT_TOKEN: '999:WRONG-TOKEN', TELEGRAM_API_ROOT: telegram.apiRoot };
    const quiet = await oneLineFailure(env, ['--platform', 'telegram']);
    expect(`${quiet.stdout}${quiet.lines.join('\n')}`).not.toMatch(/\bat .*\.js:\d+/);
    const debug = await oneLineFailure({ ...env, LOG_LEVEL: 'debug' }, ['--platform', 'telegram']);
    expect(debug.lines[0]).toBe('Telegram refused TELEGRAM_BOT_TOKEN: 401: Unauthorized');
    expect(debug.stdout).toMatch(/"stack":"PlatformStartError: [^"]*\\n\s+at [^"]*caused by: Error: 401: Unauthorized/);
  }, 60_000);
});
