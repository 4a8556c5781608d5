/**
 * One bot process of the scheduled-post fault test:
 * `node --import tsx post-worker.ts <postgres url> <discord api url> <token> <subject> <lease ms> <kill>`.
 * It posts one weekly-report slot through the real runner, the real PostgreSQL store and discord.js against the fake
 * Discord, and with `kill` SIGKILLs itself at the named step: `after-claim` (the slot is claimed, nothing sent) or
 * `after-send` (Discord has the post, nothing recorded). Prints the outcome as JSON when it lives to the end.
 */
import { REST } from 'discord.js';
import { DiscordMessenger } from '../../adapters/discord/messenger.ts';
import { discordRateLimitPolicy } from '../../adapters/discord/send.ts';
import { openDatabase } from '../../adapters/storage/database.ts';
import { PrismaScheduledPostStore } from '../../adapters/storage/scheduled-post-store.ts';
import { ScheduledPostRunner } from '../../core/framework/scheduled-posts.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import type { Messenger } from '../../core/ports/messenger.ts';
import { FAKE_APP_ID, FAKE_CHANNEL_ID, FAKE_GUILD_ID } from '../fakes/discord.ts';

export const WORKER_SLOT = new Date('2026-11-23T01:00:00Z');

const [url, apiUrl, token, subject, leaseMs, kill] = process.argv.slice(2) as string[];
const db = await openDatabase({ provider: 'postgresql', url: url as string }, { log: silentLogger, migrate: false });
const rest = new REST({ api: apiUrl, retries: 0, timeout: 2_000 }).setToken(token as string);
const discord = new DiscordMessenger(rest, discordRateLimitPolicy(silentLogger), () => FAKE_APP_ID);
const die = () => process.kill(process.pid, 'SIGKILL');
const messenger: Messenger = {
  async post(target, reply, options) {
    const sent = await discord.post(target, reply, options);
    if (kill === 'after-send') die();
    return sent;
  },
  findPost: (target, nonce, since) => discord.findPost(target, nonce, since),
};
const runner = new ScheduledPostRunner({
  store: new PrismaScheduledPostStore(db.prisma),
  messenger,
  clock: systemClock,
  log: silentLogger,
  leaseMs: Number(leaseMs),
});
const outcome = await runner.run({
  job: 'weekly-report',
  subject: subject as string,
  communityId: subject as string,
  slotAt: WORKER_SLOT,
  target: { platform: 'discord', spaceId: FAKE_GUILD_ID, channelId: FAKE_CHANNEL_ID },
  retryWindowMs: 365 * 86_400_000,
  async build() {
    if (kill === 'after-claim') die();
    return { title: 'Weekly community report', text: `Report of ${subject}` };
  },
});
await db.close();
console.log(JSON.stringify({ status: outcome.status }));
