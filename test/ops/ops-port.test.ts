import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpsServer } from '../../adapters/ops/ops-server.ts';
import { PromMetrics } from '../../adapters/ops/prom-metrics.ts';
import type { HardenedListener } from '../../adapters/shared/hardened-listener.ts';
import { pingDatabase } from '../../adapters/storage/database.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { startApp } from '../support/npm-start.ts';

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function get(base: string, path: string, method = 'GET') {
  const res = await fetch(`${base}${path}`, { method });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Stops (and restarts) a database as an outage would: no new connections, the open ones cut. */
async function setReachable(dbName: string, reachable: boolean): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS ${reachable ? 'true' : 'false'}`);
  if (!reachable)
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [dbName],
    );
  await admin.end();
}

describe('the ops port on PostgreSQL', () => {
  let app: TestApp;
  let metrics: PromMetrics;
  let ops: HardenedListener;
  let base: string;

  beforeAll(async () => {
    metrics = new PromMetrics();
    app = await createTestApp({ provider: 'postgresql', metrics });
    ops = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      metrics,
      log: silentLogger,
      checkTimeoutMs: 1_500,
      checks: () => [{ name: 'database', check: () => pingDatabase(app.database) }],
    });
    base = `http://127.0.0.1:${ops.address.port}`;
  }, 60_000);
  afterAll(async () => {
    await ops?.close();
    await app?.dispose();
  });

  it('answers /healthz, and refuses other paths and methods', async () => {
    expect(await get(base, '/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
    expect((await get(base, '/nope')).status).toBe(404);
    expect((await get(base, '/metrics', 'POST')).status).toBe(405);
  });

  it('counts commands by name, platform and status, with their latency', async () => {
    await app.console.run('/help');
    await app.console.run('/help');
    await app.console.run('/no-such-command');
    const { status, type, body } = await get(base, '/metrics');
    expect(status).toBe(200);
    expect(type).toContain('text/plain');
    expect(body).toContain('cohort_commands_total{command="help",platform="console",status="ok"} 2');
    expect(body).toMatch(/cohort_commands_total\{command="\(unknown\)",platform="console",status="[A-Z_]+"\} 1/);
    expect(body).toMatch(/cohort_command_duration_seconds_count\{command="help",platform="console"\} 2/);
    expect(body).toContain('cohort_process_resident_memory_bytes');
  });

  it('turns unready while the database is down, and ready again when it is back', async () => {
    const ready = await get(base, '/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ ready: true, checks: [{ name: 'database', ok: true }] });

    const dbName = new URL(app.db.url).pathname.slice(1);
    await setReachable(dbName, false);
    try {
      const down = await get(base, '/readyz');
      expect(down.status).toBe(503);
      expect(JSON.parse(down.body)).toMatchObject({ ready: false, checks: [{ name: 'database', ok: false }] });
      expect((await get(base, '/metrics')).body).toContain('cohort_ready 0');
      // Alive all the same: a supervisor must not restart a process whose database is away.
      expect((await get(base, '/healthz')).status).toBe(200);
    } finally {
      await setReachable(dbName, true);
    }
    expect((await get(base, '/readyz')).status).toBe(200);
  }, 30_000);
});

describe('the ops port under npm start', () => {
  it('serves /healthz and /metrics beside the console sandbox, at OPS_HOST:OPS_PORT', async () => {
    const port = await freePort();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cohort-ops-'));
    const started = startApp({ DATABASE_URL: `file:${path.join(dir, 'c.db')}`, OPS_PORT: String(port) });
    try {
      const base = `http://127.0.0.1:${port}`;
      // The port is up before the sandbox reads its first line.
      const until = Date.now() + 60_000;
      while (!(await get(base, '/healthz').catch(() => null))) {
        if (Date.now() > until || started.child.exitCode !== null) throw new Error(started.stderrLines().join('\n'));
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      started.child.stdin?.write('/help\n');
      await started.waitFor(/Commands you can use/, 'stdout', 30_000);
      expect((await get(base, '/healthz')).status).toBe(200);
      const metrics = await get(base, '/metrics');
      expect(metrics.body).toContain('cohort_commands_total{command="help",platform="console",status="ok"} 1');
      expect((await get(base, '/readyz')).status).toBe(200);
    } finally {
      started.child.stdin?.end();
      await started.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
