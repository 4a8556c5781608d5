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

/** An optional value that, when set, must match `pattern`; `expected` says what it looks like. */
const shaped = (pattern: RegExp, expected: string) =>
  optionalString.refine((v) => v === undefined || pattern.test(v), { message: expected });

/** A flag with no default: undefined when unset, so a caller can tell an explicit `false` from nothing. */
const optionalFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : ['true', '1', 'yes'].includes(v)));

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
/** An interface to listen on: an IP address or a host name. */
const listenHost = (fallback: string) =>
  z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.:-]+$/, 'expected an IP address or host name, e.g. 127.0.0.1 or 0.0.0.0')
    .default(fallback);

/**
 * Which Gateway shards this process runs: `auto` (every shard, as many as Discord's /gateway/bot recommends) or
 * a range of a fixed count, `0-3/8` (shards 0 to 3 of 8) or `5/8` (shard 5 of 8), so several processes split a bot.
 */
export type ShardSelection = 'auto' | { ids: number[]; count: number };

const shardSelection = z
  .string()
  .trim()
  .default('auto')
  .transform((raw, ctx): ShardSelection => {
    if (raw === '' || raw === 'auto') return 'auto';
    const match = /^(\d{1,5})(?:-(\d{1,5}))?\/(\d{1,5})$/.exec(raw);
    const first = Number(match?.[1]);
    const last = Number(match?.[2] ?? match?.[1]);
    const count = Number(match?.[3]);
    if (!match || count < 1 || first > last || last >= count) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected auto, or <first>-<last>/<count> such as 0-3/8 (last below count), or <shard>/<count>',
      });
      return z.NEVER;
    }
    return { ids: Array.from({ length: last - first + 1 }, (_, i) => first + i), count };
  });

const SNOWFLAKE = [/^\d{17,20}$/, 'expected a Discord id (17 to 20 digits)'] as const;

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
  /** What this process does; `--role` overrides it (bots/roles.ts). Roles other than all need PostgreSQL. */
  ROLE: z.enum(['all', 'gateway', 'worker', 'web']).default('all'),
  // The job queue on PostgreSQL (pg-boss, docs/adr/0016): how often a job is retried, and when an unfinished run
  // counts as lost (its process died) and is handed to another worker.
  JOB_RETRY_LIMIT: z.coerce.number().int().min(0).max(20).default(3),
  JOB_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  JOB_EXPIRE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** How often a worker looks for jobs (and how soon a lost run is noticed). */
  JOB_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  DEMO_SEED: z.coerce.number().int().default(42),
  DEMO_FEED_PORT: z.coerce.number().int().min(0).max(65535).default(4870),
  /** Keys the irreversible member pseudonyms used in analytics and logs. Set a long random value in production. */
  PSEUDONYM_SECRET: z
    .string()
    .min(16, 'expected at least 16 characters')
    .default('cohort-development-pseudonym-secret'),

  // Paid content: promotion limits, reminders and levels (issue 10).
  COMMERCE_PROMO_WEEKLY_QUOTA: z.coerce.number().int().min(1).max(100).default(2),
  COMMERCE_RENEWAL_NOTICE_DAYS: z.coerce.number().int().min(1).max(30).default(3),
  COMMERCE_LEVEL_BASE_POINTS: z.coerce.number().int().min(1).max(100_000).default(10),

  // Content model (transformers.js): a hub id or a folder; the shipped offline model by default.
  MODEL_NAME: z.string().trim().min(1).default('cohort-mini'),
  MODEL_DIR: optionalString,
  MODEL_ALLOW_REMOTE: flag(false),

  // Feeds. Unset: false, except in the console sandbox (bots/run.ts), which allows its own loopback.
  FEED_ALLOW_PRIVATE_NETWORKS: optionalFlag,
  FEED_INSTANT_PER_MINUTE: z.coerce.number().int().min(1).max(60).default(5),
  FEED_HOST_FETCHES_PER_MINUTE: z.coerce.number().int().min(1).max(600).default(10),

  // Discord
  DISCORD_TOKEN: shaped(/^[\w.-]+$/, 'expected the bot token alone, without "Bot " or quotes'),
  DISCORD_APPLICATION_ID: shaped(...SNOWFLAKE),
  DISCORD_PUBLIC_KEY: shaped(/^[0-9a-f]{64}$/i, 'expected 64 hex characters (General Information → Public Key)'),
  DISCORD_API_URL: httpUrl,
  DISCORD_MODERATOR_ROLE_ID: shaped(...SNOWFLAKE),
  DISCORD_INTERACTIONS_HOST: listenHost('127.0.0.1'),
  DISCORD_INTERACTIONS_PORT: port(8080),
  DISCORD_GUILD_ID: shaped(...SNOWFLAKE),
  DISCORD_SHARDS: shardSelection,
  /** The privileged Server Members intent: member joins and leaves. Off when the app is not approved for it. */
  DISCORD_MEMBERS_INTENT: flag(true),
  DISCORD_MESSAGE_CONTENT_INTENT: flag(true),

  // Slack
  SLACK_BOT_TOKEN: shaped(/^xoxb-[\w-]+$/, 'expected a bot token starting with xoxb- (OAuth & Permissions)'),
  SLACK_SIGNING_SECRET: shaped(/^[\w-]{8,}$/, 'expected the signing secret (Basic Information → App Credentials)'),
  SLACK_APP_TOKEN: shaped(/^xapp-[\w-]+$/, 'expected an app-level token starting with xapp- (Basic Information)'),
  SLACK_API_URL: httpUrl,
  SLACK_PORT: port(3000),
  SLACK_HOST: listenHost('127.0.0.1'),
  SLACK_MODERATOR_GROUP_ID: shaped(/^S[A-Z0-9]+$/, 'expected a user group id starting with S'),

  // Telegram
  TELEGRAM_BOT_TOKEN: shaped(/^\d+:[\w-]+$/, 'expected <bot id>:<secret> as @BotFather gives it'),
  TELEGRAM_API_ROOT: httpUrl,
  TELEGRAM_WEBHOOK_DOMAIN: shaped(
    /^[A-Za-z0-9.-]+(:\d+)?$/,
    'expected the public host name only, e.g. bot.example.com (no https://, no path)',
  ),
  TELEGRAM_WEBHOOK_SECRET: shaped(/^[A-Za-z0-9_-]{1,256}$/, 'expected 1-256 characters: letters, digits, _ and -'),
  TELEGRAM_WEBHOOK_HOST: listenHost('127.0.0.1'),
  TELEGRAM_WEBHOOK_PORT: port(8443),

  // The platforms' call budget shared by every process (docs/adr/0017-shared-rate-limit-budget.md)
  RATE_BUDGET_DISCORD_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(45),
  RATE_BUDGET_SLACK_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(10),
  RATE_BUDGET_TELEGRAM_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(28),

  // Operations: /healthz, /readyz and /metrics (docs/operations.md)
  OPS_ENABLED: optionalFlag.transform((v) => v ?? true),
  OPS_HOST: listenHost('127.0.0.1'),
  OPS_PORT: port(9464),
  // Payments (each provider optional; without one, creators confirm orders with /order confirm)
  /** The operator's fee on every payment, in basis points: 250 = 2.5 %. */
  PAYMENTS_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(0),
  /** Days a subscription keeps access after a failed renewal while the provider retries. */
  PAYMENTS_GRACE_DAYS: z.coerce.number().int().min(0).max(60).default(3),
  STRIPE_SECRET_KEY: shaped(
    /^(sk|rk)_(test|live)_[\w]+$/,
    'expected a secret or restricted key: sk_live_… or sk_test_…',
  ),
  STRIPE_WEBHOOK_SECRET: shaped(
    /^whsec_[\w]+$/,
    'expected the endpoint signing secret, whsec_… (Developers → Webhooks)',
  ),
  STRIPE_WEBHOOK_HOST: listenHost('127.0.0.1'),
  STRIPE_WEBHOOK_PORT: port(8790),
  /** Where Checkout sends the buyer back (success and cancel) and the customer portal returns to. */
  STRIPE_RETURN_URL: httpUrl,
  /** The Stripe API origin: a test fake only (default https://api.stripe.com). */
  STRIPE_API_URL: httpUrl,
  /** Sell courses priced in XTR as Telegram Stars invoices (needs TELEGRAM_BOT_TOKEN). */
  TELEGRAM_STARS: flag(false),
  /** Map Discord premium app entitlements (SKUs set with /payments sku) to course access. */
  DISCORD_PREMIUM: flag(false),
  /** The bot's @username without the @: the Telegram Login Widget on the panel's sign-in page needs it. */
  TELEGRAM_BOT_USERNAME: shaped(/^[A-Za-z0-9_]{5,32}$/, 'expected the bot username without @, e.g. cohort_bot'),

  // Web control panel (adapters/web, docs/adr/0015-web-panel.md)
  WEB_ENABLED: flag(true),
  WEB_HOST: listenHost('127.0.0.1'),
  WEB_PORT: port(4880),
  /** The address people open (behind the HTTPS proxy): OAuth redirects and cookie security follow it. */
  WEB_PUBLIC_URL: httpUrl,
  /** Encrypts the session cookie; 32 bytes or more. Unset: a random key per process (sign-ins end at restart). */
  WEB_SESSION_SECRET: optionalString.refine((v) => v === undefined || Buffer.byteLength(v) >= 32, {
    message: 'expected at least 32 characters (e.g. openssl rand -hex 32)',
  }),
  /** Discord sign-in: the application's OAuth2 client secret (the client id is DISCORD_APPLICATION_ID). */
  DISCORD_CLIENT_SECRET: optionalString,
  /** Where Discord's OAuth2 pages live (a proxy, or a local fake in tests). Default https://discord.com. */
  DISCORD_OAUTH_URL: httpUrl,
  /** Sign in with Slack (OpenID Connect). */
  SLACK_CLIENT_ID: shaped(/^[\d.]+$/, 'expected the client id (Basic Information → App Credentials), e.g. 1234.5678'),
  SLACK_CLIENT_SECRET: optionalString,
  /** The OpenID issuer (a local fake in tests). Default https://slack.com. */
  SLACK_OIDC_ISSUER: httpUrl,
});

/**
 * Settings that only work together: the first one missing is named, with what it goes with. Checked after each
 * value's own format, so the line names what the operator has to add.
 */
function requiredTogether(config: z.infer<typeof configSchema>): { variable: string; expected: string } | null {
  const c = config;
  if ((c.DISCORD_TOKEN || c.DISCORD_PUBLIC_KEY) && !c.DISCORD_APPLICATION_ID)
    return {
      variable: 'DISCORD_APPLICATION_ID',
      expected: `required with ${c.DISCORD_TOKEN ? 'DISCORD_TOKEN' : 'DISCORD_PUBLIC_KEY'} (General Information → Application ID)`,
    };
  if (c.DISCORD_APPLICATION_ID && !c.DISCORD_TOKEN && !c.DISCORD_PUBLIC_KEY)
    return {
      variable: 'DISCORD_TOKEN',
      expected: 'required with DISCORD_APPLICATION_ID (or DISCORD_PUBLIC_KEY for HTTP interactions only)',
    };
  if ((c.SLACK_SIGNING_SECRET || c.SLACK_APP_TOKEN) && !c.SLACK_BOT_TOKEN)
    return {
      variable: 'SLACK_BOT_TOKEN',
      expected: `required with ${c.SLACK_APP_TOKEN ? 'SLACK_APP_TOKEN' : 'SLACK_SIGNING_SECRET'}`,
    };
  if (c.SLACK_BOT_TOKEN && !c.SLACK_SIGNING_SECRET && !c.SLACK_APP_TOKEN)
    return {
      variable: 'SLACK_SIGNING_SECRET',
      expected: 'required with SLACK_BOT_TOKEN for the HTTP endpoint (or set SLACK_APP_TOKEN for Socket Mode)',
    };
  if (c.TELEGRAM_WEBHOOK_DOMAIN && !c.TELEGRAM_WEBHOOK_SECRET)
    return { variable: 'TELEGRAM_WEBHOOK_SECRET', expected: 'required with TELEGRAM_WEBHOOK_DOMAIN' };
  if (c.TELEGRAM_WEBHOOK_SECRET && !c.TELEGRAM_WEBHOOK_DOMAIN)
    return { variable: 'TELEGRAM_WEBHOOK_DOMAIN', expected: 'required with TELEGRAM_WEBHOOK_SECRET' };
  if (c.DISCORD_CLIENT_SECRET && !c.DISCORD_APPLICATION_ID)
    return {
      variable: 'DISCORD_APPLICATION_ID',
      expected: 'required with DISCORD_CLIENT_SECRET (the OAuth2 client id)',
    };
  if (Boolean(c.SLACK_CLIENT_ID) !== Boolean(c.SLACK_CLIENT_SECRET))
    return c.SLACK_CLIENT_ID
      ? { variable: 'SLACK_CLIENT_SECRET', expected: 'required with SLACK_CLIENT_ID' }
      : { variable: 'SLACK_CLIENT_ID', expected: 'required with SLACK_CLIENT_SECRET' };
  if (c.TELEGRAM_BOT_USERNAME && !c.TELEGRAM_BOT_TOKEN)
    return {
      variable: 'TELEGRAM_BOT_TOKEN',
      expected: 'required with TELEGRAM_BOT_USERNAME (it checks the login hash)',
    };
  if (c.TELEGRAM_WEBHOOK_DOMAIN && !c.TELEGRAM_BOT_TOKEN)
    return { variable: 'TELEGRAM_BOT_TOKEN', expected: 'required with TELEGRAM_WEBHOOK_DOMAIN' };
  if (c.STRIPE_SECRET_KEY && !c.STRIPE_WEBHOOK_SECRET)
    return {
      variable: 'STRIPE_WEBHOOK_SECRET',
      expected: 'required with STRIPE_SECRET_KEY (Developers → Webhooks → Signing secret)',
    };
  if (c.STRIPE_SECRET_KEY && !c.STRIPE_RETURN_URL)
    return {
      variable: 'STRIPE_RETURN_URL',
      expected: 'required with STRIPE_SECRET_KEY: the page buyers return to, e.g. https://example.com/thanks',
    };
  if (c.STRIPE_WEBHOOK_SECRET && !c.STRIPE_SECRET_KEY)
    return { variable: 'STRIPE_SECRET_KEY', expected: 'required with STRIPE_WEBHOOK_SECRET' };
  if (c.TELEGRAM_STARS && !c.TELEGRAM_BOT_TOKEN)
    return { variable: 'TELEGRAM_BOT_TOKEN', expected: 'required with TELEGRAM_STARS=true' };
  return null;
}

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
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(variable, issue?.message ?? 'invalid value');
  }
  const missing = requiredTogether(result.data);
  if (missing) throw new ConfigError(missing.variable, missing.expected);
  return result.data;
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
