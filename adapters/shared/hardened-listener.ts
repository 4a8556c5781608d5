import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../core/ports/logger.ts';

/**
 * The one way Cohort listens for inbound HTTP: Discord interactions, Slack's events endpoint, the Telegram webhook,
 * and every later listener (payment webhooks, the web panel). Whatever a client does, the process keeps running:
 *
 * - it listens on an explicit host and port (operators set them; 127.0.0.1 behind a reverse proxy by default);
 * - the request line, headers and body must all arrive within `readTimeoutMs`, or the client gets 408 and the
 *   socket is closed (a half-sent body, a slow-loris client);
 * - a body over `maxBodyBytes` gets 413, before a byte is read when Content-Length says so, else at the cap;
 * - `screen` sees the headers before the body is read: a request without its signature header (or with a stale
 *   timestamp) is refused at once, so a forger cannot make us buffer anything;
 * - a client that aborts mid-body is dropped quietly, never reaching `handle` and never raising an error;
 * - an error thrown by `handle` is logged and answered 500.
 *
 * `handle` gets the whole body as a Buffer; it writes the response itself.
 */

export interface Refusal {
  status: number;
  /** Logged, and sent as a short plain-text body. */
  reason: string;
}

export interface HardenedListenerOptions {
  /** Names the listener in logs and start-up errors, e.g. `discord-interactions`. */
  name: string;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Largest body accepted, in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Time for the whole request (headers and body) to arrive. Default 10 s. */
  readTimeoutMs?: number;
  /** Time for the headers alone. Default the smaller of 5 s and `readTimeoutMs`. */
  headersTimeoutMs?: number;
  /** Methods accepted; any other gets 405 unread. Default POST only. */
  methods?: readonly string[];
  /** Runs on the headers, before the body is read; a refusal is answered at once. */
  screen?: (req: http.IncomingMessage) => Refusal | null;
  /** Handles a screened request; `refuse` answers a forged or malformed one (logged and counted like a screen's). */
  handle: (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: Buffer,
    refuse: (refusal: Refusal) => void,
  ) => Promise<void> | void;
  log: Logger;
  /** Told of every refusal (the `cohort_webhook_refusals_total` metric); never of the request's content. */
  onRefused?: (refusal: { listener: string; status: number }) => void;
  /** On close, how long requests being handled may still take before their sockets are cut. Default 5 s. */
  closeGraceMs?: number;
}

export const LISTENER_DEFAULTS = {
  maxBodyBytes: 1024 * 1024,
  readTimeoutMs: 10_000,
  headersTimeoutMs: 5_000,
  closeGraceMs: 5_000,
} as const;

export interface HardenedListener {
  address: AddressInfo;
  server: http.Server;
  /** Stops accepting, lets requests being handled finish (up to the grace period), then closes every socket. */
  close(): Promise<void>;
}

/** The listener could not bind (port in use, address not on this host, no permission). */
export class ListenError extends Error {
  readonly code = 'LISTEN_FAILED';
  constructor(
    readonly listener: string,
    readonly host: string,
    readonly port: number,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${listener} cannot listen on ${host}:${port}: ${reason}`, options);
  }
}

/**
 * For screens of signed requests: a Unix timestamp in seconds within `maxSkewSeconds` of now, on either side, as
 * Discord and Slack ask (an old one is a replay; one from the future is forged or from a clock to distrust).
 */
export function isFreshTimestamp(timestamp: string, nowMs: number, maxSkewSeconds = 300): boolean {
  return /^\d{1,12}$/.test(timestamp) && Math.abs(nowMs / 1000 - Number(timestamp)) <= maxSkewSeconds;
}

type BodyOutcome = { kind: 'body'; body: Buffer } | { kind: 'too-large' } | { kind: 'aborted' };

function readBody(req: http.IncomingMessage, maxBytes: number): Promise<BodyOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: BodyOutcome) => {
      if (settled) return;
      settled = true;
      req.removeListener('data', onData);
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return settle({ kind: 'too-large' });
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => settle({ kind: 'body', body: Buffer.concat(chunks, size) }));
    // An aborted request emits 'error' (ECONNRESET, "aborted") and 'close' before 'end': both only end the read.
    req.once('error', () => settle({ kind: 'aborted' }));
    req.once('close', () =>
      settle(req.complete ? { kind: 'body', body: Buffer.concat(chunks, size) } : { kind: 'aborted' }),
    );
  });
}

export async function startHardenedListener(options: HardenedListenerOptions): Promise<HardenedListener> {
  const maxBodyBytes = options.maxBodyBytes ?? LISTENER_DEFAULTS.maxBodyBytes;
  const readTimeoutMs = options.readTimeoutMs ?? LISTENER_DEFAULTS.readTimeoutMs;
  const headersTimeoutMs = Math.min(options.headersTimeoutMs ?? LISTENER_DEFAULTS.headersTimeoutMs, readTimeoutMs);
  const methods = new Set(options.methods ?? ['POST']);
  const log = options.log.child({ listener: options.name });
  const handling = new Set<Promise<void>>();

  const refuse = (req: http.IncomingMessage, res: http.ServerResponse, refusal: Refusal, headers = {}) => {
    log.warn({ status: refusal.status, reason: refusal.reason, remote: req.socket.remoteAddress }, 'request refused');
    options.onRefused?.({ listener: options.name, status: refusal.status });
    // The body is never read: close the connection after the answer instead of draining what the client sends.
    res.once('finish', () => req.destroy());
    res
      .writeHead(refusal.status, { 'content-type': 'text/plain', connection: 'close', ...headers })
      .end(refusal.reason);
  };

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!methods.has(req.method ?? ''))
      return refuse(req, res, { status: 405, reason: 'method not allowed' }, { allow: [...methods].join(', ') });
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBodyBytes)
      return refuse(req, res, { status: 413, reason: `body over ${maxBodyBytes} bytes` });
    const refusal = options.screen?.(req);
    if (refusal) return refuse(req, res, refusal);
    const outcome = await readBody(req, maxBodyBytes);
    if (outcome.kind === 'aborted') {
      log.debug({ remote: req.socket.remoteAddress }, 'client aborted the request');
      return;
    }
    if (outcome.kind === 'too-large')
      return refuse(req, res, { status: 413, reason: `body over ${maxBodyBytes} bytes` });
    try {
      await options.handle(req, res, outcome.body, (refusal) => refuse(req, res, refusal));
    } catch (error) {
      log.error({ err: error }, 'request handler failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
      else res.end();
    }
  }

  const server = http.createServer(
    {
      requestTimeout: readTimeoutMs,
      headersTimeout: headersTimeoutMs,
      // How often Node checks those two timeouts (30 s by default, longer than the timeouts themselves).
      connectionsCheckingInterval: Math.max(250, Math.min(1_000, Math.floor(headersTimeoutMs / 2))),
      keepAliveTimeout: 5_000,
      maxHeaderSize: 16 * 1024,
    },
    (req, res) => {
      const work = serve(req, res).catch((error: unknown) => log.error({ err: error }, 'request failed'));
      handling.add(work);
      void work.finally(() => handling.delete(work));
    },
  );
  server.on('error', (error) => log.error({ err: error }, 'listener error'));

  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) =>
      reject(new ListenError(options.name, options.host, options.port, error.code ?? error.message, { cause: error }));
    server.once('error', failed);
    server.listen({ host: options.host, port: options.port }, () => {
      server.removeListener('error', failed);
      resolve();
    });
  });

  return {
    address: server.address() as AddressInfo,
    server,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, options.closeGraceMs ?? LISTENER_DEFAULTS.closeGraceMs);
      });
      await Promise.race([Promise.allSettled([...handling]), grace]);
      clearTimeout(timer);
      server.closeAllConnections();
      await closed;
    },
  };
}
