/**
 * `npm start`: starts every platform whose credentials are set, or the console sandbox on the demo community
 * when none is. `--platform <name>` picks one; `--reset-demo` rebuilds the demo data.
 * This file only reads arguments and configuration; bots/run.ts does the rest. Whatever stops start-up is told in
 * one line on stderr, with the stack only at LOG_LEVEL=debug.
 */
import { parseArgs } from 'node:util';
import dotenv from 'dotenv';
import { type Config, ConfigError, configuredPlatforms, loadConfig, type PlatformName } from './config.ts';
import { createLogger } from './logger.ts';
import { ROLES, type Role, roleProblem } from './roles.ts';

dotenv.config({ quiet: true });

const USAGE =
  'Usage: npm start [-- --role all|gateway|worker|web] [--platform console|discord|slack|telegram] [--reset-demo]';

function fail(line: string, code = 1): never {
  process.stderr.write(`${line}\n`);
  process.exit(code);
}

let values: { platform?: string; role?: string; 'reset-demo'?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      platform: { type: 'string' },
      role: { type: 'string' },
      'reset-demo': { type: 'boolean', default: false },
    },
    strict: true,
  }));
} catch (error) {
  // parseArgs says e.g. "Unknown option '--bogus'. To specify a positional argument, use '--'…": keep its first sentence.
  const reason = error instanceof Error ? (error.message.split('. ')[0] ?? error.message) : String(error);
  fail(`${reason}. ${USAGE}`, 2);
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}

if (values.role !== undefined && !(ROLES as readonly string[]).includes(values.role))
  fail(`Unknown --role "${values.role}": expected all, gateway, worker or web.`, 2);
const role: Role = (values.role as Role | undefined) ?? config.ROLE;
const problem = roleProblem(role, config);
if (problem) fail(problem, 2);

const requested = values.platform;
if (requested && !['console', 'discord', 'slack', 'telegram'].includes(requested)) {
  fail(`Unknown --platform "${requested}": expected console, discord, slack or telegram.`, 2);
}
const platforms: PlatformName[] =
  requested === 'console' ? [] : requested ? [requested as PlatformName] : configuredPlatforms(config);
// The console sandbox is the single process with no platform: every other role runs headless.
const consoleMode = platforms.length === 0 && role === 'all';

// The console owns stdout for the conversation, so logs go to stderr and default to warnings only.
const log = createLogger({
  level: config.LOG_LEVEL ?? (consoleMode ? 'warn' : 'info'),
  destination: consoleMode ? 'stderr' : 'stdout',
});
const debug = config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace';

// A promise nobody awaited failed (an SDK's background call): log it and keep serving, rather than crash every
// platform for one stray rejection.
process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));

try {
  // Configuration is checked before the heavy modules (database drivers, models, SDKs) load, so a bad value
  // is reported at once.
  const { run } = await import('./run.ts');
  await run({
    config,
    log,
    platforms,
    role,
    explicit: Boolean(requested && requested !== 'console'),
    resetDemo: values['reset-demo'] === true,
  });
} catch (error) {
  const reason = error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  fail(`Cohort could not start: ${reason}`);
}
