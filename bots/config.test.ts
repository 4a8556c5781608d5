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
    expect(configuredPlatforms(loadConfig({ TELEGRAM_BOT_TOKEN: '1:x', SLACK_BOT_TOKEN: 'xoxb' }))).toEqual([
      'slack',
      'telegram',
    ]);
  });
});
