import crypto from 'node:crypto';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordAdapter, startDiscord } from '../../adapters/discord/adapter.ts';
import { startStripeWebhooks } from '../../adapters/payments/stripe-webhooks.ts';
import type { HardenedListener } from '../../adapters/shared/hardened-listener.ts';
import { type SlackAdapter, startSlack } from '../../adapters/slack/adapter.ts';
import { startTelegram, type TelegramAdapter } from '../../adapters/telegram/adapter.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { FAKE_APP_ID, type FakeDiscord, startFakeDiscord } from '../fakes/discord.ts';
import { type FakeSlack, signSlack, slackPayloads, startFakeSlack } from '../fakes/slack.ts';
import { stripeEvent } from '../fakes/stripe.ts';
import { type FakeTelegram, startFakeTelegram, telegramUpdates } from '../fakes/telegram.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { rawExchange, rawPost } from '../support/raw-http.ts';

/**
 * Every inbound HTTP listener, started by its adapter with small limits, against the same hostile clients: each
 * listens where it is told, refuses an unsigned request before reading its body, caps the body, times out a
 * half-sent one, and keeps serving after clients that abort mid-body.
 */
const LIMITS = { maxBodyBytes: 64 * 1024, readTimeoutMs: 800 };

interface Listener {
  port(): number;
  host(): string | undefined;
  path: string;
  /** Headers that make a request genuine for `body` (a signature, a secret), dated `skewSeconds` from now. */
  sign(body: string, skewSeconds?: number): Record<string, string>;
  /** A genuine request body the listener answers with 200. */
  genuine(): string;
  contentType: string;
  /** What a request without its signature gets. */
  unsignedStatus: number;
}

function hostileClients(name: string, listener: () => Listener) {
  describe(`${name}: an HTTP edge that cannot be knocked over`, () => {
    const send = (body: string, headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${listener().port()}${listener().path}`, {
        method: 'POST',
        body,
        headers: { 'content-type': listener().contentType, ...headers },
      });

    it('listens on the host and port it was given', () => {
      expect(listener().host()).toBe('127.0.0.1');
      expect(listener().port()).toBeGreaterThan(0);
    });

    it('refuses a request without its signature before reading the body', async () => {
      // 50 kB promised, none sent: the refusal still comes at once.
      const { response } = await rawExchange(
        listener().port(),
        [rawPost(listener().path, { 'content-type': listener().contentType, 'content-length': 50_000 })],
        { waitMs: 400 },
      );
      expect(response).toMatch(new RegExp(`^HTTP/1\\.1 ${listener().unsignedStatus} `));
    });

    it('caps the body: 413 for a body over the limit, even when signed', async () => {
      const body = 'x'.repeat(LIMITS.maxBodyBytes + 1);
      expect((await send(body, listener().sign(body))).status).toBe(413);
    });

    it('closes a half-sent body with 408 after the read timeout', async () => {
      const body = listener().genuine();
      const { response, closedByServer } = await rawExchange(
        listener().port(),
        [
          rawPost(
            listener().path,
            { 'content-type': listener().contentType, 'content-length': body.length + 100, ...listener().sign(body) },
            body,
          ),
        ],
        { waitMs: 5_000 },
      );
      expect(closedByServer).toBe(true);
      expect(response).toMatch(/^HTTP\/1\.1 408 /);
    });

    it('survives clients that abort mid-body, then answers a genuine request', async () => {
      const body = listener().genuine();
      for (let i = 0; i < 3; i++)
        await rawExchange(
          listener().port(),
          [
            rawPost(
              listener().path,
              { 'content-type': listener().contentType, 'content-length': body.length * 2, ...listener().sign(body) },
              body.slice(0, 10),
            ),
          ],
          { destroyAfterWrite: true },
        );
      const response = await send(body, listener().sign(body));
      expect(response.status).toBe(200);
    });
  });
}

describe('inbound listeners', () => {
  let app: TestApp;
  let discordFake: FakeDiscord;
  let slackFake: FakeSlack;
  let telegramFake: FakeTelegram;
  let discord: DiscordAdapter;
  let slack: SlackAdapter;
  let telegram: TelegramAdapter;
  let stripe: HardenedListener;
  const STRIPE_SECRET = 'whsec_edge_secret';
  const discordKeys = crypto.generateKeyPairSync('ed25519');
  const discordPublicKey = discordKeys.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  const SLACK_SECRET = 'edge-signing-secret';
  const TELEGRAM_SECRET = 'edge-secret-token';
  let updateId = 50_000;
  const stripeRefusals: Array<{ listener: string; status: number }> = [];

  beforeAll(async () => {
    app = await createTestApp({
      env: {
        STRIPE_SECRET_KEY: 'sk_test_edge',
        STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
        STRIPE_RETURN_URL: 'https://x.test/',
      },
    });
    stripe = await startStripeWebhooks({
      payments: app.services.payments,
      webhookSecret: STRIPE_SECRET,
      host: '127.0.0.1',
      port: 0,
      log: silentLogger,
      clock: systemClock,
      limits: LIMITS,
      onRefused: (refusal) => stripeRefusals.push(refusal),
    });
    [discordFake, slackFake, telegramFake] = await Promise.all([
      startFakeDiscord(),
      startFakeSlack(),
      startFakeTelegram(),
    ]);
    slackFake.addUser({ id: 'U0EDGE', name: 'edge' });
    [discord, slack, telegram] = await Promise.all([
      // HTTP interactions only (no token, no Gateway).
      startDiscord(
        app.core,
        {
          applicationId: FAKE_APP_ID,
          apiUrl: discordFake.apiUrl,
          publicKey: discordPublicKey,
          interactionsHost: '127.0.0.1',
          interactionsPort: 0,
          interactionsLimits: LIMITS,
          rest: { retries: 0, timeout: 2_000 },
        },
        silentLogger,
      ),
      startSlack(
        app.core,
        {
          botToken: 'xoxb-edge',
          signingSecret: SLACK_SECRET,
          apiUrl: slackFake.apiUrl,
          host: '127.0.0.1',
          port: 0,
          limits: LIMITS,
          retries: 0,
        },
        silentLogger,
      ),
      startTelegram(
        app.core,
        {
          token: telegramFake.token,
          apiRoot: telegramFake.apiRoot,
          registerCommands: false,
          webhook: {
            domain: 'bot.example.test',
            path: '/telegram',
            secretToken: TELEGRAM_SECRET,
            host: '127.0.0.1',
            port: 0,
            limits: LIMITS,
          },
        },
        silentLogger,
      ),
    ]);
  });

  afterAll(async () => {
    await Promise.allSettled([discord?.stop(), slack?.stop(), telegram?.stop(), stripe?.close()]);
    await Promise.all([discordFake?.close(), slackFake?.close(), telegramFake?.close()]);
    await app?.dispose();
  });

  const discordSign = (body: string, skewSeconds = 0) => {
    const timestamp = String(Math.floor(Date.now() / 1000) + skewSeconds);
    return {
      'x-signature-timestamp': timestamp,
      'x-signature-ed25519': crypto.sign(null, Buffer.from(timestamp + body), discordKeys.privateKey).toString('hex'),
    };
  };
  const slackSign = (body: string, skewSeconds = 0) => {
    const timestamp = Math.floor(Date.now() / 1000) + skewSeconds;
    return {
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlack(SLACK_SECRET, timestamp, body),
    };
  };
  const slackCommand = () =>
    new URLSearchParams(
      slackPayloads.slashCommand(
        '/cohort',
        'help tip',
        { id: 'U0EDGE', name: 'edge' },
        `edge-${++updateId}`,
        slackFake.responseUrl(`edge-${updateId}`),
      ),
    ).toString();

  const stripeSigner = new Stripe('sk_test_edge');
  hostileClients('Stripe webhooks', () => ({
    port: () => stripe.address.port,
    host: () => stripe.address.address,
    path: '/stripe/webhooks',
    sign: (payload, skewSeconds = 0) => ({
      'stripe-signature': stripeSigner.webhooks.generateTestHeaderString({
        payload,
        secret: STRIPE_SECRET,
        timestamp: Math.floor(Date.now() / 1000) + skewSeconds,
      }),
    }),
    genuine: () => JSON.stringify(stripeEvent(`evt_edge_${++updateId}`, 'customer.created', { id: 'cus_edge' })),
    contentType: 'application/json',
    unsignedStatus: 400,
  }));

  hostileClients('Discord interactions', () => ({
    port: () => discord.interactionsAddress?.port ?? 0,
    host: () => discord.interactionsAddress?.address,
    path: '/interactions',
    sign: discordSign,
    genuine: () => JSON.stringify({ id: '1', application_id: FAKE_APP_ID, type: 1, token: 'p', version: 1 }),
    contentType: 'application/json',
    unsignedStatus: 401,
  }));

  hostileClients('Slack events', () => ({
    port: () => slack.address?.port ?? 0,
    host: () => slack.address?.address,
    path: '/slack/events',
    sign: slackSign,
    genuine: slackCommand,
    contentType: 'application/x-www-form-urlencoded',
    unsignedStatus: 401,
  }));

  hostileClients('Telegram webhook', () => ({
    port: () => telegram.webhookAddress?.port ?? 0,
    host: () => telegram.webhookAddress?.address,
    path: '/telegram',
    sign: () => ({ 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET }),
    genuine: () =>
      JSON.stringify(telegramUpdates.message(++updateId, { id: -100 }, { id: 9, first_name: 'Edge' }, 'hello')),
    contentType: 'application/json',
    unsignedStatus: 403,
  }));

  it.each([
    ['Slack', 600, 401],
    ['Slack', -600, 401],
    ['Slack', 60, 200],
    ['Discord', 600, 401],
    ['Discord', -600, 401],
  ])('%s: a correctly signed request dated %i s from now gets %i', async (platform, skew, status) => {
    const discordTarget = platform === 'Discord';
    const body = discordTarget
      ? JSON.stringify({ id: '1', application_id: FAKE_APP_ID, type: 1, token: 'p', version: 1 })
      : slackCommand();
    const port = discordTarget ? discord.interactionsAddress?.port : slack.address?.port;
    const response = await fetch(`http://127.0.0.1:${port}${discordTarget ? '/interactions' : '/slack/events'}`, {
      method: 'POST',
      body,
      headers: {
        'content-type': discordTarget ? 'application/json' : 'application/x-www-form-urlencoded',
        ...(discordTarget ? discordSign(body, skew) : slackSign(body, skew)),
      },
    });
    expect(response.status).toBe(status);
  });

  it('Telegram: a wrong secret of the right length is refused too', async () => {
    const body = JSON.stringify(telegramUpdates.message(++updateId, { id: -100 }, { id: 9, first_name: 'E' }, 'x'));
    const response = await fetch(`http://127.0.0.1:${telegram.webhookAddress?.port}/telegram`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-telegram-bot-api-secret-token': 'x'.repeat(TELEGRAM_SECRET.length),
      },
    });
    expect(response.status).toBe(403);
  });

  it('Stripe: both refusals are counted, the unsigned one screened before its body and the forged one after', async () => {
    const before = stripeRefusals.length;
    const url = `http://127.0.0.1:${stripe.address.port}/stripe/webhooks`;
    const body = JSON.stringify(stripeEvent('evt_edge_forged', 'customer.created', { id: 'cus_edge' }));
    expect((await fetch(url, { method: 'POST', body })).status).toBe(400);
    const forged = `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`;
    expect((await fetch(url, { method: 'POST', body, headers: { 'stripe-signature': forged } })).status).toBe(400);
    expect(stripeRefusals.slice(before)).toEqual([
      { listener: 'stripe-webhooks', status: 400 },
      { listener: 'stripe-webhooks', status: 400 },
    ]);
  });
});
