import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/ports/logger.ts';
import {
  type FakeSlack,
  type FakeSlackUser,
  slackPayloads,
  slackSender,
  startFakeSlack,
} from '../../test/fakes/slack.ts';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { type SlackAdapter, startSlack } from './adapter.ts';

/**
 * Tipping without a command through the real @slack/bolt app and a fake Slack on 127.0.0.1: a "+2 <@U…>" message and
 * a :clap: reaction become tips on the ledger, once each however often Slack redelivers them.
 */
const SECRET = 'test-signing-secret';
const alice: FakeSlackUser = { id: 'U0ALICE', name: 'alice', real_name: 'Alice', locale: 'en-US' };
const bob: FakeSlackUser = { id: 'U0BOB', name: 'bob', real_name: 'Bob' };
const chen: FakeSlackUser = { id: 'U0CHEN', name: 'chen', real_name: '陈晨', locale: 'zh-CN' };

describe('Slack: tips by keyword and by reaction', () => {
  let app: TestApp;
  let fake: FakeSlack;
  let adapter: SlackAdapter;
  let send: ReturnType<typeof slackSender>;
  let seq = 0;

  beforeAll(async () => {
    app = await createTestApp();
    fake = await startFakeSlack();
    for (const user of [alice, bob, chen]) fake.addUser(user);
    adapter = await startSlack(
      app.core,
      {
        botToken: 'xoxb-test',
        signingSecret: SECRET,
        apiUrl: fake.apiUrl,
        port: 0,
        host: '127.0.0.1',
        retries: 0,
        clock: app.clock,
        ackAfterMs: 10_000,
        rateLimit: { maxWaitMs: 2_000 },
      },
      silentLogger,
    );
    app.messenger.register('slack', adapter.messenger);
    send = slackSender(`http://127.0.0.1:${adapter.address?.port}/slack/events`, SECRET);
  });

  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
    await app?.dispose();
  });

  const community = async () => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const found = (await app.services.communities.list()).find((c) => c.platform === 'slack');
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('no slack community yet');
  };
  const tipsTo = async (handle: string) => {
    const c = await community();
    const member = await app.services.members.findByHandle(c.id, handle);
    return member ? (await app.services.ledger!.history(c, member, 50)).filter((x) => x.toMemberId === member.id) : [];
  };
  const eventually = async <T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> => {
    let value = await read();
    for (let i = 0; i < 60 && !ok(value); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      value = await read();
    }
    return value;
  };
  const message = (user: FakeSlackUser, text: string) =>
    slackPayloads.eventCallback(`Ev0MSG${++seq}`, {
      type: 'message',
      user: user.id,
      text,
      ts: `1764400100.00${seq}`,
      channel: 'C0GENERAL',
    });

  it('"+2 <@U0BOB> great notes" tips Bob 2 points and says so in the channel, once despite a retry', async () => {
    const event = message(alice, '+2 <@U0BOB> great notes');
    expect((await send.event(event)).status).toBe(200);
    expect((await send.event(event, 1)).status).toBe(200);
    const received = await eventually(
      () => tipsTo('bob'),
      (tips) => tips.length > 0,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await tipsTo('bob')).toHaveLength(1);
    expect(received[0]).toMatchObject({ kind: 'tip', amount: 2, reason: 'great notes' });
    const post = await fake.waitForCall(
      (c) => c.method === 'chat.postMessage' && JSON.stringify(c.payload).includes('gave'),
      'tip confirmation',
    );
    expect(JSON.stringify(post.payload)).toContain('Alice gave Bob 2 points: \\"great notes\\"');
  });

  it('a :clap: reaction on Bob’s message tips him 1 point, once per member and message', async () => {
    const before = (await tipsTo('bob')).length;
    const react = (id: string, type: 'reaction_added' | 'reaction_removed', reaction = 'clap') =>
      slackPayloads.eventCallback(id, {
        type,
        user: chen.id,
        reaction,
        item_user: bob.id,
        item: { type: 'message', channel: 'C0GENERAL', ts: '1764400000.000900' },
        event_ts: `1764400001.${id}`,
      });
    expect((await send.event(react('Ev0CLAP1', 'reaction_added'))).status).toBe(200);
    const after = await eventually(
      () => tipsTo('bob'),
      (tips) => tips.length > before,
    );
    expect(after.find((x) => x.reason === '👏')).toMatchObject({ kind: 'tip', amount: 1 });
    // Removed and added again, with a skin tone: still one tip for this message.
    await send.event(react('Ev0CLAP2', 'reaction_removed'));
    await send.event(react('Ev0CLAP3', 'reaction_added', 'clap::skin-tone-3'));
    // Any other reaction tips nothing.
    await send.event(react('Ev0TADA1', 'reaction_added', 'tada'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await tipsTo('bob')).toHaveLength(before + 1);
  });

  it('explains a refused keyword tip in the sender’s language', async () => {
    const event = message(chen, '<@U0ALICE> +500 谢谢');
    expect((await send.event(event)).status).toBe(200);
    const post = await fake.waitForCall(
      (c) => c.method === 'chat.postMessage' && JSON.stringify(c.payload).includes('没有发出'),
      'refusal',
    );
    expect(JSON.stringify(post.payload)).toContain('每次最多 100 积分');
    expect(await tipsTo('alice')).toHaveLength(0);
  });

  it('leaves ordinary messages alone', async () => {
    const before = fake.calls.filter((c) => c.method === 'chat.postMessage').length;
    await send.event(message(alice, 'I think 1+1 <@U0BOB> is 2'));
    await send.event(message(alice, 'see <@U0BOB> +1 for the record'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.calls.filter((c) => c.method === 'chat.postMessage').length).toBe(before);
  });
});
