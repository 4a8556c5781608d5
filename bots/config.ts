import { z } from 'zod';
import { type DatabaseTarget, parseDatabaseUrl } from '../adapters/storage/database-url.ts';

/**
 * Every setting comes from the environment (and an optional .env, loaded by main.ts), parsed once at start-up.
 * A bad value stops start-up with one line naming the variable and what it expects. `.env.example` documents each.
 */

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : ['true', '1', 'yes'].includes(v)));

const httpUrl = z
  .url({ protocol: /^https?$/ })
  .optional()
  .or(z.literal('').transform(() => undefined));

export const configSchema = z.object({
  DATABASE_URL: z
    .string()
    .default('file:./data/cohort.db')
    .transform((raw, ctx): DatabaseTarget => {
      const target = parseDatabaseUrl(raw.trim());
      if (!target) {
        ctx.addIssue({
          code: 'custom',
          message: 'expected file:<path> (SQLite) or postgres://user@host:port/db (PostgreSQL)',
        });
        return z.NEVER;
      }
      return target;
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  DEMO_SEED: z.coerce.number().int().default(42),
  DEMO_FEED_PORT: z.coerce.number().int().min(0).max(65535).default(4870),
  /** Keys the irreversible member pseudonyms used in analytics and logs. Set a long random value in production. */
  PSEUDONYM_SECRET: z
    .string()
    .min(16, 'expected at least 16 characters')
    .default('cohort-development-pseudonym-secret'),

  // Content model (transformers.js): a hub id or a folder; the shipped offline model by default.
  MODEL_NAME: z.string().trim().min(1).default('cohort-mini'),
  MODEL_DIR: optionalString,
  MODEL_ALLOW_REMOTE: flag(false),

  // Feeds
  FEED_ALLOW_PRIVATE_NETWORKS: flag(false),

  // Discord
  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: optionalString,
  DISCORD_PUBLIC_KEY: optionalString,
  DISCORD_API_URL: httpUrl,
  DISCORD_MODERATOR_ROLE_ID: optionalString,
  DISCORD_INTERACTIONS_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  DISCORD_GUILD_ID: optionalString,
  /** The privileged Server Members intent: member joins and leaves. Off when the app is not approved for it. */
  DISCORD_MEMBERS_INTENT: flag(true),
  DISCORD_MESSAGE_CONTENT_INTENT: flag(true),

  // Slack
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_API_URL: httpUrl,
  SLACK_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  SLACK_HOST: z.string().trim().min(1).default('0.0.0.0'),
  SLACK_MODERATOR_GROUP_ID: optionalString,

  // Telegram
  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_API_ROOT: httpUrl,
  TELEGRAM_WEBHOOK_DOMAIN: optionalString,
  TELEGRAM_WEBHOOK_SECRET: optionalString,
  TELEGRAM_WEBHOOK_PORT: z.coerce.number().int().min(0).max(65535).default(8443),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly expected: string,
  ) {
    super(`Configuration error: ${variable} — ${expected}`);
  }
}

/** Parses the environment; the first problem becomes a ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty value (`LOG_LEVEL=` as in .env.example) means "use the default", as operators expect.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const result = configSchema.safeParse(present);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = String(issue?.path[0] ?? 'environment');
  throw new ConfigError(variable, issue?.message ?? 'invalid value');
}

export type PlatformName = 'discord' | 'slack' | 'telegram';

/** Platforms whose credentials are set: `npm start` starts these, or the console when there are none. */
export function configuredPlatforms(config: Config): PlatformName[] {
  const platforms: PlatformName[] = [];
  if (config.DISCORD_TOKEN || config.DISCORD_PUBLIC_KEY) platforms.push('discord');
  if (config.SLACK_BOT_TOKEN) platforms.push('slack');
  if (config.TELEGRAM_BOT_TOKEN) platforms.push('telegram');
  return platforms;
}
