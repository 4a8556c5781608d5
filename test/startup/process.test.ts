import crypto, { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_APP_ID, type FakeDiscord, startFakeDiscord } from '../fakes/discord.ts';
import { childPids, isAlive, startApp } from '../support/npm-start.ts';
import { rawExchange, rawPost } from '../support/raw-http.ts';

/**
 * The process as an operator's supervisor sees it: SIGTERM sent to `npm start` (what Docker and systemd signal)
 * reaches the app, which drains and exits, leaving no process behind; a feed fetch in flight does not hold the
 * shutdown; an aborted request to the Discord interactions endpoint leaves the process serving.
 */
const dbFile = path.join(os.tmpdir(), `cohort-process-${randomUUID()}.db`);
const database = { DATABASE_URL: `file:${dbFile}` };

function descendants(pid: number): number[] {
  return childPids(pid).flatMap((child) => [child, ...descendants(child)]);
}

async function goneWithin(pids: number[], ms: number): Promise<number[]> {
  const until = Date.now() + ms;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    alive = alive.filter(isAlive);
  }
  return alive;
}

afterAll(() => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(dbFile + suffix, { force: true });
});

describe('signals reach the app through npm start', () => {
  it('SIGTERM to the npm process stops the app: exit 0, no process left', async () => {
    const app = startApp(database);
    app.child.stdin?.write('/help\n');
    await app.waitFor(/Commands you can use/, 'stdout', 60_000);
    const npmPid = app.child.pid as number;
    const tree = descendants(npmPid);
    expect(tree.length).toBeGreaterThan(0);
    process.kill(npmPid, 'SIGTERM');
    const { code, signal } = await app.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(await goneWithin([npmPid, ...tree], 3_000)).toEqual([]);
  }, 90_000);

  it('a feed that never finishes does not hold the shutdown: the fetch stops and the drain ends in time', async () => {
    const requests: http.IncomingMessage[] = [];
    let closedByClient = false;
    const slow = http.createServer((req, res) => {
      requests.push(req);
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.write('<?xml version="1.0"?><rss version="2.0"><channel>');
      const timer = setInterval(() => res.write('<!-- still coming -->'), 200);
      res.on('close', () => {
        clearInterval(timer);
        closedByClient = true;
      });
    });
    slow.listen(0, '127.0.0.1');
    await once(slow, 'listening');
    const feed = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/slow.xml`;
    const app = startApp({ ...database, FEED_ALLOW_PRIVATE_NETWORKS: 'true' });
    try {
      app.child.stdin?.write('/help\n');
      await app.waitFor(/Commands you can use/, 'stdout', 60_000);
      app.child.stdin?.write(`@mod /source add ${feed}\n`);
      for (let i = 0; i < 200 && requests.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(requests).toHaveLength(1);
      process.kill(app.child.pid as number, 'SIGTERM');
      // Exit 0 means the drain finished on its own; the drain deadline (10 s) would exit 1, and the fetch's own
      // 30 s limit is far beyond this test's timeout.
      const { code } = await app.exited;
      expect(code).toBe(0);
      expect(closedByClient).toBe(true);
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  }, 90_000);
});

describe('the Discord interactions endpoint in a running bot', () => {
  let fake: FakeDiscord;
  const keys = crypto.generateKeyPairSync('ed25519');
  const publicKey = keys.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  const sign = (body: string) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    return {
      'x-signature-timestamp': timestamp,
      'x-signature-ed25519': crypto.sign(null, Buffer.from(timestamp + body), keys.privateKey).toString('hex'),
    };
  };

  beforeAll(async () => {
    fake = await startFakeDiscord();
  });
  afterAll(() => fake?.close());

  it('keeps running after aborted, unsigned and oversized requests, and answers the next PING', async () => {
    const app = startApp(
      {
        ...database,
        DISCORD_PUBLIC_KEY: publicKey,
        DISCORD_APPLICATION_ID: FAKE_APP_ID,
        DISCORD_API_URL: fake.apiUrl,
        DISCORD_INTERACTIONS_PORT: '0',
      },
      ['--platform', 'discord'],
    );
    try {
      const [, host, port] = await app.waitFor(
        /"host":"([^"]+)","port":(\d+),"msg":"discord interactions endpoint listening"/,
        'stdout',
        60_000,
      );
      expect(host).toBe('127.0.0.1');
      const ping = JSON.stringify({ id: '1', application_id: FAKE_APP_ID, type: 1, token: 'p', version: 1 });
      for (let i = 0; i < 3; i++)
        await rawExchange(
          Number(port),
          [
            rawPost(
              '/interactions',
              { 'content-type': 'application/json', 'content-length': 4_000, ...sign(ping) },
              ping,
            ),
          ],
          { destroyAfterWrite: true },
        );
      const unsigned = await rawExchange(
        Number(port),
        [rawPost('/interactions', { 'content-type': 'application/json', 'content-length': 4_000 })],
        { waitMs: 1_000 },
      );
      expect(unsigned.response).toMatch(/^HTTP\/1\.1 401 /);
      const big = 'x'.repeat(2 * 1024 * 1024);
      const oversized = await fetch(`http://127.0.0.1:${port}/interactions`, {
        method: 'POST',
        body: big,
        headers: sign(big),
      });
      expect(oversized.status).toBe(413);
      const answered = await fetch(`http://127.0.0.1:${port}/interactions`, {
        method: 'POST',
        body: ping,
        headers: { 'content-type': 'application/json', ...sign(ping) },
      });
      expect(await answered.json()).toEqual({ type: 1 });
      expect(app.child.exitCode).toBeNull();
    } finally {
      app.child.kill('SIGTERM');
      await app.exited;
    }
    expect(app.stderrLines()).toEqual([]);
  }, 90_000);
});
