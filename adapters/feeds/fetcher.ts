import ipaddr from 'ipaddr.js';
import type { Agent } from 'undici';
import { FeedError } from '../../core/content/errors.ts';
import type { FeedFetcher, FeedFetchResult } from '../../core/ports/feed-fetcher.ts';
import { BlockedAddressError, checkLiteralHost, guardedLookup, type Resolver } from './address-guard.ts';

/**
 * Polite, bounded HTTP fetching of feeds. Every limit has a default; the operator overrides any of them.
 * Redirects are followed by hand so each hop is re-checked (scheme, literal address, and the guarded lookup).
 */
export interface FeedFetcherOptions {
  /** FEED_ALLOW_PRIVATE_NETWORKS: lets tests and the demo fetch from 127.0.0.1. Default false. */
  allowPrivateNetworks?: boolean;
  /** TCP/TLS connect. Default 5 s. */
  connectTimeoutMs?: number;
  /** Until the response headers arrive. Default 10 s. */
  headersTimeoutMs?: number;
  /** Longest silence between body chunks. Default 10 s. */
  bodyTimeoutMs?: number;
  /** The whole fetch, redirects included: stops a body that trickles forever. Default 30 s. */
  totalTimeoutMs?: number;
  /** Response body cap in bytes. Default 5 MiB. */
  maxBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  userAgent?: string;
  /** DNS resolution (all answers); tests inject a fake to play a rebinding attacker. Default dns.lookup. */
  resolver?: Resolver;
  /**
   * Origins allowed by name whatever the address guard says, e.g. the sandbox's own demo feeds on
   * `http://127.0.0.1:4870`. IP-literal hosts only (a name would go through the guarded lookup anyway); a redirect
   * elsewhere is checked as usual.
   */
  allowedOrigins?: readonly string[];
}

type Limits = Required<Omit<FeedFetcherOptions, 'resolver' | 'allowedOrigins'>>;

const DEFAULTS: Limits = {
  allowPrivateNetworks: false,
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  totalTimeoutMs: 30_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  userAgent: 'CohortBot/0.1 (+feed digest; polite polling)',
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** undici's timeout errors, by code (the classes load with undici, which is imported only on the first fetch). */
const UNDICI_TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const GZIP_MAGIC = [0x1f, 0x8b];

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current && chain.length < 6) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/**
 * Stops reading a body we refuse. undici's body stream emits an "aborted" error when destroyed; with nobody
 * listening that error would be uncaught and end the process, so it is heard and dropped here.
 */
function discard(body: { on(event: 'error', listener: () => void): unknown; destroy(): unknown }): void {
  body.on('error', () => {});
  body.destroy();
}

function charsetOf(contentType: string | null, head: Uint8Array): string {
  const fromHeader = contentType ? /charset=["']?([\w-]+)/i.exec(contentType)?.[1] : undefined;
  if (fromHeader) return fromHeader;
  const prolog = new TextDecoder('latin1').decode(head.subarray(0, 200));
  return /<\?xml[^>]*encoding=["']([\w-]+)["']/i.exec(prolog)?.[1] ?? 'utf-8';
}

function decode(bytes: Uint8Array, contentType: string | null): string {
  const charset = charsetOf(contentType, bytes);
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

export class HttpFeedFetcher implements FeedFetcher {
  readonly #options: Limits;
  readonly #resolver: Resolver | undefined;
  readonly #allowedOrigins: Set<string>;
  /** Aborted by close(): fetches in flight stop at once, so a slow feed never holds up a shutdown. */
  readonly #closing = new AbortController();
  #http: Promise<{ agent: Agent; request: typeof import('undici').request }> | null = null;

  constructor(options: FeedFetcherOptions = {}) {
    this.#options = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
    this.#resolver = options.resolver;
    this.#allowedOrigins = new Set(
      (options.allowedOrigins ?? []).map((origin) => {
        const url = new URL(origin);
        if (!ipaddr.isValid(url.hostname.replace(/^\[|\]$/g, '')))
          throw new Error(`allowed feed origin ${origin} must have an IP-literal host`);
        return url.origin;
      }),
    );
  }

  /** undici (and its agent) load on the first fetch: most starts never fetch before answering someone. */
  #client() {
    this.#http ??= import('undici').then(({ Agent, request }) => ({
      request,
      agent: new Agent({
        connect: {
          timeout: this.#options.connectTimeoutMs,
          lookup: guardedLookup(this.#options.allowPrivateNetworks, this.#resolver),
        },
        headersTimeout: this.#options.headersTimeoutMs,
        bodyTimeout: this.#options.bodyTimeoutMs,
        // Feeds are polled minutes apart: keeping sockets open buys nothing.
        pipelining: 0,
      }),
    }));
    // A failed load is retried by the next fetch rather than remembered.
    this.#http.catch(() => {
      this.#http = null;
    });
    return this.#http;
  }

  /** Stops every fetch in flight (they fail with FEED_ABORTED) and closes the sockets. */
  async close(): Promise<void> {
    this.#closing.abort();
    const http = await this.#http?.catch(() => null);
    await http?.agent.destroy();
  }

  async fetch(
    url: string,
    conditional: { etag: string | null; lastModified: string | null },
  ): Promise<FeedFetchResult> {
    if (this.#closing.signal.aborted) throw new FeedError('FEED_ABORTED', 'the fetcher is closed');
    const signal = AbortSignal.any([AbortSignal.timeout(this.#options.totalTimeoutMs), this.#closing.signal]);
    let current = this.#checkUrl(url);
    for (let hop = 0; ; hop++) {
      const result = await this.#once(current, conditional, signal).catch((error: unknown) => {
        throw this.#translate(error, current);
      });
      if (result.kind !== 'redirect') return result;
      if (hop >= this.#options.maxRedirects) {
        throw new FeedError('FEED_TOO_MANY_REDIRECTS', 'too many redirects', { limit: this.#options.maxRedirects });
      }
      let next: URL;
      try {
        next = new URL(result.location, current);
      } catch {
        throw new FeedError('FEED_BAD_URL', 'bad redirect location', { url: result.location.slice(0, 200) });
      }
      current = this.#checkUrl(next.href);
    }
  }

  #checkUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new FeedError('FEED_BAD_URL', 'not a URL', { url: raw.slice(0, 200) });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new FeedError('FEED_BAD_URL', 'only http and https', { url: raw.slice(0, 200) });
    }
    if (url.username || url.password) {
      // Never echo the credentials themselves: the host is enough to find the entry.
      throw new FeedError('FEED_CREDENTIALS_IN_URL', 'credentials in URL', { host: url.host });
    }
    if (this.#allowedOrigins.has(url.origin)) return url;
    try {
      checkLiteralHost(url.hostname, this.#options.allowPrivateNetworks);
    } catch (error) {
      throw this.#translate(error, url);
    }
    return url;
  }

  async #once(
    url: URL,
    conditional: { etag: string | null; lastModified: string | null },
    signal: AbortSignal,
  ): Promise<FeedFetchResult | { kind: 'redirect'; location: string }> {
    const headers: Record<string, string> = {
      'user-agent': this.#options.userAgent,
      accept:
        'application/rss+xml, application/atom+xml, application/feed+json, application/json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
      // No compression: a small gzip body can inflate past any cap before we could count it.
      'accept-encoding': 'identity',
    };
    if (conditional.etag) headers['if-none-match'] = conditional.etag;
    if (conditional.lastModified) headers['if-modified-since'] = conditional.lastModified;

    const { agent, request } = await this.#client();
    const response = await request(url, { method: 'GET', headers, dispatcher: agent, signal });
    const header = (name: string): string | null => {
      const value = response.headers[name];
      return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
    };
    if (response.statusCode === 304) {
      await response.body.dump();
      return { kind: 'not_modified', freshForMs: freshness(header) };
    }
    if (REDIRECTS.has(response.statusCode)) {
      await response.body.dump();
      const location = header('location');
      if (!location)
        throw new FeedError('FEED_HTTP_STATUS', 'redirect without location', { status: response.statusCode });
      return { kind: 'redirect', location };
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      await response.body.dump({ limit: 64 * 1024 }).catch(() => {});
      const retryAfterS = retryAfterSeconds(header('retry-after'));
      throw new FeedError('FEED_HTTP_STATUS', `HTTP ${response.statusCode}`, {
        status: response.statusCode,
        ...(retryAfterS !== null ? { retryAfterS } : {}),
      });
    }
    const encoding = (header('content-encoding') ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== '') {
      discard(response.body);
      throw new FeedError('FEED_COMPRESSED_BODY', 'compressed body', { encoding: encoding.slice(0, 40) });
    }
    const declared = Number(header('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > this.#options.maxBytes) {
      discard(response.body);
      throw new FeedError('FEED_TOO_LARGE', 'response too large', { limit: this.#options.maxBytes });
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > this.#options.maxBytes) {
        discard(response.body);
        throw new FeedError('FEED_TOO_LARGE', 'response too large', { limit: this.#options.maxBytes });
      }
      chunks.push(chunk);
    }
    const bytes = Buffer.concat(chunks, size);
    // Compressed without saying so: never unpacked, reported for what it is rather than as a malformed document.
    if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1])
      throw new FeedError('FEED_COMPRESSED_BODY', 'gzip body', { encoding: 'gzip' });
    return {
      kind: 'ok',
      body: decode(bytes, header('content-type')),
      contentType: header('content-type'),
      etag: header('etag'),
      lastModified: header('last-modified'),
      finalUrl: url.href,
      freshForMs: freshness(header),
    };
  }

  #translate(error: unknown, url: URL): FeedError {
    if (error instanceof FeedError) return error;
    if (this.#closing.signal.aborted) return new FeedError('FEED_ABORTED', 'shutting down', {}, { cause: error });
    for (const link of causeChain(error)) {
      if (link instanceof BlockedAddressError) {
        return new FeedError(
          'FEED_BLOCKED_ADDRESS',
          link.message,
          { host: link.host, address: link.address, range: link.range },
          { cause: error },
        );
      }
      if (
        UNDICI_TIMEOUTS.has((link as { code?: string }).code ?? '') ||
        (link instanceof Error && (link.name === 'TimeoutError' || link.name === 'AbortError'))
      ) {
        return new FeedError('FEED_TIMEOUT', 'timed out', { host: url.host }, { cause: error });
      }
      const code = (link as { code?: string }).code;
      if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
        return new FeedError('FEED_DNS', 'host not found', { host: url.host }, { cause: error });
      }
    }
    const detail = error instanceof Error ? error.message.slice(0, 200) : 'unknown';
    return new FeedError('FEED_NETWORK', detail, { host: url.host, detail }, { cause: error });
  }
}

/** A day: the most a server's caching headers can stretch one polling interval. */
const MAX_FRESH_MS = 86_400_000;

/**
 * How long the response says it stays fresh, from Cache-Control (s-maxage, max-age, less Age) or else Expires
 * (less the server's Date, so our clock's skew does not count). null when the headers say nothing usable.
 */
export function freshness(header: (name: string) => string | null): number | null {
  const cacheControl = (header('cache-control') ?? '').toLowerCase();
  if (/(^|[,\s])(no-store|no-cache)([,\s=]|$)/.test(cacheControl)) return 0;
  const maxAge = /(?:^|[,\s])s-maxage=(\d+)/.exec(cacheControl) ?? /(?:^|[,\s])max-age=(\d+)/.exec(cacheControl);
  if (maxAge?.[1]) {
    const age = Number(header('age') ?? 0);
    const seconds = Number(maxAge[1]) - (Number.isFinite(age) ? age : 0);
    return Math.min(MAX_FRESH_MS, Math.max(0, seconds * 1000));
  }
  const expires = header('expires');
  if (expires) {
    const until = Date.parse(expires);
    if (Number.isNaN(until)) return 0;
    const served = Date.parse(header('date') ?? '');
    const from = Number.isNaN(served) ? Date.now() : served;
    return Math.min(MAX_FRESH_MS, Math.max(0, until - from));
  }
  return null;
}

/** Retry-After as seconds (delta-seconds or an HTTP date), capped at a day; null when absent or unreadable. */
export function retryAfterSeconds(value: string | null): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(86_400, Number(trimmed));
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.min(86_400, Math.max(0, Math.round((at - Date.now()) / 1000)));
}
