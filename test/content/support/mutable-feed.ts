import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One RSS item of a test feed. */
export interface TestFeedItem {
  guid: string;
  title: string;
  link: string;
  body: string;
  author?: string;
  categories?: string[];
  publishedAt: Date;
}

/**
 * A feed on 127.0.0.1 whose items, status and caching headers a test changes between polls: new items arriving,
 * a server failing, a server that says how long its document stays fresh.
 */
export interface MutableFeed {
  url: string;
  items: TestFeedItem[];
  /** Status of the next responses (200 by default). */
  status: number;
  /** Extra response headers (Cache-Control, Expires, Retry-After). */
  headers: Record<string, string>;
  hits: number;
  close(): Promise<void>;
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function rssOf(title: string, items: readonly TestFeedItem[]): string {
  const entries = items
    .map(
      (item) =>
        `<item><title>${xml(item.title)}</title><link>${xml(item.link)}</link>` +
        `<guid isPermaLink="false">${xml(item.guid)}</guid><pubDate>${item.publishedAt.toUTCString()}</pubDate>` +
        (item.author ? `<dc:creator>${xml(item.author)}</dc:creator>` : '') +
        (item.categories ?? []).map((c) => `<category>${xml(c)}</category>`).join('') +
        `<description>${xml(item.body)}</description></item>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>${xml(title)}</title><link>https://feed.example/</link>${entries}</channel></rss>`;
}

export async function startMutableFeed(title = 'Mutable Feed'): Promise<MutableFeed> {
  const state = { items: [] as TestFeedItem[], status: 200, headers: {} as Record<string, string>, hits: 0 };
  const server = http.createServer((_req, res) => {
    state.hits++;
    if (state.status !== 200) {
      res.writeHead(state.status, { 'content-type': 'text/plain', ...state.headers }).end('failing');
      return;
    }
    const body = rssOf(title, state.items);
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', ...state.headers }).end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/feed.xml`,
    get items() {
      return state.items;
    },
    set items(items) {
      state.items = items;
    },
    get status() {
      return state.status;
    },
    set status(status) {
      state.status = status;
    },
    get headers() {
      return state.headers;
    },
    set headers(headers) {
      state.headers = headers;
    },
    get hits() {
      return state.hits;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
