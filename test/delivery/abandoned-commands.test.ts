import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordAdapter, startDiscord } from '../../adapters/discord/adapter.ts';
import { type SlackAdapter, startSlack } from '../../adapters/slack/adapter.ts';
import { type App, composeApp } from '../../bots/compose.ts';
import { loadConfig } from '../../bots/config.ts';
import { ManualClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import {
  type DiscordRestCall,
  discordPayloads,
  FAKE_APP_ID,
  type FakeDiscord,
  restJson,
  startFakeDiscord,
} from '../fakes/discord.ts';
import { type FakeSlack, slackPayloads, slackSender, startFakeSlack } from '../fakes/slack.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

/**
 * The crash window of an acknowledged command on a platform that never sends it again: gateway A defers a Discord
 * interaction ("thinking…") and dies with its answer in flight (the fake Discord holds that request: nothing after
 * it runs in A, as after a SIGKILL at that instant). Discord will not redeliver, so gateway B, on the same PostgreSQL,
 * must answer it from the stored record once A's lease is over, exactly once, and not before. Both gateways are the
 * real composition and the real discord.js REST against the loopback fake; time is two manual clocks.
 */
const LEASE_MS = 2 * 60_000;
const alice = { id: '500000000000000001', username: 'alice' };

/** Stops the gateways newest first, then drops the database. */
async function stopGateways(started: Array<{ app: App; adapter: { stop(): Promise<void> } }>, db?: TestDatabase) {
  for (const { app, adapter } of started.reverse()) {
    await adapter.stop();
    await app.close();
  }
  await db?.drop();
}

/** Gateway A on "now" and gateway B half a lease later, each on its own manual clock. */
async function twoGateways<G>(gateway: (clock: ManualClock) => Promise<G>) {
  const now = new Date();
  const a = await gateway(new ManualClock(now.toISOString()));
  const laterClock = new ManualClock(new Date(now.getTime() + LEASE_MS / 2).toISOString());
  const b = await gateway(laterClock);
  return { a, b, laterClock, now };
}

describe('a command acknowledged by a gateway that died is answered by another (PostgreSQL, Discord)', () => {
  let db: TestDatabase;
  let fake: FakeDiscord;
  const started: Array<{ app: App; adapter: DiscordAdapter }> = [];

  async function gateway(clock: ManualClock): Promise<DiscordAdapter> {
    const app = (await composeApp({ config: loadConfig({}), log: silentLogger, clock, database: db })) as App;
    const adapter = await startDiscord(
      app.core,
      {
        applicationId: FAKE_APP_ID,
        apiUrl: fake.apiUrl,
        publicKey: fake.publicKey,
        interactionsPort: 0,
        interactionsHost: '127.0.0.1',
        rest: { retries: 0, timeout: 2_000 },
        // Only `slow` commands defer, whatever the machine's load; the sweep runs when the test says.
        ackAfterMs: 10_000,
        resumeEveryMs: 3_600_000,
        clock,
      },
      silentLogger,
    );
    started.push({ app, adapter });
    return adapter;
  }

  const kept = (key: string) => db.prisma.resumableCommand.count({ where: { key } });
  const unfinished = (key: string) => db.prisma.processedDelivery.count({ where: { key, finishedAt: null } });

  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
    fake = await startFakeDiscord();
  });

  afterAll(async () => {
    // A's answer is still held: closing the fake fails it, and A finishes the delivery as one whose answer failed.
    await fake?.close();
    await stopGateways(started, db);
  });

  it('answers a deferred interaction once from the record, after the dead gateway’s lease and not before', async () => {
    const { a, b, laterClock, now } = await twoGateways(gateway);

    const payload = discordPayloads.command('leaderboard', [], discordPayloads.member(alice));
    const key = `discord:cmd:discord:${payload.id}`; // the dispatcher's key of the interaction's delivery id
    const webhook = `/api/v10/webhooks/${FAKE_APP_ID}/${payload.token}`;
    const answers = (): DiscordRestCall[] =>
      fake.rest.filter((c) => !c.held && c.path.startsWith(webhook) && (c.method === 'PATCH' || c.method === 'POST'));
    // A's answer (the edit of "thinking…") never arrives: A dies with it in flight.
    fake.failNext('PATCH', /\/messages\/@original$/, { hold: true });
    const response = await fake.postInteraction(`http://127.0.0.1:${a.interactionsAddress?.port}/`, payload);
    expect(await response.json()).toEqual({ type: 5 }); // acknowledged: Discord will not send it again
    await fake.waitForRest((c) => c.held === true && c.path.startsWith(webhook), 'A’s answer in flight');

    // The record was written before the acknowledgement; the delivery is unfinished.
    expect(await kept(key)).toBe(1);
    expect(await unfinished(key)).toBe(1);

    // Within A's lease B leaves it alone (A may only be slow).
    expect(await b.sweepAbandoned()).toBe(0);
    expect(answers()).toHaveLength(0);

    // Past the lease: B re-runs it and answers in place of "thinking…", through the interaction token.
    laterClock.set(new Date(now.getTime() + LEASE_MS + 1_000));
    expect(await b.sweepAbandoned()).toBe(1);
    const answered = answers();
    expect(answered).toHaveLength(1);
    expect(answered[0]?.method).toBe('PATCH');
    expect(JSON.stringify(restJson(answered[0] as DiscordRestCall).embeds)).toContain('Leaderboard');

    // Exactly once: the delivery is finished, the record gone, a second sweep and a redelivery answer nothing.
    expect(await kept(key)).toBe(0);
    expect(await unfinished(key)).toBe(0);
    expect(await b.sweepAbandoned()).toBe(0);
    const again = await fake.postInteraction(`http://127.0.0.1:${b.interactionsAddress?.port}/`, payload);
    expect(again.status).toBe(204);
    expect(answers()).toHaveLength(1);
  });
});

describe('a slash command or click acknowledged by a gateway that died is answered by another (PostgreSQL, Slack)', () => {
  const SECRET = 'test-signing-secret';
  const bob = { id: 'U0BOB', name: 'bob', real_name: 'bob' };
  let db: TestDatabase;
  let fake: FakeSlack;
  const started: Array<{ app: App; adapter: SlackAdapter }> = [];

  async function gateway(clock: ManualClock): Promise<SlackAdapter> {
    const app = (await composeApp({ config: loadConfig({}), log: silentLogger, clock, database: db })) as App;
    const adapter = await startSlack(
      app.core,
      {
        botToken: 'xoxb-test',
        signingSecret: SECRET,
        apiUrl: fake.apiUrl,
        port: 0,
        host: '127.0.0.1',
        retries: 0,
        clock,
        ackAfterMs: 10_000,
        resumeEveryMs: 3_600_000,
      },
      silentLogger,
    );
    started.push({ app, adapter });
    return adapter;
  }

  beforeAll(async () => {
    db = await createTestDatabase('postgresql');
    fake = await startFakeSlack();
    fake.addUser(bob);
  });

  afterAll(async () => {
    await fake?.close();
    await stopGateways(started, db);
  });

  /** B leaves A's command alone within A's lease, then answers it once through the response_url and drops its record. */
  async function expectAnsweredOnceAfterLease(
    b: SlackAdapter,
    laterClock: ManualClock,
    now: Date,
    answers: () => FakeSlack['calls'],
  ) {
    expect(await b.sweepAbandoned()).toBe(0); // A's lease holds
    laterClock.set(new Date(now.getTime() + LEASE_MS + 1_000));
    expect(await b.sweepAbandoned()).toBe(1);
    expect(answers()).toHaveLength(1);
    expect(JSON.stringify(answers()[0]?.payload.blocks)).toContain('Leaderboard');
    expect(await b.sweepAbandoned()).toBe(0);
    expect(await db.prisma.resumableCommand.count()).toBe(0);
  }

  it('answers through the response_url once, after the dead gateway’s lease and not before', async () => {
    const { a, b, laterClock, now } = await twoGateways(gateway);
    const answers = () => fake.calls.filter((c) => c.method === 'response' && c.path === '/response/trig-dead');

    // A acknowledges a slow command at once (an empty ack) and dies with its response_url answer in flight.
    fake.holdNextResponse();
    const send = slackSender(`http://127.0.0.1:${a.address?.port}/slack/events`, SECRET);
    const ack = await send.slashCommand(
      slackPayloads.slashCommand('/leaderboard', '', bob, 'trig-dead', fake.responseUrl('trig-dead')),
    );
    expect(ack.status).toBe(200);
    expect(await ack.text()).toBe(''); // acknowledged without the answer: Slack will not send it again
    await fake.waitForCall((c) => c.method === 'held-response', 'A’s answer in flight');

    await expectAnsweredOnceAfterLease(b, laterClock, now, answers);
    expect(answers()).toHaveLength(1);
  });

  it('answers a button click through its response_url once, after the dead gateway’s lease', async () => {
    const { a, b, laterClock, now } = await twoGateways(gateway);
    const answers = () => fake.calls.filter((c) => c.method === 'response' && c.path === '/response/click-dead');

    // A acknowledges the click at once (a click's ack carries nothing) and dies with the answer in flight.
    fake.holdNextResponse();
    const send = slackSender(`http://127.0.0.1:${a.address?.port}/slack/events`, SECRET);
    const click = await send.action(
      slackPayloads.blockAction(bob, '/leaderboard', '1764400000.9', fake.responseUrl('click-dead')),
    );
    expect(click.status).toBe(200);
    await fake.waitForCall((c) => c.method === 'held-response', 'A’s answer in flight');
    expect(await db.prisma.resumableCommand.count()).toBe(1);

    await expectAnsweredOnceAfterLease(b, laterClock, now, answers);
  });
});
