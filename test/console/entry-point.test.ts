import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const dbFile = path.join(os.tmpdir(), `cohort-entry-${randomUUID()}.db`);

/** Runs `npm start` as an operator would, with the given stdin and environment. */
function start(input: string, env: Record<string, string>, args: string[] = []) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(DISCORD|SLACK|TELEGRAM|FEED)_/.test(k) && k !== 'DATABASE_URL' && !k.startsWith('npm_'),
    ),
  );
  return spawnSync('npm', ['start', '--silent', ...(args.length ? ['--', ...args] : [])], {
    cwd: root,
    input,
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

afterAll(() => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(dbFile + suffix, { force: true });
});

describe('npm start', () => {
  it('opens the console sandbox with no tokens, answers piped lines, keeps data across starts, and --reset-demo rebuilds it', () => {
    const first = start('/help\n@chen /help\n/language zh-CN\n', { DATABASE_URL: `file:${dbFile}` });
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('Commands you can use');
    expect(first.stdout).toContain('你可以使用的命令');
    expect(first.stdout).toContain('简体中文');
    // The default member's language choice survived the restart...
    expect(start('/help\n', { DATABASE_URL: `file:${dbFile}` }).stdout).toContain('你可以使用的命令');
    // ...until the demo is rebuilt.
    const reset = start('/help\n', { DATABASE_URL: `file:${dbFile}` }, ['--reset-demo']);
    expect(reset.status).toBe(0);
    expect(reset.stdout).toContain('Commands you can use');
  }, 120_000);

  it('stops with one line naming DATABASE_URL when it is nonsense', () => {
    const run = start('', { DATABASE_URL: 'nonsense' });
    expect(run.status).toBe(1);
    const lines = run.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('npm warn'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('DATABASE_URL');
    expect(lines[0]).toContain('file:<path>');
  }, 60_000);

  it('names any other bad variable', () => {
    const run = start('', { DATABASE_URL: `file:${dbFile}`, SLACK_PORT: 'eighty' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('SLACK_PORT');
  }, 60_000);

  it('honours FEED_ALLOW_PRIVATE_NETWORKS=false in the sandbox: loopback in IPv6 dress is refused, the demo feeds still work', async () => {
    // A free port for the demo feeds, so the test knows their address.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const run = start(
      [
        `@mod /source add http://[::127.0.0.1]:${port}/ai-investing.atom.xml`,
        `@mod /source add http://[::ffff:127.0.0.1]:${port}/ai-investing.atom.xml`,
        `@mod /source add http://127.0.0.1:${port + 1}/feed.xml`,
        `@mod /source add http://127.0.0.1:${port}/ai-investing.atom.xml`,
        '',
      ].join('\n'),
      { DATABASE_URL: `file:${dbFile}`, FEED_ALLOW_PRIVATE_NETWORKS: 'false', DEMO_FEED_PORT: String(port) },
    );
    expect(run.status).toBe(0);
    const refusals = run.stdout.match(/points to a private or reserved network address/g) ?? [];
    expect(refusals).toHaveLength(3);
    expect(run.stdout).toContain('[::7f00:1] points to a private or reserved network address (::7f00:1)');
    expect(run.stdout).toContain('Source added');
  }, 60_000);
});
