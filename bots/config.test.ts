import { readFileSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { ConfigError, configSchema, configuredPlatforms, loadConfig } from './config.ts';

const example = dotenv.parse(readFileSync(path.join(import.meta.dirname, '..', '.env.example')));

describe('configuration', () => {
  it('accepts .env.example as it is, with the documented defaults', () => {
    const config = loadConfig(example);
    expect(config.DATABASE_URL).toEqual({ provider: 'sqlite', file: './data/cohort.db' });
    expect(config.LOG_LEVEL).toBeUndefined();
    expect(configuredPlatforms(config)).toEqual([]);
  });

  it('documents every variable in .env.example', () => {
    expect(Object.keys(example).sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  it('reads PostgreSQL URLs', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/cohort' }).DATABASE_URL).toEqual({
      provider: 'postgresql',
      url: 'postgres://u:p@db:5432/cohort',
    });
  });

  it.each([
    ['DATABASE_URL', 'nonsense'],
    ['DATABASE_URL', 'mysql://x'],
    ['LOG_LEVEL', 'loud'],
    ['SLACK_PORT', '99999'],
    ['MODEL_ALLOW_REMOTE', 'perhaps'],
    ['TELEGRAM_API_ROOT', 'not a url'],
  ])('names %s when it is %s', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    try {
      loadConfig({ [variable]: value });
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as ConfigError).message).toMatch(new RegExp(`^Configuration error: ${variable} — `));
    }
  });

  it('starts the platforms whose credentials are set', () => {
    const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' };
    expect(configuredPlatforms(loadConfig({ TELEGRAM_BOT_TOKEN: '1:x', ...slack }))).toEqual(['slack', 'telegram']);
  });

  it.each([
    [{ DISCORD_TOKEN: 'abc' }, 'DISCORD_APPLICATION_ID', /required with DISCORD_TOKEN/],
    [{ DISCORD_PUBLIC_KEY: 'a'.repeat(64) }, 'DISCORD_APPLICATION_ID', /required with DISCORD_PUBLIC_KEY/],
    [{ DISCORD_APPLICATION_ID: '111111111111111111' }, 'DISCORD_TOKEN', /required with DISCORD_APPLICATION_ID/],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_SIGNING_SECRET', /SLACK_APP_TOKEN for Socket Mode/],
    [{ SLACK_APP_TOKEN: 'xapp-1' }, 'SLACK_BOT_TOKEN', /required with SLACK_APP_TOKEN/],
    [{ TELEGRAM_BOT_TOKEN: '1:x', TELEGRAM_WEBHOOK_DOMAIN: 'bot.example.com' }, 'TELEGRAM_WEBHOOK_SECRET', /required/],
    [{ TELEGRAM_WEBHOOK_DOMAIN: 'bot.example.com', TELEGRAM_WEBHOOK_SECRET: 's' }, 'TELEGRAM_BOT_TOKEN', /required/],
  ])('names the missing partner of %o: %s', (env, variable, expected) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as ConfigError).message).toMatch(expected);
    }
  });

  it.each([
    ['DISCORD_TOKEN', 'Bot abc.def.ghi'],
    ['DISCORD_APPLICATION_ID', 'my-app'],
    ['DISCORD_PUBLIC_KEY', 'not-hex'],
    ['DISCORD_GUILD_ID', '12'],
    ['DISCORD_INTERACTIONS_HOST', 'http://0.0.0.0'],
    ['SLACK_BOT_TOKEN', 'xoxp-user-token'],
    ['SLACK_APP_TOKEN', 'xoxb-1'],
    ['SLACK_MODERATOR_GROUP_ID', 'moderators'],
    ['TELEGRAM_BOT_TOKEN', 'token-without-id'],
    ['TELEGRAM_WEBHOOK_DOMAIN', 'https://bot.example.com/telegram'],
    ['TELEGRAM_WEBHOOK_SECRET', 'has spaces in it'],
  ])('checks the format of %s (%s)', (variable, value) => {
    try {
      loadConfig({ [variable]: value });
      expect.unreachable(`${variable}=${value} was accepted`);
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
    }
  });

  it('tells an explicit FEED_ALLOW_PRIVATE_NETWORKS=false from an unset one, and listens on 127.0.0.1 by default', () => {
    expect(loadConfig({}).FEED_ALLOW_PRIVATE_NETWORKS).toBeUndefined();
    expect(loadConfig({ FEED_ALLOW_PRIVATE_NETWORKS: 'false' }).FEED_ALLOW_PRIVATE_NETWORKS).toBe(false);
    expect(loadConfig({ FEED_ALLOW_PRIVATE_NETWORKS: 'true' }).FEED_ALLOW_PRIVATE_NETWORKS).toBe(true);
    const config = loadConfig({});
    expect([config.DISCORD_INTERACTIONS_HOST, config.SLACK_HOST, config.TELEGRAM_WEBHOOK_HOST]).toEqual([
      '127.0.0.1',
      '127.0.0.1',
      '127.0.0.1',
    ]);
  });
});
