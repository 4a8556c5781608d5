/** `npm run db:migrate`: applies pending migrations to DATABASE_URL without starting the bot. */
import dotenv from 'dotenv';
import { openDatabase } from '../../adapters/storage/database.ts';
import { ConfigError, loadConfig } from '../../bots/config.ts';
import { createLogger } from '../../bots/logger.ts';

dotenv.config({ quiet: true });
try {
  const config = loadConfig();
  const log = createLogger({ level: config.LOG_LEVEL ?? 'info', destination: 'stdout' });
  const db = await openDatabase(config.DATABASE_URL, { log });
  log.info({ database: db.displayUrl }, 'database is up to date');
  await db.close();
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
