import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

/**
 * A feed server on 127.0.0.1 that misbehaves on purpose, one path per attack:
 * /malformed, /laughs, /laughs-padded (the declaration after 70 KB of comments), /huge (100 MB),
 * /to-metadata (redirect to 169.254.169.254), /to-metadata-v4-compatible and /to-metadata-nat64 (the same address
 * inside IPv6: `[::169.254.169.254]`, `[64:ff9b::169.254.169.254]`), /gzip (declared) and /gzip-undeclared,
 * /never-ends, /churn (every fetch renames every guid), /flood (100 new items per fetch), /flaky (HTTP 500), /ok.
 */
export interface HostileServer {
  url: string;
  /** Fetches of /churn and /flood so far. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

const rss = (items: string) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>Hostile</title>${items}</channel></rss>`;
const item = (guid: string, n: number, at: Date) =>
  `<item><guid>${guid}</guid><title>Story number ${n} about product strategy</title><link>https://hostile.example/story/${n}?utm_source=feed</link><pubDate>${at.toUTCString()}</pubDate><description>A long enough description of story ${n}, about product strategy, data and the teams that build them, so it scores like a real article would. Keys k${n}a k${n}b k${n}c k${n}d.</description></item>`;

export async function startHostileServer(now: () => Date): Promise<HostileServer> {
  const hits = new Map<string, number>();
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const hit = (hits.get(path) ?? 0) + 1;
    hits.set(path, hit);
    const xml = { 'content-type': 'application/rss+xml' };
    switch (path) {
      case '/ok':
        res.writeHead(200, xml).end(rss(item('ok-1', 1, now())));
        return;
      case '/malformed':
        res.writeHead(200, xml).end('<rss version="2.0"><channel><title>x</title><item><title>broken</item></channel>');
        return;
      case '/laughs':
        res.writeHead(200, xml).end(`<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
<rss version="2.0"><channel><title>&lol2;</title><item><title>&lol2;</title></item></channel></rss>`);
        return;
      case '/laughs-padded':
        res
          .writeHead(200, xml)
          .end(
            `<?xml version="1.0"?><!--${'padding '.repeat(9_000)}--><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>&x;</title></channel></rss>`,
          );
        return;
      case '/gzip':
        res.writeHead(200, { ...xml, 'content-encoding': 'gzip' }).end(gzipSync(rss(item('gz-1', 1, now()))));
        return;
      case '/gzip-undeclared':
        res.writeHead(200, xml).end(gzipSync(rss(item('gz-2', 2, now()))));
        return;
      case '/to-metadata-v4-compatible':
        res.writeHead(302, { location: 'http://[::169.254.169.254]/latest/meta-data/' }).end();
        return;
      case '/to-metadata-nat64':
        res.writeHead(302, { location: 'http://[64:ff9b::169.254.169.254]/latest/meta-data/' }).end();
        return;
      case '/huge': {
        res.writeHead(200, xml);
        const chunk = Buffer.alloc(64 * 1024, 'a');
        let sent = 0;
        const pump = (): void => {
          while (sent < 100 * 1024 * 1024) {
            sent += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        pump();
        return;
      }
      case '/to-metadata':
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/' }).end();
        return;
      case '/never-ends': {
        res.writeHead(200, xml);
        res.write('<?xml version="1.0"?><rss version="2.0"><channel>');
        const timer = setInterval(() => res.write('<!-- more -->'), 50);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case '/churn':
        // The same five stories, with guids that change on every fetch.
        res.writeHead(200, xml).end(rss([1, 2, 3, 4, 5].map((n) => item(`churn-${hit}-${n}`, n, now())).join('')));
        return;
      case '/flood':
        res
          .writeHead(200, xml)
          .end(
            rss(
              Array.from({ length: 100 }, (_, i) =>
                item(`flood-${hit}-${i}`, hit * 1000 + i, new Date(now().getTime() - i * 60_000)),
              ).join(''),
            ),
          );
        return;
      case '/flaky':
        res.writeHead(500).end('oops');
        return;
      default:
        res.writeHead(404).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
