import { PrismaReplyPageStore } from '../../adapters/storage/reply-page-store.ts';
import type { Provider } from '../../adapters/storage/schema-source.ts';
import { startTelegram, type TelegramAdapter, type TelegramOptions } from '../../adapters/telegram/adapter.ts';
import { type App, composeApp } from '../../bots/compose.ts';
import { loadConfig } from '../../bots/config.ts';
import { features, type InstalledFeature } from '../../bots/features.ts';
import type { Clock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

/** Where a webhook gateway listens (on 127.0.0.1, a free port). */
export const WEBHOOK_PATH = '/telegram';

/** One gateway process: the real composition root and the real Telegram adapter (telegraf) around it. */
export interface TelegramGateway {
  app: App;
  adapter: TelegramAdapter;
  /** Webhook mode: POSTs `update` to this gateway's listener as Telegram does, with the secret token. */
  postUpdate(update: object, signal?: AbortSignal): Promise<Response>;
}

export interface TelegramGatewayOptions {
  clock: Clock;
  /** Installed after bots/features.ts's list. */
  extraFeatures?: readonly InstalledFeature[];
  /**
   * Webhook mode as ADR 0018's gateways run it: every answer one message (long ones kept as pages in the database)
   * and "typing…" only after 10 s, so a test sees the answer in the webhook's 200. Long polling without it.
   */
  webhook?: { secretToken: string };
  /** Adapter options over the ones above (the fake's token and root, the clock, no command menus). */
  telegram?: Partial<TelegramOptions>;
}

/**
 * Telegram gateways for one test file: as many as it starts, all on one throwaway database in front of one loopback
 * fake Bot API, as the processes of one deployment are. Start it in beforeAll, `close()` it in afterAll.
 */
export interface TelegramGateways {
  db: TestDatabase;
  fake: FakeTelegram;
  start(options: TelegramGatewayOptions): Promise<TelegramGateway>;
  /**
   * The fake first: that releases a call it holds (`holdAfterNext`), and the gateway "killed" there runs on as a
   * process that lost its connection would, so stopping it does not wait forever. Then gateways newest first, then
   * the database.
   */
  close(): Promise<void>;
}

export async function startTelegramGateways(provider: Provider): Promise<TelegramGateways> {
  const db = await createTestDatabase(provider);
  const fake = await startFakeTelegram().catch(async (error: unknown) => {
    await db.drop();
    throw error;
  });
  const started: TelegramGateway[] = [];

  async function start(options: TelegramGatewayOptions): Promise<TelegramGateway> {
    const { clock, webhook } = options;
    const app = (await composeApp({
      config: loadConfig({}),
      log: silentLogger,
      clock,
      database: db,
      features: [...features, ...(options.extraFeatures ?? [])],
    })) as App;
    const adapter = await startTelegram(
      app.core,
      {
        token: fake.token,
        apiRoot: fake.apiRoot,
        clock,
        registerCommands: false,
        ...(webhook
          ? {
              ackAfterMs: 10_000,
              pages: new PrismaReplyPageStore(db.prisma),
              webhook: {
                domain: 'bot.example.test',
                path: WEBHOOK_PATH,
                secretToken: webhook.secretToken,
                port: 0,
                host: '127.0.0.1',
              },
            }
          : {}),
        ...options.telegram,
      },
      silentLogger,
    );
    const gateway: TelegramGateway = {
      app,
      adapter,
      postUpdate(update, signal) {
        if (!webhook || !adapter.webhookAddress) throw new Error('postUpdate needs a webhook gateway');
        return fetch(`http://127.0.0.1:${adapter.webhookAddress.port}${WEBHOOK_PATH}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': webhook.secretToken },
          body: JSON.stringify(update),
          ...(signal ? { signal } : {}),
        });
      },
    };
    started.push(gateway);
    return gateway;
  }

  return {
    db,
    fake,
    start,
    async close() {
      await fake.close();
      for (const { app, adapter } of started.reverse()) {
        await adapter.stop();
        await app.close();
      }
      await db.drop();
    },
  };
}
