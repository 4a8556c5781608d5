import { ConsoleAccess } from '../../adapters/console/access.ts';
import { ConsoleMessenger } from '../../adapters/console/messenger.ts';
import { ConsoleSession } from '../../adapters/console/session.ts';
import type { Provider } from '../../adapters/storage/schema-source.ts';
import { type App, composeApp } from '../../bots/compose.ts';
import { type Config, loadConfig } from '../../bots/config.ts';
import { ensureDemoCommunity } from '../../bots/demo.ts';
import type { InstalledFeature } from '../../bots/features.ts';
import { ManualClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import type { Metrics } from '../../core/ports/metrics.ts';
import { DEMO_DEFAULT_HANDLE } from '../../prisma/demo/members.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

/** The fixed "now" of every test unless a test moves its clock. */
export const TEST_NOW = '2026-11-20T02:00:00.000Z';

export interface TestApp extends App {
  db: TestDatabase;
  clock: ManualClock;
  config: Config;
  /** The demo community's id (seeded when `demo: true`). */
  demoCommunityId: string | null;
  /** A console session on the demo community: `await console.say('@mod /help')`. */
  console: ConsoleSession;
  /** What was posted to console channels without a command (digests, notices), in order. */
  outbox: ConsoleMessenger;
  /** Roles/channels the console would have unlocked. */
  unlocks: ConsoleAccess;
  dispose(): Promise<void>;
}

/** The real app (composition root) on a throwaway database with a manual clock. */
export async function createTestApp(
  options: {
    provider?: Provider;
    demo?: boolean;
    env?: Record<string, string>;
    now?: string;
    /** The features to install (bots/features.ts by default). */
    features?: readonly InstalledFeature[];
    metrics?: Metrics;
  } = {},
): Promise<TestApp> {
  const db = await createTestDatabase(options.provider ?? 'sqlite');
  const clock = new ManualClock(options.now ?? TEST_NOW);
  const config = loadConfig({ FEED_ALLOW_PRIVATE_NETWORKS: 'true', ...options.env });
  const app = (await composeApp({
    config,
    log: silentLogger,
    clock,
    database: db,
    ...(options.features ? { features: options.features } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  })) as App;
  const outbox = new ConsoleMessenger();
  app.messenger.register('console', outbox);
  const unlocks = new ConsoleAccess();
  app.access.register('console', unlocks);
  const demoCommunityId = options.demo
    ? await ensureDemoCommunity(app.services, { clock, seed: 42, reset: false, log: silentLogger })
    : null;
  const console = new ConsoleSession(app.core, app.services.members, {
    defaultHandle: DEMO_DEFAULT_HANDLE,
    communityId: async () =>
      demoCommunityId ??
      (await app.services.communities.ensure('console', 'demo', { name: 'Cohort Demo Community' })).id,
    imageDir: db.url.startsWith('file:') ? `${db.url.slice(5)}-images` : '/tmp/cohort-test-images',
  });
  return {
    ...app,
    db,
    clock,
    config,
    demoCommunityId,
    console,
    outbox,
    unlocks,
    async dispose() {
      await app.close();
      await db.drop();
    },
  };
}
