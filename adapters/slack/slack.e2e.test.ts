import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError } from '../../core/errors.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import {
  type FakeSlack,
  type FakeSlackUser,
  type SlackCall,
  slackPayloads,
  slackSender,
  startFakeSlack,
} from '../../test/fakes/slack.ts';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { type SlackAdapter, startSlack } from './adapter.ts';

/** The real @slack/bolt app (HTTP receiver and Socket Mode) against a fake Slack on 127.0.0.1 and the real dispatcher. */
const SECRET = 'test-signing-secret';
const alice: FakeSlackUser = { id: 'U0ALICE', name: 'alice', real_name: 'alice', locale: 'en-US' };
const bob: FakeSlackUser = { id: 'U0BOB', name: 'bob', real_name: 'bob' };
const owner: FakeSlackUser = { id: 'U0OWNER', name: 'owner', real_name: 'owner', is_owner: true, is_admin: true };
const mod: FakeSlackUser = { id: 'U0MOD', name: 'mod', real_name: 'mod' };

type Block = { type: string; text?: { text: string }; fields?: Array<{ text: string }>; elements?: unknown[] };
const blockText = (blocks: Block[]) =>
  blocks.map((b) => [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)].join('\n')).join('\n');

describe('Slack adapter end to end (HTTP)', () => {
  let app: TestApp;
  let fake: FakeSlack;
  let adapter: SlackAdapter;
  let send: ReturnType<typeof slackSender>;
  let trigger = 0;
  const refusals: Array<{ listener: string; status: number }> = [];

  beforeAll(async () => {
    app = await createTestApp();
    fake = await startFakeSlack();
    for (const user of [alice, bob, owner, mod]) fake.addUser(user);
    fake.setUserGroup('S0MODS', [mod.id]);
    adapter = await startSlack(
      app.core,
      {
        botToken: 'xoxb-test',
        signingSecret: SECRET,
        apiUrl: fake.apiUrl,
        port: 0,
        host: '127.0.0.1',
        retries: 0,
        moderatorGroupId: 'S0MODS',
        clock: app.clock,
        // The fake has no 3-second deadline: only `slow` commands defer, so a loaded CI machine cannot flip the path.
        ackAfterMs: 10_000,
        rateLimit: { maxWaitMs: 2_000 },
        onWebhookRefused: (r) => refusals.push(r),
      },
      silentLogger,
    );
    send = slackSender(`http://127.0.0.1:${adapter.address?.port}/slack/events`, SECRET);
  });

  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
    await app?.dispose();
  });

  /** Runs a slash command; returns the acknowledgement body (the reply when it was ready in time). */
  async function slash(user: FakeSlackUser, command: string, text: string, triggerId = `trig-${++trigger}`) {
    const response = await send.slashCommand(
      slackPayloads.slashCommand(command, text, user, triggerId, fake.responseUrl(triggerId)),
    );
    const body = await response.text();
    return { status: response.status, triggerId, body: body ? (JSON.parse(body) as Record<string, unknown>) : null };
  }

  /** The platform's community, once core has created it on first contact. */
  async function communityId(): Promise<string> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const community = (await app.services.communities.list()).find((c) => c.platform === 'slack');
      if (community) return community.id;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('no slack community yet');
  }

  it('answers /help in the acknowledgement, as Block Kit with user text escaped', async () => {
    const { status, body } = await slash(alice, '/help', '');
    expect(status).toBe(200);
    expect(body?.response_type).toBe('in_channel');
    const blocks = body?.blocks as Block[];
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: 'Commands you can use' } });
    expect(blockText(blocks)).toContain('/tip &lt;member&gt; &lt;amount&gt;');
  });

  it('runs a command with options through the umbrella command', async () => {
    const { body } = await slash(alice, '/cohort', 'help tip');
    expect(blockText(body?.blocks as Block[])).toContain('Give a member some of your points as thanks');
  });

  it('resolves an escaped user mention for a tip', async () => {
    await slash(bob, '/balance', '');
    const { body } = await slash(alice, '/tip', '<@U0BOB|bob> 5 thanks');
    expect(blockText(body?.blocks as Block[])).toContain('You gave 5 points to bob');
  });

  it('acknowledges a slow command at once and answers through response_url', async () => {
    const { body, triggerId } = await slash(alice, '/leaderboard', '');
    expect(body).toBeNull();
    const answer = await fake.waitForCall((c) => c.path === `/response/${triggerId}`, 'leaderboard response');
    expect(answer.payload.response_type).toBe('in_channel');
    expect(JSON.stringify(answer.payload.blocks)).toContain('Leaderboard');
  });

  it('runs a button click as the member who clicked, answering via response_url', async () => {
    const response = await send.action(
      slackPayloads.blockAction(bob, '/balance', '1764400000.1', fake.responseUrl('click-1')),
    );
    expect(response.status).toBe(200);
    const answer = await fake.waitForCall((c) => c.path === '/response/click-1', 'click response');
    expect(blockText(answer.payload.blocks as Block[])).toMatch(/\*Balance\*\n5/);
  });

  it('records a reaction as an interaction event, once even when Slack retries the delivery', async () => {
    const event = slackPayloads.eventCallback('Ev0REACT1', {
      type: 'reaction_added',
      user: alice.id,
      reaction: 'tada',
      item_user: bob.id,
      item: { type: 'message', channel: 'C0GENERAL', ts: '1764400000.000200' },
      event_ts: '1764400001.000100',
    });
    expect((await send.event(event)).status).toBe(200);
    expect((await send.event(event, 1)).status).toBe(200);
    const cid = await communityId();
    let events = await app.services.events.query({ communityId: cid, verbs: ['reaction.added'] });
    for (let i = 0; i < 50 && events.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      events = await app.services.events.query({ communityId: cid, verbs: ['reaction.added'] });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    events = await app.services.events.query({ communityId: cid, verbs: ['reaction.added'] });
    expect(events).toHaveLength(1);
    const handles = new Map((await app.services.members.list(cid)).map((m) => [m.id, m.handle]));
    expect(handles.get(events[0]?.actorId ?? '')).toBe('alice');
    expect(handles.get(events[0]?.targetMemberId ?? '')).toBe('bob');
    expect(events[0]?.objectId).toBe('C0GENERAL:1764400000.000200');
  });

  it('handles a slash command delivered twice once', async () => {
    const first = await slash(alice, '/balance', '', 'trig-dup');
    const second = await slash(alice, '/balance', '', 'trig-dup');
    expect(first.body?.blocks).toBeDefined();
    expect(second.status).toBe(200);
    expect(second.body).toBeNull();
  });

  it('refuses a forged request, counting it and processing nothing', async () => {
    const before = fake.calls.length;
    const response = await send.slashCommand(
      slackPayloads.slashCommand('/help', '', alice, 'trig-forged', fake.responseUrl('forged')),
      'not-the-secret',
    );
    expect(response.status).toBe(401);
    expect(refusals.at(-1)).toEqual({ listener: 'slack-events', status: 401 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.calls.length).toBe(before);
  });

  it('maps workspace owners to admins and the moderator group to moderators', async () => {
    const refused = await slash(alice, '/role', 'set <@U0BOB|bob> moderator');
    expect(blockText(refused.body?.blocks as Block[])).toContain(
      '/role set is for admins and above; you are a member.',
    );
    expect(refused.body?.response_type).toBe('ephemeral');
    const allowed = await slash(owner, '/role', 'set <@U0BOB|bob> moderator');
    expect(blockText(allowed.body?.blocks as Block[])).toContain('bob is now a moderator.');
    const moderatorOnly = await slash(mod, '/source', 'list');
    expect(blockText(moderatorOnly.body?.blocks as Block[])).not.toContain('you are a member');
  });

  it('sends a member a direct message in the app’s conversation with them', async () => {
    const before = fake.calls.length;
    await adapter.messenger.direct!(
      { platform: 'slack', spaceId: 'T0COHORT', platformUserId: alice.id },
      { text: 'Your access to “Club” has ended.' },
    );
    const calls = fake.calls.slice(before);
    expect(calls.map((c) => c.method)).toEqual(['conversations.open', 'chat.postMessage']);
    expect(calls[1]!.payload.channel).toBe('D0ALICE');
  });

  it('edits a one-message post in place with chat.update, and declines to edit one that needs several', async () => {
    const target = { platform: 'slack' as const, spaceId: 'T0COHORT', channelId: 'C0APPROVE' };
    const { messageId } = await adapter.messenger.post(target, {
      text: 'Digest awaiting approval: 2 items',
      buttons: [{ label: 'Approve', action: '/digest approve run-1' }],
    });
    const edited = await adapter.messenger.edit!(target, messageId, {
      text: 'Digest awaiting approval: 3 items',
      buttons: [{ label: 'Approve', action: '/digest approve run-2' }],
    });
    expect(edited).toBe(true);
    const messages = fake.channelMessages('C0APPROVE');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ ts: messageId, text: expect.stringContaining('3 items') });
    expect(String(messages[0]!.blocks)).toContain('/digest approve run-2');
    expect(String(messages[0]!.blocks)).not.toContain('run-1');

    // Over Slack's 50 blocks a message: it would take several messages.
    const long = { text: 'Digest', items: Array.from({ length: 70 }, (_, i) => ({ title: `Item ${i}` })) };
    expect(await adapter.messenger.edit!(target, messageId, long)).toBe(false);
    expect(fake.channelMessages('C0APPROVE')[0]).toMatchObject({ text: expect.stringContaining('3 items') });
  });

  it('splits an over-long post into messages of at most 50 blocks and 3000-character sections', async () => {
    const items = Array.from({ length: 70 }, (_, i) => ({
      title: `Item ${i} <!channel>`,
      url: `https://example.com/${i}`,
    }));
    const before = fake.calls.length;
    await adapter.messenger.post(
      { platform: 'slack', spaceId: 'T0COHORT', channelId: 'C0DIGEST' },
      { title: 'Weekly digest', text: 'z'.repeat(7_000), items, buttons: [{ label: 'More', action: '/digest' }] },
    );
    const posts = fake.calls.slice(before).filter((c) => c.method === 'chat.postMessage');
    expect(posts.length).toBeGreaterThan(1);
    const blocksOf = (c: SlackCall) => JSON.parse(String(c.payload.blocks)) as Block[];
    for (const post of posts) {
      expect(post.payload.channel).toBe('C0DIGEST');
      expect(blocksOf(post).length).toBeLessThanOrEqual(50);
      for (const block of blocksOf(post)) expect((block.text?.text ?? '').length).toBeLessThanOrEqual(3_000);
    }
    const all = posts.map((p) => blockText(blocksOf(p))).join('\n');
    expect(all.match(/z/g)?.length).toBe(7_000);
    expect(all).toContain('Item 69 &lt;!channel&gt;');
    expect(all).not.toContain('<!channel>');
    expect(posts.filter((p) => blocksOf(p).some((b) => b.type === 'actions'))).toEqual([posts.at(-1)]);
  });

  it('uploads an image through the external upload flow', async () => {
    await adapter.messenger.post(
      { platform: 'slack', spaceId: 'T0COHORT', channelId: 'C0CHART' },
      {
        text: 'Weekly chart',
        image: {
          png: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]),
          filename: 'chart.png',
          alt: 'Points by week',
        },
      },
    );
    const upload = await fake.waitForCall((c) => c.method === 'upload', 'file bytes');
    expect(upload.payload.bytes).toBeGreaterThanOrEqual(8);
    const complete = await fake.waitForCall((c) => c.method === 'files.completeUploadExternal', 'complete upload');
    expect(complete.payload.channel_id).toBe('C0CHART');
    expect(String(complete.payload.files)).toContain('chart.png');
  });

  it("sends /privacy export privately: an ephemeral answer, the JSON file uploaded to the member's DM", async () => {
    const { body, triggerId } = await slash(alice, '/privacy', 'export');
    expect(body).toBeNull();
    const answer = await fake.waitForCall((c) => c.path === `/response/${triggerId}`, 'export answer');
    expect(answer.payload.response_type).toBe('ephemeral');
    const complete = await fake.waitForCall(
      (c) => c.method === 'files.completeUploadExternal' && c.payload.channel_id === 'D0ALICE',
      'export upload to the DM',
    );
    const files = JSON.parse(String(complete.payload.files)) as Array<{ id: string; title: string }>;
    const requested = fake.calls.find(
      (c) => c.method === 'files.getUploadURLExternal' && /^cohort-data-.+\.json$/.test(String(c.payload.filename)),
    );
    expect(requested?.payload.filename).toMatch(/^cohort-data-.+-2026-11-20\.json$/);
    const upload = fake.calls.find((c) => c.method === 'upload' && c.path === `/upload/${files[0]?.id}`);
    expect(upload).toBeDefined();
    const exported = JSON.parse(String(upload?.payload.data)) as { sections: object };
    expect(Object.keys(exported.sections).length).toBeGreaterThan(0);
    expect(fake.calls.some((c) => c.method === 'conversations.open' && c.payload.users === alice.id)).toBe(true);
  });

  it('tells the member when the private file could not be delivered', async () => {
    fake.failNext('conversations.open', { error: 'missing_scope' });
    const { triggerId } = await slash(bob, '/privacy', 'export');
    const responses = await fake.waitForCalls((c) => c.path === `/response/${triggerId}`, 2, 'answer and notice');
    expect(responses[1]?.payload).toMatchObject({
      response_type: 'ephemeral',
      text: 'I couldn’t deliver the file just now. Please try again in a little while.',
    });
  });

  describe('course access', () => {
    const target = {
      platform: 'slack' as const,
      spaceId: 'T0COHORT',
      platformUserId: bob.id,
      roleId: 'S0COURSE',
      channelId: 'C0COURSE',
    };

    it('invites the member to the course channel and adds them to the course user group', async () => {
      fake.setUserGroup('S0COURSE', [alice.id]);
      await adapter.access.grant(target);
      expect(fake.channelMembers('C0COURSE')).toEqual([bob.id]);
      expect(fake.userGroup('S0COURSE')).toEqual([alice.id, bob.id]);
      // Granting twice changes nothing (already_in_channel is success, the group is not rewritten).
      const before = fake.calls.length;
      await adapter.access.grant(target);
      expect(fake.calls.slice(before).map((c) => c.method)).toEqual(['conversations.invite', 'usergroups.users.list']);
    });

    it('kicks the member from the channel and takes them out of the user group', async () => {
      await adapter.access.revoke(target);
      expect(fake.channelMembers('C0COURSE')).toEqual([]);
      expect(fake.userGroup('S0COURSE')).toEqual([alice.id]);
    });

    it('surfaces a refused call (HTTP 403) and a missing scope as PlatformErrors with status and route', async () => {
      fake.failNext('conversations.invite', { status: 403 });
      await expect(adapter.access.grant(target)).rejects.toMatchObject({
        kind: 'platform',
        code: 'ACCESS_FORBIDDEN',
        details: { platform: 'slack', status: 403, route: 'conversations.invite' },
      });
      fake.failNext('usergroups.users.update', { error: 'missing_scope' });
      const refused = await adapter.access.grant({ ...target, channelId: null }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(PlatformError);
      expect(refused).toMatchObject({ code: 'ACCESS_FORBIDDEN', details: { route: 'usergroups.users.update' } });
    });
  });

  it('unlocks a paid course end to end: /course access, a grant, and the revocation when it ends', async () => {
    app.access.register('slack', adapter.access);
    fake.setUserGroup('S0PAID', [owner.id]);
    const added = await slash(owner, '/cohort', 'course add "Paper Club" 30 subscription USD ai');
    const course = /#([a-z0-9]{8})/.exec(blockText(added.body?.blocks as Block[]))?.[1];
    expect(course).toBeDefined();
    // Pasted the way Slack's client writes a channel and a user group mention.
    const access = await slash(
      owner,
      '/cohort',
      `course access ${course} role:<!subteam^S0PAID|@paid> channel:<#C0PAID|paid> days:30`,
    );
    expect(access.status).toBe(200);
    await slash(owner, '/cohort', `course grant <@${bob.id}|bob> ${course}`);
    expect(fake.channelMembers('C0PAID')).toEqual([bob.id]);
    expect(fake.userGroup('S0PAID')).toEqual([owner.id, bob.id]);

    app.clock.advance(31 * 86_400_000);
    expect(await app.services.commerce?.endExpiredAccess(app.clock.now())).toBe(1);
    expect(fake.channelMembers('C0PAID')).toEqual([]);
    expect(fake.userGroup('S0PAID')).toEqual([owner.id]);
  });

  it('waits out a rate-limited post and delivers it', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 });
    const before = fake.calls.length;
    const { messageId } = await adapter.messenger.post(
      { platform: 'slack', spaceId: 'T0COHORT', channelId: 'C0NOTICE' },
      { text: 'Notice' },
    );
    expect(messageId).toMatch(/^\d+\.\d+$/);
    expect(fake.calls.slice(before).filter((c) => c.method === 'chat.postMessage')).toHaveLength(2);
  });
});

describe('Slack adapter end to end (Socket Mode)', () => {
  let app: TestApp;
  let fake: FakeSlack;
  let adapter: SlackAdapter;

  beforeAll(async () => {
    app = await createTestApp();
    fake = await startFakeSlack();
    fake.addUser(alice);
    adapter = await startSlack(
      app.core,
      {
        botToken: 'xoxb-test',
        appToken: 'xapp-test',
        apiUrl: fake.apiUrl,
        retries: 0,
        clock: app.clock,
        ackAfterMs: 10_000,
      },
      silentLogger,
    );
    await fake.socketConnected();
  });

  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
    await app?.dispose();
  });

  it('answers a slash command in the envelope acknowledgement', async () => {
    const ack = await fake.sendEnvelope(
      'slash_commands',
      slackPayloads.slashCommand('/help', 'tip', alice, 'sock-1', fake.responseUrl('sock-1')),
    );
    const payload = ack.payload as { blocks: Block[] };
    expect(blockText(payload.blocks)).toContain('Give a member some of your points as thanks');
    expect(fake.calls.some((c) => c.method === 'apps.connections.open' && c.auth === 'Bearer xapp-test')).toBe(true);
  });
});
