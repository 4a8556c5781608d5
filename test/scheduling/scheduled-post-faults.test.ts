import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaScheduledPostStore } from '../../adapters/storage/scheduled-post-store.ts';
import { FAKE_CHANNEL_ID, type FakeDiscord, restJson, startFakeDiscord } from '../fakes/discord.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const LEASE_MS = 1_500;
const SLOT = new Date('2026-11-23T01:00:00Z');

interface WorkerExit {
  /** The outcome the worker printed, or null when it was killed. */
  status: string | null;
  signal: NodeJS.Signals | null;
}

/**
 * Bot processes on one PostgreSQL, posting through discord.js to the fake Discord, killed with SIGKILL at the worst
 * moments of a scheduled post. Whatever happens, the slot is posted exactly once.
 */
describe('scheduled posts across processes that die (PostgreSQL, Discord)', () => {
  let db: TestDatabase;
  let discord: FakeDiscord;

  const worker = (subject: string, kill: 'none' | 'after-claim' | 'after-send') =>
    new Promise<WorkerExit>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          path.join(here, 'post-worker.ts'),
          db.url,
          discord.apiUrl,
          discord.token,
          subject,
          String(LEASE_MS),
          kill,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.stderr.on('data', (d) => {
        err += d;
      });
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        if (signal) return resolve({ status: null, signal });
        const line = out.trim().split('\n').at(-1) ?? '';
        if (code !== 0 || !line.startsWith('{')) return reject(new Error(`worker exited ${code}: ${err.slice(-2000)}`));
        resolve({ status: (JSON.parse(line) as { status: string }).status, signal: null });
      });
    });

  const posts = (subject: string) =>
    discord
      .channelMessages(FAKE_CHANNEL_ID)
      .filter((m) => (m.embeds as Array<{ description?: string }>)[0]?.description?.includes(`Report of ${subject}`));
  /** Create-message calls that carried this subject's report: a lookup that finds the post makes none. */
  const sends = (subject: string) =>
    discord.rest.filter(
      (c) =>
        c.method === 'POST' &&
        c.path.endsWith(`/channels/${FAKE_CHANNEL_ID}/messages`) &&
        restJson(c).embeds &&
        JSON.stringify(restJson(c).embeds).includes(`Report of ${subject}`),
    );
  const row = (subject: string) => new PrismaScheduledPostStore(db.prisma).get('weekly-report', subject, SLOT);
  const leaseRunsOut = () => new Promise((resolve) => setTimeout(resolve, LEASE_MS + 200));

  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
    discord = await startFakeDiscord();
  });
  afterAll(async () => {
    await discord?.close();
    await db?.drop();
  });

  it('posts a slot once when two processes run it at the same moment', async () => {
    const exits = await Promise.all([worker('both', 'none'), worker('both', 'none')]);
    expect(exits.map((e) => e.status).sort()).toEqual(['idle', 'posted']);
    expect(posts('both')).toHaveLength(1);
  }, 120_000);

  it('takes over, after its lease, a slot whose owner was killed between claiming and posting', async () => {
    expect((await worker('claim', 'after-claim')).signal).toBe('SIGKILL');
    expect(await row('claim')).toMatchObject({ status: 'claimed' });
    expect(posts('claim')).toHaveLength(0);
    await leaseRunsOut();
    expect((await worker('claim', 'none')).status).toBe('posted');
    expect(posts('claim')).toHaveLength(1);
  }, 120_000);

  it('does not post twice when the owner was killed between the send and its acknowledgement', async () => {
    expect((await worker('send', 'after-send')).signal).toBe('SIGKILL');
    expect(await row('send')).toMatchObject({ status: 'sending', messageId: null });
    expect(posts('send')).toHaveLength(1);
    await leaseRunsOut();
    expect((await worker('send', 'none')).status).toBe('posted');
    expect(posts('send')).toHaveLength(1);
    // Found by its nonce in the channel's history: not even offered to Discord a second time.
    expect(sends('send')).toHaveLength(1);
    expect(await row('send')).toMatchObject({ status: 'posted', messageId: posts('send')[0]?.id });
  }, 120_000);
});
