/**
 * `npm start`: starts every platform whose credentials are set, or the console sandbox on the demo community
 * when none is. `--platform <name>` picks one; `--reset-demo` rebuilds the demo data.
 * This file only reads arguments and configuration; bots/run.ts does the rest.
 */
import { parseArgs } from 'node:util';
import dotenv from 'dotenv';
import { type Config, ConfigError, configuredPlatforms, loadConfig, type PlatformName } from './config.ts';
import { createLogger } from './logger.ts';

dotenv.config({ quiet: true });

const { values } = parseArgs({
  options: { platform: { type: 'string' }, 'reset-demo': { type: 'boolean', default: false } },
  strict: true,
});

function fail(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}

const requested = values.platform;
if (requested && !['console', 'discord', 'slack', 'telegram'].includes(requested)) {
  fail(`Unknown --platform "${requested}": expected console, discord, slack or telegram.`);
}
const platforms: PlatformName[] =
  requested === 'console' ? [] : requested ? [requested as PlatformName] : configuredPlatforms(config);
const consoleMode = platforms.length === 0;

// The console owns stdout for the conversation, so logs go to stderr and default to warnings only.
const log = createLogger({
  level: config.LOG_LEVEL ?? (consoleMode ? 'warn' : 'info'),
  destination: consoleMode ? 'stderr' : 'stdout',
});

// Configuration is checked before the heavy modules (database drivers, models, SDKs) load, so a bad value
// is reported at once.
const { run } = await import('./run.ts');
await run({ config, log, platforms, resetDemo: values['reset-demo'] === true });
