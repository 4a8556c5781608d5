import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp } from '../../bots/compose.ts';
import { loadConfig } from '../../bots/config.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { rssOf, type TestFeedItem } from '../content/support/mutable-feed.ts';
import { FAKE_APP_ID, FAKE_CHANNEL_ID, FAKE_GUILD_ID, type FakeDiscord, startFakeDiscord } from '../fakes/discord.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { childPids, type StartedApp, startApp } from '../support/npm-start.ts';

/**
 * Issue 15's acceptance test: on PostgreSQL, one gateway and two workers started the product way
 * (`npm start -- --role …`) share the jobs through pg-boss. Each job slot runs once, however many workers announce it;
 * a worker killed with SIGKILL in the middle of a feed poll has its run taken over by the other, and the feed's new
 * item reaches the fake Discord once.
 */
const POLL_SECONDS = 3;
// Above the slowest run here (the content model loads on the first learn pass), so only a dead worker's run expires.
const EXPIRE_SECONDS = 15;

interface FeedServer {
  url: string;
  items: TestFeedItem[];
  /** While set, requests are held unanswered (a slow feed), their client ports recorded. */
  hold: boolean;
  held: number[];
  hits: number;
  close(): Promise<void>;
}

async function startFeed(): Promise<FeedServer> {
  const held: http.ServerResponse[] = [];
  const state: FeedServer = {
    url: '',
    items: [],
    hold: false,
    held: [],
    hits: 0,
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server = http.createServer((req, res) => {
    state.hits++;
    if (state.hold) {
      state.held.push(req.socket.remotePort ?? 0);
      held.push(res);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(rssOf('Wire', state.items));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`;
  return state;
}

/** The process (among `pids`) that owns the TCP connection from local port `port` (Linux /proc). */
function ownerOfLocalPort(port: number, pids: number[]): number | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hex}`) && cols[9]) inodes.add(cols[9]);
    }
  }
  return pids.find((pid) =>
    readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        return inodes.has(link.slice('socket:['.length, -1));
      } catch {
        return false;
      }
    }),
  );
}

/** Sums a counter's samples on one process's /metrics by its `job` label. */
async function jobRuns(opsUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${opsUrl}/metrics`)).text();
  const runs = new Map<string, number>();
  for (const [, job, value] of text.matchAll(/^cohort_job_runs_total\{job="([^"]+)",result="ok"\} (\d+)/gm))
    runs.set(job as string, (runs.get(job as string) ?? 0) + Number(value));
  return runs;
}

const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

describe('jobs shared by worker processes on PostgreSQL (pg-boss)', () => {
  let db: TestDatabase;
  let discord: FakeDiscord;
  let feed: FeedServer;
  let sql: pg.Client;
  const processes: StartedApp[] = [];
  let sourceId = '';

  const env = () => ({
    DATABASE_URL: db.url,
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: FAKE_APP_ID,
    DISCORD_API_URL: discord.apiUrl,
    FEED_ALLOW_PRIVATE_NETWORKS: 'true',
    FEED_POLL_SECONDS: String(POLL_SECONDS),
    JOB_EXPIRE_SECONDS: String(EXPIRE_SECONDS),
    JOB_RETRY_DELAY_SECONDS: '1',
    JOB_POLL_SECONDS: '0.5',
    WEB_ENABLED: 'false',
    LOG_LEVEL: 'info',
  });
  const start = (role: string) => {
    const app = startApp(env(), ['--role', role]);
    processes.push(app);
    return app;
  };
  const opsUrlOf = async (app: StartedApp) =>
    (await app.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"ops port/, 'stdout', 90_000))[1] as string;
  const nodePid = (app: StartedApp) => childPids(app.child.pid ?? 0)[0] ?? (app.child.pid as number);
  /** Every queued run of a job kind, from pg-boss's table. */
  const runsOf = async (queue: string) =>
    (
      await sql.query<{ id: string; state: string; retry_count: number; slot: string }>(
        `SELECT id, state, retry_count, data->>'slot' AS slot FROM pgboss.job WHERE name = $1 ORDER BY created_on`,
        [queue],
      )
    ).rows;
  const postsOfItem = (title: string) =>
    discord
      .channelMessages(FAKE_CHANNEL_ID)
      .filter((m) => JSON.stringify(m.embeds ?? []).includes(title) || String(m.content ?? '').includes(title));

  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
    discord = await startFakeDiscord();
    feed = await startFeed();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    // The community and its feed, set up through the app's own services (instant delivery to the channel).
    const seed = await composeApp({
      config: loadConfig({ DATABASE_URL: db.url, FEED_ALLOW_PRIVATE_NETWORKS: 'true' }),
      log: silentLogger,
      clock: systemClock,
      database: db,
    });
    const community = await seed.services.communities.ensure('discord', FAKE_GUILD_ID, { name: 'Fake guild' });
    feed.items = [
      {
        guid: 'old',
        title: 'Before the source was added',
        link: 'https://wire.example/0',
        body: 'Old news.',
        publishedAt: new Date(Date.now() - 3_600_000),
      },
    ];
    const added = await seed.services.content.sources.add({
      community,
      url: feed.url,
      topics: [],
      noticeChannelId: FAKE_CHANNEL_ID,
      createdById: null,
    });
    if (!added.ok) throw new Error(`feed not added: ${added.code}`);
    sourceId = added.source.id;
    await seed.services.content.sources.setDelivery(community.id, sourceId, { delivery: 'instant' });
    await seed.close();
  }, 180_000);

  afterAll(async () => {
    for (const app of processes) {
      if (app.child.exitCode === null) app.child.kill('SIGTERM');
      await app.exited;
    }
    await sql?.end();
    await feed?.close();
    await discord?.close();
    await db?.drop();
  }, 60_000);

  it('runs each job slot once across two workers, and a killed worker’s run is taken over', async () => {
    // The gateway first: its `npm start` brings dist/ up to date, so the workers start from the same build.
    const gateway = start('gateway');
    await gateway.waitFor(/"msg":"platform started"/, 'stdout', 120_000);
    const workers = [start('worker'), start('worker')];
    const opsUrls = await Promise.all(workers.map(opsUrlOf));
    await Promise.all(workers.map((w) => w.waitFor(/"msg":"job queue started"/, 'stdout', 60_000)));

    // A few poll slots go by, each announced by both workers.
    await until(
      'three completed poll slots',
      async () => (await runsOf('cohort-content-poll')).filter((r) => r.state === 'completed').length >= 3,
    );
    const ranOk = async () => {
      const perWorker = await Promise.all(opsUrls.map(jobRuns));
      return (job: string) => perWorker.reduce((sum, runs) => sum + (runs.get(job) ?? 0), 0);
    };
    for (const [queue, job] of [
      ['cohort-content-poll', 'content:poll'],
      ['cohort-weekly-report', 'weekly-report'],
      ['cohort-content-learn', 'content:learn'],
    ] as const) {
      // Runs counted before the queue is read cannot outnumber completed slots, nor those counted after fall short
      // of them (a run is counted, then marked completed): a slot run twice would break the first.
      const before = (await ranOk())(job);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const completed = (await runsOf(queue)).filter((r) => r.state === 'completed');
      const after = (await ranOk())(job);
      expect(completed.length).toBeGreaterThan(0);
      expect(new Set(completed.map((r) => r.slot)).size).toBe(completed.length);
      expect({ job, runs: before }).toEqual({ job, runs: Math.min(before, completed.length) });
      expect(after).toBeGreaterThanOrEqual(completed.length);
    }
    // The gateway announced nothing and ran nothing: it has no queue of its own.
    expect(gateway.stdout()).not.toMatch(/"msg":"job queue started"/);

    // A new item arrives and the feed turns slow: the worker polling it hangs on the fetch and is killed.
    feed.items = [
      ...feed.items,
      {
        guid: 'new',
        title: 'Central bank holds rates',
        link: 'https://wire.example/1',
        body: 'Rates unchanged.',
        publishedAt: new Date(),
      },
    ];
    feed.hold = true;
    await sql.query(`UPDATE "ContentSource" SET "nextFetchAt" = now() - interval '1 minute' WHERE id = $1`, [sourceId]);
    await until('a worker fetching the feed', () => feed.held.length > 0, 30_000);
    const pids = workers.map(nodePid);
    const holder = ownerOfLocalPort(feed.held[0] as number, pids);
    expect(holder).toBeDefined();
    const [hung] = (await runsOf('cohort-content-poll')).filter((r) => r.state === 'active');
    expect(hung).toBeDefined();
    process.kill(holder as number, 'SIGKILL');
    const victim = workers[pids.indexOf(holder as number)] as StartedApp;
    await victim.exited;
    feed.hold = false;

    // The run expires, is retried, and the surviving worker takes it: the item is posted once.
    await until(
      'the killed run to be completed by the other worker',
      async () => (await runsOf('cohort-content-poll')).find((r) => r.id === hung?.id)?.state === 'completed',
      EXPIRE_SECONDS * 1000 + 30_000,
    );
    const retried = (await runsOf('cohort-content-poll')).find((r) => r.id === hung?.id);
    expect(retried?.retry_count).toBeGreaterThanOrEqual(1);
    await until('the new item on Discord', () => postsOfItem('Central bank holds rates').length > 0, 20_000);
    // A few more poll slots: the item stays posted once, the old one never.
    const after = (await runsOf('cohort-content-poll')).filter((r) => r.state === 'completed').length;
    await until(
      'two more poll slots',
      async () => (await runsOf('cohort-content-poll')).filter((r) => r.state === 'completed').length >= after + 2,
      30_000,
    );
    expect(postsOfItem('Central bank holds rates')).toHaveLength(1);
    expect(postsOfItem('Before the source was added')).toHaveLength(0);
    const survivor = opsUrls[1 - pids.indexOf(holder as number)] as string;
    expect((await jobRuns(survivor)).get('content:poll')).toBeGreaterThan(0);
  }, 240_000);
});
