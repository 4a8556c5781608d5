import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedError } from '../../core/content/errors.ts';
import { HttpFeedFetcher } from './fetcher.ts';

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
    expect(await fetcher.fetch(`${base}/feed`, { etag: '"v1"', lastModified: null })).toEqual({ kind: 'not_modified' });
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
