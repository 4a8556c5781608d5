import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Clock, systemClock } from '../../core/ports/clock.ts';
import { projectRoot } from '../shared/project-root.ts';

/**
 * Serves the demo feeds in prisma/demo/feeds/ on 127.0.0.1, for the console sandbox and tests. Dates in the files
 * are written `{{date:-5h}}` and rendered once, against the clock's time when the server starts, so the demo's
 * items are fresh and each feed's body (and ETag) stays stable: conditional GETs get 304 like from a real server.
 */
export interface DemoFeedServer {
  /** http://127.0.0.1:<port> */
  url: string;
  feeds: { name: string; url: string }[];
  close(): Promise<void>;
}

const FEEDS_DIR = path.join(projectRoot, 'prisma', 'demo', 'feeds');

const CONTENT_TYPES: [suffix: string, type: string][] = [
  ['.rss.xml', 'application/rss+xml; charset=utf-8'],
  ['.atom.xml', 'application/atom+xml; charset=utf-8'],
  ['.json', 'application/feed+json; charset=utf-8'],
];

export function renderDemoFeed(template: string, file: string, now: Date): string {
  return template.replace(/\{\{date:-(\d+)h\}\}/g, (_, hours: string) => {
    const at = new Date(now.getTime() - Number(hours) * 3_600_000);
    return file.endsWith('.rss.xml') ? at.toUTCString() : at.toISOString();
  });
}

export async function startDemoFeedServer(
  options: { clock?: Clock; port?: number; dir?: string } = {},
): Promise<DemoFeedServer> {
  const clock = options.clock ?? systemClock;
  const dir = options.dir ?? FEEDS_DIR;
  const files = readdirSync(dir).filter((f) => CONTENT_TYPES.some(([suffix]) => f.endsWith(suffix)));
  const startedAt = clock.now();
  const bodies = new Map(files.map((f) => [f, renderDemoFeed(readFileSync(path.join(dir, f), 'utf8'), f, startedAt)]));

  const server = http.createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').split('?')[0]?.slice(1) ?? '');
    const body = bodies.get(name);
    if (req.method !== 'GET' || body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    const type = CONTENT_TYPES.find(([suffix]) => name.endsWith(suffix))?.[1] ?? 'text/plain';
    res.writeHead(200, { 'content-type': type, etag, 'content-length': Buffer.byteLength(body) }).end(body);
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    feeds: files.map((name) => ({ name, url: `${url}/${name}` })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
