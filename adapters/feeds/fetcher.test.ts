import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedError } from '../../core/content/errors.ts';
import { isAllowedAddress } from './address-guard.ts';
import { freshness, HttpFeedFetcher, retryAfterSeconds } from './fetcher.ts';

const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>A</title><link>https://example.com/a</link></item></channel></rss>`;

let server: http.Server;
let base: string;
let port: number;
const open = new Set<http.ServerResponse>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    const path = req.url ?? '/';
    if (path === '/cached') {
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'cache-control': 'max-age=3600' }).end(RSS);
      return;
    }
    if (path === '/busy') {
      res.writeHead(429, { 'retry-after': '300' }).end('slow down');
      return;
    }
    if (path === '/feed') {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304).end();
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/rss+xml',
        etag: '"v1"',
        'last-modified': 'Sun, 01 Nov 2026 00:00:00 GMT',
      });
      res.end(RSS);
    } else if (path === '/gbk') {
      res.writeHead(200, { 'content-type': 'application/xml; charset=gbk' });
      // "中文" in GBK.
      res.end(Buffer.from([0xd6, 0xd0, 0xce, 0xc4]));
    } else if (path === '/huge') {
      // 100 MB announced and streamed: the fetcher must stop reading long before.
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const pump = () => {
        while (sent < 100 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return res.once('drain', pump);
        }
        res.end();
      };
      pump();
    } else if (path === '/huge-declared') {
      res.writeHead(200, { 'content-length': String(100 * 1024 * 1024) });
      res.write('<rss>');
    } else if (path === '/never-ends') {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const timer = setInterval(() => res.write('<!-- still here -->'), 50);
      res.on('close', () => clearInterval(timer));
    } else if (path === '/no-headers') {
      // Accept the request and say nothing.
    } else if (path === '/to-metadata') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    } else if (path.startsWith('/loop')) {
      res.writeHead(301, { location: `/loop${path.length}` }).end();
    } else if (path === '/moved') {
      res.writeHead(301, { location: '/feed' }).end();
    } else if (path === '/gzip') {
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' });
      res.end(gzipSync(RSS.repeat(50)));
    } else if (path === '/gone') {
      res.writeHead(410).end('gone');
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  for (const res of open) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function failure(promise: Promise<unknown>): Promise<FeedError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FeedError);
  return error as FeedError;
}

describe('HttpFeedFetcher', () => {
  const fetcher = new HttpFeedFetcher({
    allowPrivateNetworks: true,
    totalTimeoutMs: 1_500,
    headersTimeoutMs: 800,
    maxBytes: 1024 * 1024,
  });
  afterAll(() => fetcher.close());
  const none = { etag: null, lastModified: null };

  it('fetches a feed and answers a conditional GET with not_modified', async () => {
    const first = await fetcher.fetch(`${base}/feed`, none);
    expect(first).toMatchObject({ kind: 'ok', etag: '"v1"', lastModified: 'Sun, 01 Nov 2026 00:00:00 GMT' });
    expect(first.kind === 'ok' && first.body).toBe(RSS);
    expect(await fetcher.fetch(`${base}/feed`, { etag: '"v1"', lastModified: null })).toEqual({
      kind: 'not_modified',
      freshForMs: null,
    });
  });

  it('reports how long the server says a document stays fresh, and when a busy server wants us back', async () => {
    expect(await fetcher.fetch(`${base}/cached`, none)).toMatchObject({ kind: 'ok', freshForMs: 3_600_000 });
    await expect(fetcher.fetch(`${base}/busy`, none)).rejects.toMatchObject({
      code: 'FEED_HTTP_STATUS',
      params: { status: 429, retryAfterS: 300 },
    });
  });

  it('follows a redirect and reports the final URL', async () => {
    const result = await fetcher.fetch(`${base}/moved`, none);
    expect(result).toMatchObject({ kind: 'ok', finalUrl: `${base}/feed` });
  });

  it('decodes the declared charset', async () => {
    const result = await fetcher.fetch(`${base}/gbk`, none);
    expect(result.kind === 'ok' && result.body).toBe('中文');
  });

  it('stops a 100 MB body at the size cap', async () => {
    expect((await failure(fetcher.fetch(`${base}/huge`, none))).code).toBe('FEED_TOO_LARGE');
    expect((await failure(fetcher.fetch(`${base}/huge-declared`, none))).code).toBe('FEED_TOO_LARGE');
  });

  it('gives up on a response that never ends, and on one that never starts', async () => {
    expect((await failure(fetcher.fetch(`${base}/never-ends`, none))).code).toBe('FEED_TIMEOUT');
    expect((await failure(fetcher.fetch(`${base}/no-headers`, none))).code).toBe('FEED_TIMEOUT');
  });

  it('refuses a redirect to the cloud metadata address even when private networks are allowed', async () => {
    const error = await failure(fetcher.fetch(`${base}/to-metadata`, none));
    expect(error.code).toBe('FEED_BLOCKED_ADDRESS');
    expect(error.params).toMatchObject({ address: '169.254.169.254', range: 'linkLocal' });
  });

  it('caps redirects', async () => {
    expect((await failure(fetcher.fetch(`${base}/loop`, none))).code).toBe('FEED_TOO_MANY_REDIRECTS');
  });

  it('reports HTTP errors with their status and refuses non-http schemes', async () => {
    const error = await failure(fetcher.fetch(`${base}/gone`, none));
    expect(error).toMatchObject({ code: 'FEED_HTTP_STATUS', params: { status: 410 } });
    expect((await failure(fetcher.fetch('file:///etc/passwd', none))).code).toBe('FEED_BAD_URL');
  });
});

describe('SSRF guard without FEED_ALLOW_PRIVATE_NETWORKS', () => {
  it('refuses loopback literals and names that resolve to loopback', async () => {
    const fetcher = new HttpFeedFetcher();
    try {
      const literal = await failure(fetcher.fetch(`${base}/feed`, { etag: null, lastModified: null }));
      expect(literal.params).toMatchObject({ address: '127.0.0.1', range: 'loopback' });
      const named = await failure(fetcher.fetch(`http://localhost:${port}/feed`, { etag: null, lastModified: null }));
      expect(named.code).toBe('FEED_BLOCKED_ADDRESS');
    } finally {
      await fetcher.close();
    }
  });

  it('checks the address the socket connects to, so a rebinding DNS answer cannot slip through', async () => {
    // The attacker's name answers loopback only when the socket connects; there is no earlier pre-check to fool,
    // because the only lookup is the connect-time one.
    const asked: string[] = [];
    const fetcher = new HttpFeedFetcher({
      resolver: (host, _options, callback) => {
        asked.push(host);
        callback(null, [{ address: '127.0.0.1', family: 4 }]);
      },
    });
    try {
      const error = await failure(
        fetcher.fetch(`http://rebind.example.test:${port}/feed`, { etag: null, lastModified: null }),
      );
      expect(error.code).toBe('FEED_BLOCKED_ADDRESS');
      expect(error.params).toMatchObject({ host: 'rebind.example.test', address: '127.0.0.1' });
      expect(asked).toEqual(['rebind.example.test']);
    } finally {
      await fetcher.close();
    }
  });
});

describe('IPv6 addresses that embed an IPv4 address', () => {
  const none = { etag: null, lastModified: null };
  // Every form that carries 127.0.0.1 or 169.254.169.254: IPv4-compatible, mapped, SIIT, NAT64, 6to4, Teredo.
  const loopbackForms = [
    '[::127.0.0.1]',
    '[::7f00:1]',
    '[::ffff:127.0.0.1]',
    '[::ffff:0:127.0.0.1]',
    '[64:ff9b::127.0.0.1]',
    '[2002:7f00:1::1]',
    '[2001:0:4136:e378:8000:63bf:80ff:fffe]',
  ];
  const metadataForms = [
    '[::169.254.169.254]',
    '[::ffff:169.254.169.254]',
    '[64:ff9b::a9fe:a9fe]',
    '[2002:a9fe:a9fe::]',
  ];

  it('refuses each form as a literal host, naming the embedded range', async () => {
    const fetcher = new HttpFeedFetcher();
    try {
      for (const host of loopbackForms) {
        const error = await failure(fetcher.fetch(`http://${host}:${port}/feed`, none));
        expect(error.code, host).toBe('FEED_BLOCKED_ADDRESS');
        expect(error.params.range, host).toBe('loopback');
      }
      for (const host of metadataForms) {
        const error = await failure(fetcher.fetch(`http://${host}/latest/meta-data/`, none));
        expect(error.params.range, host).toBe('linkLocal');
      }
    } finally {
      await fetcher.close();
    }
  });

  it('refuses the metadata forms even when private networks are allowed, directly and through a redirect', async () => {
    const fetcher = new HttpFeedFetcher({ allowPrivateNetworks: true });
    const redirector = http.createServer((req, res) => {
      res
        .writeHead(302, { location: `http://${decodeURIComponent((req.url ?? '/').slice(1))}/latest/meta-data/` })
        .end();
    });
    redirector.listen(0, '127.0.0.1');
    await once(redirector, 'listening');
    const via = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
    try {
      for (const host of metadataForms) {
        expect((await failure(fetcher.fetch(`http://${host}/`, none))).code, host).toBe('FEED_BLOCKED_ADDRESS');
        const redirected = await failure(fetcher.fetch(`${via}/${encodeURIComponent(host)}`, none));
        expect(redirected.code, `redirect to ${host}`).toBe('FEED_BLOCKED_ADDRESS');
      }
    } finally {
      redirector.closeAllConnections();
      await new Promise((resolve) => redirector.close(resolve));
      await fetcher.close();
    }
  });

  it('refuses a name whose DNS answer is an embedded form', async () => {
    const answers: Record<string, string> = {
      'compat.example.test': '::7f00:1',
      'nat64.example.test': '64:ff9b::a9fe:a9fe',
    };
    const fetcher = new HttpFeedFetcher({
      connectTimeoutMs: 300,
      totalTimeoutMs: 1_000,
      resolver: (host, _options, callback) => callback(null, [{ address: answers[host] ?? '::1', family: 6 }]),
    });
    try {
      const compat = await failure(fetcher.fetch(`http://compat.example.test:${port}/feed`, none));
      expect(compat).toMatchObject({
        code: 'FEED_BLOCKED_ADDRESS',
        params: { address: '::7f00:1', range: 'loopback' },
      });
      const nat64 = await failure(fetcher.fetch('http://nat64.example.test/', none));
      expect(nat64).toMatchObject({ code: 'FEED_BLOCKED_ADDRESS', params: { range: 'linkLocal' } });
    } finally {
      await fetcher.close();
    }
  });

  it('judges an embedded public address as public (NAT64 and 6to4 hosts stay reachable)', () => {
    for (const address of ['64:ff9b::808:808', '2002:808:808::1', '::ffff:8.8.8.8'])
      expect(isAllowedAddress(address, false), address).toBe(true);
    for (const address of ['::', '::1', '::a00:1', '64:ff9b::c0a8:1', '2002:c0a8:101::', '2001:0:a00:1::'])
      expect(isAllowedAddress(address, false), address).toBe(false);
  });
});

describe('HttpFeedFetcher edge cases', () => {
  const none = { etag: null, lastModified: null };

  it('allows an origin by name while private networks stay refused, and re-checks its redirects', async () => {
    const fetcher = new HttpFeedFetcher({ allowedOrigins: [base] });
    try {
      expect(await fetcher.fetch(`${base}/feed`, none)).toMatchObject({ kind: 'ok' });
      expect((await failure(fetcher.fetch(`${base}/to-metadata`, none))).code).toBe('FEED_BLOCKED_ADDRESS');
      // Another port on the same host is another origin.
      expect((await failure(fetcher.fetch(`http://127.0.0.1:${port + 1}/feed`, none))).code).toBe(
        'FEED_BLOCKED_ADDRESS',
      );
      expect((await failure(fetcher.fetch(`http://[::127.0.0.1]:${port}/feed`, none))).code).toBe(
        'FEED_BLOCKED_ADDRESS',
      );
    } finally {
      await fetcher.close();
    }
    expect(() => new HttpFeedFetcher({ allowedOrigins: ['http://localhost:4870'] })).toThrow(/IP-literal/);
  });

  it('refuses compressed and oversized bodies without leaving an error behind', async () => {
    // Each refusal stops reading the body; the stream's own "aborted" error must not escape (it would end the
    // process, and vitest fails the run on it).
    const fetcher = new HttpFeedFetcher({ allowPrivateNetworks: true, maxBytes: 1024 });
    try {
      for (let i = 0; i < 20; i++) {
        expect((await failure(fetcher.fetch(`${base}/gzip`, none))).code).toBe('FEED_COMPRESSED_BODY');
        expect((await failure(fetcher.fetch(`${base}/huge-declared`, none))).code).toBe('FEED_TOO_LARGE');
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await fetcher.close();
    }
  });

  it('names credentials in the URL without echoing them', async () => {
    const fetcher = new HttpFeedFetcher({ allowPrivateNetworks: true });
    try {
      const error = await failure(fetcher.fetch(`http://me:secret@127.0.0.1:${port}/feed`, none));
      expect(error).toMatchObject({ code: 'FEED_CREDENTIALS_IN_URL', params: { host: `127.0.0.1:${port}` } });
      expect(JSON.stringify(error.params)).not.toContain('secret');
    } finally {
      await fetcher.close();
    }
  });

  it('stops a slow fetch at once when closed, as FEED_ABORTED, and refuses new ones', async () => {
    const fetcher = new HttpFeedFetcher({ allowPrivateNetworks: true, totalTimeoutMs: 30_000 });
    const slow = fetcher.fetch(`${base}/never-ends`, none).then(
      () => null,
      (e: unknown) => e,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await fetcher.close();
    // Settling as FEED_ABORTED (not FEED_TIMEOUT after the 30 s limit, beyond this test's own timeout) is the proof.
    const error = (await slow) as FeedError;
    expect(error).toBeInstanceOf(FeedError);
    expect(error.code).toBe('FEED_ABORTED');
    expect((await failure(fetcher.fetch(`${base}/feed`, none))).code).toBe('FEED_ABORTED');
  });
});

describe('caching headers and Retry-After', () => {
  const headers = (values: Record<string, string>) => (name: string) => values[name] ?? null;

  it('reads how long a document stays fresh: s-maxage, max-age less Age, Expires less Date, no-cache', () => {
    expect(freshness(headers({ 'cache-control': 'public, max-age=7200' }))).toBe(7_200_000);
    expect(freshness(headers({ 'cache-control': 'max-age=600, s-maxage=3600' }))).toBe(3_600_000);
    expect(freshness(headers({ 'cache-control': 'max-age=600', age: '100' }))).toBe(500_000);
    expect(freshness(headers({ 'cache-control': 'no-cache' }))).toBe(0);
    expect(freshness(headers({ 'cache-control': 'no-store, max-age=600' }))).toBe(0);
    expect(
      freshness(headers({ expires: 'Sun, 01 Nov 2026 02:00:00 GMT', date: 'Sun, 01 Nov 2026 00:30:00 GMT' })),
    ).toBe(5_400_000);
    expect(freshness(headers({ expires: '0' }))).toBe(0);
    expect(freshness(headers({ 'cache-control': 'max-age=9999999' }))).toBe(86_400_000);
    expect(freshness(headers({}))).toBeNull();
  });

  it('reads Retry-After in seconds, capped at a day', () => {
    expect(retryAfterSeconds('120')).toBe(120);
    expect(retryAfterSeconds('999999')).toBe(86_400);
    expect(retryAfterSeconds(null)).toBeNull();
    expect(retryAfterSeconds('soon')).toBeNull();
  });
});
