import { createHmac, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { type App, HTTPReceiver, type HTTPReceiverOptions, type Receiver } from '@slack/bolt';
import type { Clock } from '../../core/ports/clock.ts';
import type { Logger } from '../../core/ports/logger.ts';
import {
  type HardenedListener,
  type HardenedListenerOptions,
  isFreshTimestamp,
  startHardenedListener,
} from '../shared/hardened-listener.ts';

/**
 * Slack's HTTP endpoint: Bolt's HTTPReceiver does the routing, the HMAC check and the acknowledgement, but on the
 * hardened listener (adapters/shared/hardened-listener.ts) instead of a plain http.Server. A request without both
 * signature headers, or dated more than 5 minutes from now on either side (Bolt only refuses old ones), gets 401
 * before its body is read; the body arrives at Bolt already read (Bolt takes a Buffer in `req.rawBody` as is).
 */
export class HardenedSlackReceiver implements Receiver {
  readonly #bolt: HTTPReceiver;
  readonly #listen: { host: string; port: number };
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #limits: Pick<HardenedListenerOptions, 'maxBodyBytes' | 'readTimeoutMs'>;
  readonly #onRefused: HardenedListenerOptions['onRefused'];
  readonly #secret: string;
  #listener: HardenedListener | undefined;

  constructor(options: {
    bolt: HTTPReceiverOptions;
    host: string;
    port: number;
    clock: Clock;
    log: Logger;
    limits?: Pick<HardenedListenerOptions, 'maxBodyBytes' | 'readTimeoutMs'>;
    onRefused?: HardenedListenerOptions['onRefused'];
  }) {
    this.#bolt = new HTTPReceiver(options.bolt);
    this.#secret = typeof options.bolt.signingSecret === 'string' ? options.bolt.signingSecret : '';
    this.#onRefused = options.onRefused;
    this.#listen = { host: options.host, port: options.port };
    this.#clock = options.clock;
    this.#log = options.log;
    this.#limits = options.limits ?? {};
  }

  init(app: App): void {
    this.#bolt.init(app);
  }

  async start(): Promise<http.Server> {
    this.#listener = await startHardenedListener({
      name: 'slack-events',
      ...this.#listen,
      log: this.#log,
      ...this.#limits,
      ...(this.#onRefused ? { onRefused: this.#onRefused } : {}),
      screen: (req) => {
        const signature = req.headers['x-slack-signature'];
        const timestamp = req.headers['x-slack-request-timestamp'];
        if (typeof signature !== 'string' || typeof timestamp !== 'string')
          return { status: 401, reason: 'missing request signature' };
        if (!isFreshTimestamp(timestamp, this.#clock.now().getTime()))
          return { status: 401, reason: 'request timestamp more than 5 minutes from now' };
        return null;
      },
      handle: (req, res, body, refuse) => {
        // Bolt checks the signature too, but silently: checked here, a forgery is logged and counted like the rest.
        if (!this.#signed(req, body)) return refuse({ status: 401, reason: 'invalid request signature' });
        (req as http.IncomingMessage & { rawBody?: Buffer }).rawBody = body;
        this.#bolt.requestListener(req, res);
      },
    });
    return this.#listener.server;
  }

  /** Slack's v0 signature: HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret. */
  #signed(req: http.IncomingMessage, body: Buffer): boolean {
    const given = String(req.headers['x-slack-signature']);
    const timestamp = String(req.headers['x-slack-request-timestamp']);
    const hmac = createHmac('sha256', this.#secret).update(`v0:${timestamp}:`).update(body);
    const expected = Buffer.from(`v0=${hmac.digest('hex')}`);
    return Buffer.byteLength(given) === expected.length && timingSafeEqual(Buffer.from(given), expected);
  }

  async stop(): Promise<void> {
    await this.#listener?.close();
    this.#listener = undefined;
  }
}
