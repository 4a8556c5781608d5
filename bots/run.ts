import { ConsoleAccess } from '../adapters/console/access.ts';
import { ConsoleMessenger } from '../adapters/console/messenger.ts';
import { runConsole } from '../adapters/console/repl.ts';
import { ConsoleSession } from '../adapters/console/session.ts';
import { type DemoFeedServer, startDemoFeedServer } from '../adapters/feeds/demo-server.ts';
import { ModelUnavailableError } from '../adapters/ml/errors.ts';
import type { PromMetrics } from '../adapters/ops/prom-metrics.ts';
import type { HardenedListener } from '../adapters/shared/hardened-listener.ts';
import { pingDatabase } from '../adapters/storage/database.ts';
import { PrismaReplyPageStore } from '../adapters/storage/reply-page-store.ts';
import { systemClock } from '../core/ports/clock.ts';
import type { Logger } from '../core/ports/logger.ts';
import { DEMO_DEFAULT_HANDLE } from '../prisma/demo/members.ts';
import { type App, composeApp } from './compose.ts';
import type { Config, PlatformName } from './config.ts';
import { ensureDemoCommunity } from './demo.ts';
import { startPaymentListeners } from './payments.ts';
import { type PlatformModule, startPlatform } from './platforms/start.ts';
import type { RunningPlatform } from './platforms/types.ts';
import { startPostOnlyPlatforms } from './post-only.ts';
import { createRateBudget } from './rate-budget.ts';
import { dutiesOf, type Role } from './roles.ts';

type PanelModule = typeof import('./panel.ts');
type RunningPanel = Awaited<ReturnType<PanelModule['startPanel']>>;

/**
 * Starts the web panel unless WEB_ENABLED=false. It is imported only here, after the app is up, and never while
 * the console's first reply or a platform's first request is being served (docs/adr/0008-start-up.md). A panel that
 * cannot listen is reported in one line and chat keeps working; the sandbox takes any free port instead of a busy one.
 */
async function startWebPanel(
  app: App,
  config: Config,
  log: Logger,
  options: { anyPortIfBusy: boolean },
): Promise<RunningPanel | null> {
  if (!config.WEB_ENABLED) return null;
  const webLog = log.child({ ns: 'adapter:web' });
  try {
    const { startPanel } = await import('./panel.ts');
    try {
      return await startPanel({ app, config, log: webLog, clock: systemClock });
    } catch (error) {
      if (!options.anyPortIfBusy || (error as { reason?: string }).reason !== 'EADDRINUSE') throw error;
      webLog.warn({ port: config.WEB_PORT }, 'web panel port busy; using a free port');
      return await startPanel({ app, config: { ...config, WEB_PORT: 0 }, log: webLog, clock: systemClock });
    }
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
    process.stderr.write(`Web panel not started (WEB_HOST/WEB_PORT): ${reason}\n`);
    log.debug({ err: error }, 'web panel start failure in detail');
    return null;
  }
}

/** With no console input, the sandbox's panel starts after this long. */
const PANEL_IDLE_START_MS = 1_000;

/** The demo member the sandbox's panel link signs in as: the operator, who sees every page. */
const DEMO_ADMIN_HANDLE = 'admin';

/** How long a shutdown may take (platforms drain, in-flight commands finish) before the process exits anyway. */
export const SHUTDOWN_DRAIN_MS = 10_000;

const PLATFORM_MODULES: Record<PlatformName, () => Promise<PlatformModule>> = {
  discord: () => import('./platforms/discord.ts'),
  slack: () => import('./platforms/slack.ts'),
  telegram: () => import('./platforms/telegram.ts'),
};

/** The demo feeds on their documented port, or any free port when that one is taken. */
async function startDemoFeeds(port: number, log: Logger): Promise<DemoFeedServer> {
  try {
    return await startDemoFeedServer({ port });
  } catch (error) {
    log.warn({ err: error, port }, 'demo feed port busy; using a free port');
    return startDemoFeedServer({ port: 0 });
  }
}

function fail(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

/** The ops port; a busy or refused port is logged and skipped (the bot itself runs without it). */
async function startOps(
  config: Config,
  metrics: PromMetrics,
  app: App,
  running: readonly RunningPlatform[],
  log: Logger,
  takesJobs: boolean,
): Promise<HardenedListener | null> {
  const { startOpsServer } = await import('../adapters/ops/ops-server.ts');
  metrics.observeQueue(() => app.scheduler.stats());
  try {
    const listener = await startOpsServer({
      host: config.OPS_HOST,
      port: config.OPS_PORT,
      metrics,
      log: log.child({ ns: 'adapter:ops' }),
      checks: () => [
        { name: 'database', check: () => pingDatabase(app.database) },
        // A process that runs jobs is ready once its queue has started and its store answers.
        ...(takesJobs ? [{ name: 'queue', check: () => app.scheduler.ready() }] : []),
        ...running.map((p) => ({ name: p.name, check: async () => p.connected?.() ?? true })),
      ],
    });
    log.info({ url: `http://${config.OPS_HOST}:${listener.address.port}` }, 'ops port: /healthz /readyz /metrics');
    return listener;
  } catch (error) {
    log.warn({ err: error, host: config.OPS_HOST, port: config.OPS_PORT }, 'ops port not started');
    return null;
  }
}

/**
 * Opens the app, then runs the console sandbox (no platforms) or starts every platform given, and shuts down
 * gracefully on SIGINT/SIGTERM: adapters stop taking work, feed fetches stop, in-flight commands finish, the
 * database closes, all within SHUTDOWN_DRAIN_MS.
 */
export async function run(options: {
  config: Config;
  log: Logger;
  platforms: PlatformName[];
  /** What this process does (bots/roles.ts); the console sandbox runs as `all`. */
  role?: Role;
  /** `--platform` named the platform: its failure to start ends the process instead of being skipped. */
  explicit: boolean;
  resetDemo: boolean;
}): Promise<void> {
  const { log, platforms } = options;
  const role = options.role ?? 'all';
  const duties = dutiesOf(role);
  const consoleMode = platforms.length === 0 && role === 'all';
  // The sandbox reaches loopback unless FEED_ALLOW_PRIVATE_NETWORKS says otherwise; its own demo feeds are
  // allowed by their exact address either way, so an explicit false still leaves a working demo.
  const config: Config = consoleMode
    ? { ...options.config, FEED_ALLOW_PRIVATE_NETWORKS: options.config.FEED_ALLOW_PRIVATE_NETWORKS ?? true }
    : options.config;
  const feeds = consoleMode ? await startDemoFeeds(config.DEMO_FEED_PORT, log) : undefined;
  const metrics = config.OPS_ENABLED ? new (await import('../adapters/ops/prom-metrics.ts')).PromMetrics() : undefined;
  let app: App;
  try {
    app = await composeApp({
      config,
      log,
      clock: systemClock,
      takesJobs: duties.jobs,
      ...(feeds ? { allowedFeedOrigins: [feeds.url] } : {}),
      ...(metrics ? { metrics } : {}),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    if (error instanceof ModelUnavailableError)
      return fail(`Cannot load the content model (MODEL_NAME=${config.MODEL_NAME}): ${reason}`);
    return fail(`Cannot open the database (DATABASE_URL): ${reason}`);
  }

  let stopping = false;
  const running: RunningPlatform[] = [];
  const postOnly: Awaited<ReturnType<typeof startPostOnlyPlatforms>> = [];
  const ops = metrics ? await startOps(config, metrics, app, running, log, duties.jobs) : null;
  const paymentListeners = await startPaymentListeners(app, config, log, systemClock, metrics);
  let panel: Promise<RunningPanel | null> = Promise.resolve(null);
  let panelStarted = false;
  async function shutdown(signal: string, code = 0): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight work');
    const deadline = setTimeout(() => {
      log.error({ drainMs: SHUTDOWN_DRAIN_MS }, 'shutdown took longer than the drain time; exiting now');
      process.exit(code || 1);
    }, SHUTDOWN_DRAIN_MS);
    deadline.unref();
    // Scheduled posts first, while the platforms can still post: a send in progress finishes, a slot still being
    // built is handed back at once (its lease released) for another process, or the next start, to post.
    await app.posts.stop().catch((err) => log.error({ err }, 'stopping scheduled posts failed'));
    for (const listener of paymentListeners)
      await listener.stop().catch((err) => log.error({ err, listener: listener.name }, 'payment listener stop failed'));
    await panel.then((running) => running?.close()).catch((err) => log.error({ err }, 'stopping the web panel failed'));
    for (const platform of [...running.reverse(), ...postOnly])
      await platform.stop().catch((err) => log.error({ err }, 'platform stop failed'));
    let exitCode = code;
    try {
      await feeds?.close();
      await ops?.close();
      await app.close();
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      exitCode = exitCode || 1;
    }
    process.exit(exitCode);
  }
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  if (consoleMode && feeds) {
    const communityId = await ensureDemoCommunity(app.services, {
      clock: systemClock,
      seed: config.DEMO_SEED,
      reset: options.resetDemo,
      log,
    });
    const session = new ConsoleSession(app.core, app.services.members, {
      defaultHandle: DEMO_DEFAULT_HANDLE,
      communityId: async () => communityId,
      imageDir: 'data/attachments',
    });
    app.messenger.register('console', new ConsoleMessenger((text) => process.stdout.write(text)));
    app.access.register('console', new ConsoleAccess());
    const interactive = process.stdin.isTTY === true;
    await app.start();
    // The panel starts once the console has answered its first line, or after a second with no input (the
    // `sleep 60 | npm start` case), so loading it never delays the first reply. Its one-time link is printed once it
    // listens (in piped mode on stderr, since stdout is the conversation).
    let panelTimer: NodeJS.Timeout | undefined;
    const startPanelOnce = () => {
      clearTimeout(panelTimer);
      if (panelStarted || stopping) return;
      panelStarted = true;
      panel = startWebPanel(app, config, log, { anyPortIfBusy: true });
      void panel.then(async (web) => {
        const admin = web ? await app.services.members.findByHandle(communityId, DEMO_ADMIN_HANDLE) : null;
        if (!web || !admin || stopping) return;
        const link = web.signInLink({
          platform: 'console',
          platformUserId: admin.platformUserId,
          name: admin.displayName,
          communities: [{ id: communityId }],
        });
        (interactive ? process.stdout : process.stderr).write(
          `Web panel (one-time sign-in as @${DEMO_ADMIN_HANDLE}): ${link}\n`,
        );
      });
    };
    panelTimer = setTimeout(startPanelOnce, PANEL_IDLE_START_MS);
    const conversation = {
      run: async (line: string) => {
        const turn = await session.run(line);
        if (turn) startPanelOnce();
        return turn;
      },
    };
    await runConsole(conversation, {
      input: process.stdin,
      output: process.stdout,
      interactive,
      banner: [
        'Cohort console sandbox — demo community. `@handle /cmd` speaks as a member (default @alice), `!N` presses a button, Ctrl+D quits.',
        'Try: /help · @chen /recommend · @mod /source add <feed> · @mod /digest preview · @alice /tip @bob 5 thanks',
        `Demo feeds: ${feeds.feeds.map((f) => f.url).join('  ')}`,
      ].join('\n'),
    });
    clearTimeout(panelTimer);
    await shutdown('end-of-input');
    return;
  }

  log.info({ role }, 'starting');
  // The panel loads before the platforms listen, so its start-up work never holds up a platform's first request.
  if (duties.panel) {
    panel = startWebPanel(app, config, log, { anyPortIfBusy: false });
    const web = await panel;
    if (web) log.info({ url: web.url }, 'web panel listening');
  }

  // One call budget for the install (ADR 0017): gateways, workers and web processes all take from it.
  const rateBudget = createRateBudget(config, app.database, systemClock, log);
  if (!duties.platforms) {
    // Workers and web processes post through REST clients alone; the gateways keep the platform connections.
    postOnly.push(...(await startPostOnlyPlatforms(config, log, rateBudget)));
    for (const platform of postOnly) {
      app.messenger.register(platform.name, platform.messenger);
      if (platform.access) app.access.register(platform.name, platform.access);
    }
    log.info({ role, platforms: postOnly.map((p) => p.name) }, 'posting without platform connections');
    if (duties.jobs) await app.start();
    return;
  }

  for (const name of platforms) {
    if (stopping) return;
    const started = await startPlatform(name, await PLATFORM_MODULES[name](), {
      core: app.core,
      config,
      log: log.child({ ns: `adapter:${name}` }),
      payments: app.services.payments,
      ...(metrics ? { metrics } : {}),
      rateBudget,
      replyPages: new PrismaReplyPageStore(app.database.prisma),
    });
    if (!started.ok) {
      // One line an operator can act on; the SDK's stack only at LOG_LEVEL=debug.
      process.stderr.write(`${started.line}\n`);
      log.error({ platform: name, code: started.code }, 'platform not started');
      log.debug({ err: started.error, platform: name }, 'platform start failure in detail');
      if (options.explicit) return shutdown('start-failure', 1);
      continue;
    }
    const platform = started.platform;
    running.push(platform);
    app.messenger.register(name, platform.messenger);
    if (platform.access) app.access.register(name, platform.access);
    log.info({ platform: name }, 'platform started');
  }
  if (running.length === 0) {
    if (platforms.length === 0) process.stderr.write(`--role ${role} needs a platform's credentials (.env.example)\n`);
    return shutdown('no-platform-started', 1);
  }
  // Jobs (polling, digest timers, reports, sweeps) start once every platform can post; a gateway takes none.
  if (duties.jobs) await app.start();
}
