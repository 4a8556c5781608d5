import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError } from '../../core/errors.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import {
  type DiscordRestCall,
  discordPayloads,
  FAKE_APP_ID,
  FAKE_CHANNEL_ID,
  FAKE_GUILD_ID,
  FAKE_MOD_ROLE_ID,
  type FakeDiscord,
  type FakeDiscordUser,
  PERMISSIONS,
  restJson,
  startFakeDiscord,
} from '../../test/fakes/discord.ts';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { type DiscordAdapter, startDiscord } from './adapter.ts';

/** The real discord.js (Gateway + REST) and the HTTP interactions endpoint against a fake Discord, on the real dispatcher. */
const alice: FakeDiscordUser = { id: '500000000000000001', username: 'alice' };
const bob: FakeDiscordUser = { id: '500000000000000002', username: 'bob' };
const owner: FakeDiscordUser = { id: '500000000000000003', username: 'owner' };
const mod: FakeDiscordUser = { id: '500000000000000004', username: 'mod' };

type Embed = { title?: string; description?: string; fields?: Array<{ name: string; value: string }> };
const embedText = (body: Record<string, unknown>) =>
  ((body.embeds as Embed[] | undefined) ?? [])
    .map((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value])].join('\n'))
    .join('\n');

describe('Discord adapter end to end', () => {
  let app: TestApp;
  let fake: FakeDiscord;
  let adapter: DiscordAdapter;
  const refusals: Array<{ listener: string; status: number }> = [];

  beforeAll(async () => {
    app = await createTestApp();
    fake = await startFakeDiscord();
    adapter = await startDiscord(
      app.core,
      {
        token: fake.token,
        applicationId: FAKE_APP_ID,
        apiUrl: fake.apiUrl,
        publicKey: fake.publicKey,
        interactionsPort: 0,
        interactionsHost: '127.0.0.1',
        moderatorRoleId: FAKE_MOD_ROLE_ID,
        rest: { retries: 0, timeout: 2_000 },
        waitGuildTimeout: 1_000,
        // The fake has no 3-second deadline: only `slow` commands defer, whatever the machine's load.
        ackAfterMs: 10_000,
        rateLimit: { maxWaitMs: 2_000 },
        clock: app.clock,
        onWebhookRefused: (r) => refusals.push(r),
      },
      silentLogger,
    );
  });

  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
    await app?.dispose();
  });

  /** Dispatches an interaction over the Gateway and waits for its first response. */
  async function interact(payload: { id: string; token: string }): Promise<DiscordRestCall> {
    fake.dispatch('INTERACTION_CREATE', payload);
    return fake.waitForRest(
      (c) => c.path === `/api/v10/interactions/${payload.id}/${payload.token}/callback`,
      `callback of ${payload.id}`,
    );
  }

  const member = (user: FakeDiscordUser, permissions = PERMISSIONS.member, roles: string[] = []) =>
    discordPayloads.member(user, permissions, roles);

  /** The platform's community, once core has created it on first contact. */
  async function communityId(): Promise<string> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const community = (await app.services.communities.list()).find(
        (c) => c.platform === 'discord' && c.platformId === FAKE_GUILD_ID,
      );
      if (community) return community.id;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('no discord community yet');
  }

  it('registers application commands with subcommands, options and zh-CN localisations', () => {
    const put = fake.rest.find((c) => c.method === 'PUT' && c.path === `/api/v10/applications/${FAKE_APP_ID}/commands`);
    // biome-ignore lint/suspicious/noExplicitAny: the registration JSON is checked field by field below
    const body = restJson(put as DiscordRestCall) as unknown as Array<Record<string, any>>;
    const help = body.find((c) => c.name === 'help');
    expect(help?.description_localizations).toEqual({ 'zh-CN': '列出你可以使用的命令' });
    expect(help?.options[0]).toMatchObject({ name: 'command', type: 3, required: false });
    const digest = body.find((c) => c.name === 'digest');
    const names = ((digest?.options ?? []) as Array<{ name: string; type: number }>).map((o) => `${o.name}:${o.type}`);
    // `digest` is invocable bare and has children: its bare form is `digest show`.
    expect(names).toEqual(expect.arrayContaining(['show:1', 'preview:1', 'schedule:2', 'why:1']));
    const schedule = digest?.options.find((o: { name: string }) => o.name === 'schedule');
    const add = schedule.options.find((o: { name: string }) => o.name === 'add');
    expect(add.options.map((o: { name: string }) => o.name)).toEqual(expect.arrayContaining(['cron', 'min-score']));
    // Required options come first, as Discord demands.
    const required = add.options.map((o: { required: boolean }) => o.required);
    expect(required).toEqual([...required].sort((a: boolean, b: boolean) => Number(b) - Number(a)));
    const tip = body.find((c) => c.name === 'tip');
    expect(tip?.options[0]).toMatchObject({ name: 'member', type: 6, required: true });
    // Button-only (hidden) commands are not registered; every path Discord knows is a visible command's.
    type Registered = { name: string; type?: number; options?: Registered[] };
    const paths = (nodes: Registered[], prefix: string[] = []): string[] =>
      nodes.flatMap((n) =>
        n.type === 1 || n.type === 2 || prefix.length === 0
          ? [[...prefix, n.name].join(' '), ...paths((n.options ?? []) as Registered[], [...prefix, n.name])]
          : [],
      );
    const registered = new Set(paths(body as Registered[]));
    const hidden = app.core
      .commands()
      .filter((c) => c.hidden)
      .map((c) => c.name);
    expect(registered.has('digest schedule add')).toBe(true);
    expect(hidden.length).toBeGreaterThan(0);
    expect(hidden.filter((name) => registered.has(name))).toEqual([]);
    // Approving a digest is a command of its own, not only a button.
    expect(names).toEqual(expect.arrayContaining(['approve:1', 'reject:1']));
  });

  it('answers /help with an embed that can ping nobody', async () => {
    const callback = await interact(discordPayloads.command('help', [], member(alice)));
    const body = restJson(callback) as { type: number; data: Record<string, unknown> };
    expect(body.type).toBe(4);
    expect(body.data.allowed_mentions).toEqual({ parse: [] });
    expect(embedText(body.data)).toContain('Commands you can use');
    expect(embedText(body.data)).toContain('/tip <member> <amount>');
  });

  it('runs a command with a string option', async () => {
    const callback = await interact(
      discordPayloads.command('help', [{ name: 'command', type: 3, value: 'tip' }], member(alice)),
    );
    const data = (restJson(callback) as { data: Record<string, unknown> }).data;
    expect(embedText(data)).toContain('Give a member some of your points as thanks');
  });

  it('resolves a picked user for a tip', async () => {
    await interact(discordPayloads.command('balance', [], member(bob)));
    const callback = await interact(
      discordPayloads.command(
        'tip',
        [
          { name: 'member', type: 6, value: bob.id },
          { name: 'amount', type: 3, value: '5' },
          { name: 'reason', type: 3, value: 'thanks @everyone' },
        ],
        member(alice),
        { resolved: { users: { [bob.id]: { ...bob, discriminator: '0', avatar: null, global_name: null } } } },
      ),
    );
    const data = (restJson(callback) as { data: Record<string, unknown> }).data;
    expect(embedText(data)).toContain('You gave 5 points to bob');
    // The echoed reason cannot ping: escaped, and allowed_mentions parses nothing.
    expect(embedText(data)).not.toContain('@everyone');
    expect(data.allowed_mentions).toEqual({ parse: [] });
  });

  it('defers a slow command and edits the reply, mapping `digest show` back to `digest`', async () => {
    const payload = discordPayloads.command('digest', [{ name: 'show', type: 1, options: [] }], member(alice));
    const callback = await interact(payload);
    expect(restJson(callback)).toEqual({ type: 5 });
    // The answer replaces the "thinking…" message: an edit, or (for an ephemeral answer) delete + ephemeral follow-up.
    const webhook = `/api/v10/webhooks/${FAKE_APP_ID}/${payload.token}`;
    const edit = await fake.waitForRest(
      (c) => (c.method === 'PATCH' || c.method === 'POST') && c.path.startsWith(webhook),
      'answer to the deferred reply',
    );
    if (edit.method === 'POST') {
      expect(fake.rest.some((c) => c.method === 'DELETE' && c.path === `${webhook}/messages/@original`)).toBe(true);
      expect(restJson(edit).flags).toBe(64);
    }
    expect(embedText(restJson(edit)).length).toBeGreaterThan(0);
    expect(restJson(edit).allowed_mentions).toEqual({ parse: [] });
    const used = await app.services.events.query({ communityId: await communityId(), verbs: ['command.used'] });
    expect(used.some((e) => e.objectId === 'digest')).toBe(true);
  });

  it('runs a button click as the member who clicked', async () => {
    const callback = await interact(discordPayloads.button('/balance', member(bob)));
    const data = (restJson(callback) as { data: Record<string, unknown> }).data;
    expect(embedText(data)).toMatch(/Balance\n5/);
  });

  it('records a reaction as an interaction event credited to the message author', async () => {
    fake.dispatch('MESSAGE_CREATE', discordPayloads.message('610000000000000001', bob));
    fake.dispatch('MESSAGE_REACTION_ADD', discordPayloads.reaction('610000000000000001', alice, '🔥', bob.id));
    const cid = await communityId();
    let events = await app.services.events.query({ communityId: cid, verbs: ['reaction.added'] });
    for (let i = 0; i < 100 && events.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      events = await app.services.events.query({ communityId: cid, verbs: ['reaction.added'] });
    }
    const handles = new Map((await app.services.members.list(cid)).map((m) => [m.id, m.handle]));
    expect(events).toHaveLength(1);
    expect(handles.get(events[0]?.actorId ?? '')).toBe('alice');
    expect(handles.get(events[0]?.targetMemberId ?? '')).toBe('bob');
    expect(events[0]?.metadata).toEqual({ emoji: '🔥' });
  });

  it('records a reaction removal, which names neither the member nor the author, from what it has seen', async () => {
    // MESSAGE_REACTION_REMOVE carries only ids: the remover is looked up, the author remembered from the message.
    fake.dispatch('MESSAGE_REACTION_REMOVE', {
      user_id: alice.id,
      channel_id: FAKE_CHANNEL_ID,
      message_id: '610000000000000001',
      guild_id: FAKE_GUILD_ID,
      emoji: { id: null, name: '🔥' },
    });
    const cid = await communityId();
    let events = await app.services.events.query({ communityId: cid, verbs: ['reaction.removed'] });
    for (let i = 0; i < 100 && events.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      events = await app.services.events.query({ communityId: cid, verbs: ['reaction.removed'] });
    }
    const handles = new Map((await app.services.members.list(cid)).map((m) => [m.id, m.handle]));
    expect(events).toHaveLength(1);
    expect(handles.get(events[0]?.actorId ?? '')).toBe('alice');
    expect(handles.get(events[0]?.targetMemberId ?? '')).toBe('bob');
  });

  it('handles an interaction delivered twice once', async () => {
    const payload = discordPayloads.command('balance', [], member(alice));
    fake.dispatch('INTERACTION_CREATE', payload);
    await interact(payload);
    // Once core has settled both deliveries, one more round trip flushes any answer still on its way.
    await app.core.drain();
    await interact(discordPayloads.command('help', [{ name: 'command', type: 3, value: 'balance' }], member(alice)));
    expect(fake.rest.filter((c) => c.path.includes(`/interactions/${payload.id}/`))).toHaveLength(1);
  });

  it('maps Administrator to admin and the moderator role to moderator, refusing members', async () => {
    const options = [
      { name: 'member', type: 6, value: bob.id },
      { name: 'role', type: 3, value: 'moderator' },
    ];
    const roleSet = (m: ReturnType<typeof member>) =>
      discordPayloads.interaction(
        2,
        { id: '9', name: 'role', type: 1, options: [{ name: 'set', type: 1, options }] },
        m,
      );
    const refused = restJson(await interact(roleSet(member(alice)))) as { data: Record<string, unknown> };
    expect(embedText(refused.data)).toContain('/role set is for admins and above; you are a member.');
    expect(refused.data.flags).toBe(64);
    const allowed = restJson(await interact(roleSet(member(owner, PERMISSIONS.administrator)))) as {
      data: Record<string, unknown>;
    };
    expect(embedText(allowed.data)).toContain('bob is now a moderator.');
    const asMod = restJson(
      await interact(
        discordPayloads.interaction(
          2,
          { id: '9', name: 'source', type: 1, options: [{ name: 'list', type: 1, options: [] }] },
          member(mod, PERMISSIONS.member, [FAKE_MOD_ROLE_ID]),
        ),
      ),
    ) as { data: Record<string, unknown> };
    expect(embedText(asMod.data)).not.toContain('you are a member');
  });

  it('sends a member a direct message in their DM channel', async () => {
    const before = fake.rest.length;
    await adapter.messenger.direct!(
      { platform: 'discord', spaceId: FAKE_GUILD_ID, platformUserId: alice.id },
      { title: 'Renewal reminder', text: 'Your access to “Club” ends on Dec 1.' },
    );
    const calls = fake.rest.slice(before);
    expect(calls.find((c) => c.path === '/api/v10/users/@me/channels')).toBeTruthy();
    const dm = String(BigInt(alice.id) + 1_000_000n);
    const post = calls.find((c) => c.method === 'POST' && c.path === `/api/v10/channels/${dm}/messages`)!;
    expect(embedText(restJson(post))).toContain('ends on Dec 1');
  });

  it('splits an over-long post into messages within the embed limits, buttons on the last', async () => {
    const items = Array.from({ length: 60 }, (_, i) => ({
      title: `Item ${i}`,
      description: 'lorem ipsum '.repeat(10),
      url: `https://example.com/${i}`,
    }));
    const before = fake.rest.length;
    await adapter.messenger.post(
      { platform: 'discord', spaceId: FAKE_GUILD_ID, channelId: FAKE_CHANNEL_ID },
      {
        title: 'Weekly digest',
        text: 'z'.repeat(9_000),
        items,
        fields: Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, value: 'v'.repeat(500) })),
        buttons: [{ label: 'More', action: '/digest' }],
      },
    );
    const posts = fake.rest
      .slice(before)
      .filter((c) => c.method === 'POST' && c.path === `/api/v10/channels/${FAKE_CHANNEL_ID}/messages`);
    expect(posts.length).toBeGreaterThan(3);
    for (const post of posts) {
      const body = restJson(post);
      expect(body.allowed_mentions).toEqual({ parse: [] });
      const embeds = body.embeds as Embed[];
      expect(embeds).toHaveLength(1);
      const embed = embeds[0] as Embed;
      expect(embed.description?.length ?? 0).toBeLessThanOrEqual(4_096);
      expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(25);
      expect(embedText(body).length).toBeLessThanOrEqual(6_000);
    }
    const all = posts.map((p) => embedText(restJson(p))).join('\n');
    expect(all.match(/z/g)?.length).toBe(9_000);
    expect(all.match(/\bf\d+\b/g)).toHaveLength(30);
    const withButtons = posts.filter((p) => (restJson(p).components as unknown[]).length > 0);
    expect(withButtons).toEqual([posts.at(-1)]);
  });

  it('uploads an image as an attachment the embed shows', async () => {
    const before = fake.rest.length;
    await adapter.messenger.post(
      { platform: 'discord', spaceId: FAKE_GUILD_ID, channelId: FAKE_CHANNEL_ID },
      {
        title: 'Weekly chart',
        image: {
          png: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]),
          filename: 'chart.png',
          alt: 'Points by week',
        },
      },
    );
    const post = fake.rest.slice(before).find((c) => c.method === 'POST' && c.path.endsWith('/messages'));
    const body = restJson(post as DiscordRestCall) as {
      embeds: Array<{ image?: { url: string } }>;
      attachments: unknown[];
    };
    expect(body.embeds[0]?.image?.url).toBe('attachment://chart.png');
    expect(body.attachments).toEqual([{ id: 0, filename: 'chart.png', description: 'Points by week' }]);
    expect(post?.body['files[0]']).toMatchObject({ filename: 'chart.png', bytes: 8 });
  });

  it('waits out a 429 on the interaction callback and answers', async () => {
    fake.failNext('POST', /\/callback$/, { status: 429, retryAfterSeconds: 1 });
    const payload = discordPayloads.command('balance', [], member(bob));
    fake.dispatch('INTERACTION_CREATE', payload);
    const calls = await fake.waitForRestCount((c) => c.path.includes(`/interactions/${payload.id}/`), 2, 'retry');
    expect(calls).toHaveLength(2);
    expect(embedText((restJson(calls[1] as DiscordRestCall) as { data: Record<string, unknown> }).data)).toContain(
      'Your points',
    );
  });

  it('sends /privacy export as an ephemeral follow-up carrying the JSON file', async () => {
    const payload = discordPayloads.command('privacy', [{ name: 'export', type: 1, options: [] }], member(alice));
    fake.dispatch('INTERACTION_CREATE', payload);
    const webhook = `/api/v10/webhooks/${FAKE_APP_ID}/${payload.token}`;
    const sent = await fake.waitForRest(
      (c) => c.method === 'POST' && c.path === webhook && Boolean(c.body['files[0]']),
      'follow-up with the export',
    );
    const body = restJson(sent) as { flags?: number; attachments: Array<{ filename: string }> };
    expect(body.flags).toBe(1 << 6);
    const file = sent.body['files[0]'] as unknown as { filename: string; data: Buffer };
    expect(file.filename).toMatch(/^cohort-data-.+-2026-11-20\.json$/);
    expect(body.attachments[0]?.filename).toBe(file.filename);
    const exported = JSON.parse(file.data.toString('utf8')) as { sections: Record<string, unknown> };
    expect(Object.keys(exported.sections).length).toBeGreaterThan(0);
  });

  describe('course access', () => {
    const COURSE_ROLE = '555555555555555555';
    const COURSE_CHANNEL = '666666666666666666';
    const target = {
      platform: 'discord' as const,
      spaceId: FAKE_GUILD_ID,
      platformUserId: bob.id,
      roleId: COURSE_ROLE,
      channelId: COURSE_CHANNEL,
    };

    it('grants the role and opens the channel to the member', async () => {
      const before = fake.rest.length;
      await adapter.access?.grant(target);
      const calls = fake.rest.slice(before);
      expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
        `PUT /api/v10/guilds/${FAKE_GUILD_ID}/members/${bob.id}/roles/${COURSE_ROLE}`,
        `PUT /api/v10/channels/${COURSE_CHANNEL}/permissions/${bob.id}`,
      ]);
      expect(calls[1]?.body).toEqual({ type: 1, allow: '1024', deny: '0' });
      expect(calls[0]?.auth).toBe(`Bot ${fake.token}`);
    });

    it('revokes the role and removes the member overwrite', async () => {
      const before = fake.rest.length;
      await adapter.access?.revoke(target);
      expect(fake.rest.slice(before).map((c) => `${c.method} ${c.path}`)).toEqual([
        `DELETE /api/v10/guilds/${FAKE_GUILD_ID}/members/${bob.id}/roles/${COURSE_ROLE}`,
        `DELETE /api/v10/channels/${COURSE_CHANNEL}/permissions/${bob.id}`,
      ]);
    });

    it('unlocks a paid course end to end: /course access and /course grant, taken back when it ends', async () => {
      app.access.register('discord', adapter.access as NonNullable<typeof adapter.access>);
      const admin = member(owner, PERMISSIONS.administrator);
      const sub = (name: string, options: unknown[]) => [{ name, type: 1, options }];
      const text = (call: DiscordRestCall) => embedText((restJson(call) as { data: Record<string, unknown> }).data);
      const added = await interact(
        discordPayloads.command(
          'course',
          sub('add', [
            { name: 'title', type: 3, value: 'Paper Club' },
            { name: 'price', type: 3, value: '30' },
            { name: 'model', type: 3, value: 'subscription' },
            { name: 'currency', type: 3, value: 'USD' },
          ]),
          admin,
        ),
      );
      const course = /#([a-z0-9]{8})/.exec(text(added))?.[1] ?? '';
      expect(course).not.toBe('');
      // Pasted as Discord writes a role and a channel mention.
      await interact(
        discordPayloads.command(
          'course',
          sub('access', [
            { name: 'course', type: 3, value: course },
            { name: 'role', type: 3, value: `<@&${COURSE_ROLE}>` },
            { name: 'channel', type: 3, value: `<#${COURSE_CHANNEL}>` },
            { name: 'days', type: 4, value: 30 },
          ]),
          admin,
        ),
      );
      const before = fake.rest.length;
      const granted = await interact(
        discordPayloads.command(
          'course',
          sub('grant', [
            { name: 'member', type: 6, value: alice.id },
            { name: 'course', type: 3, value: course },
          ]),
          admin,
          { resolved: { users: { [alice.id]: { ...alice, discriminator: '0', avatar: null, global_name: null } } } },
        ),
      );
      expect(text(granted)).toContain('Paper Club');
      const unlocked = fake.rest.slice(before).map((c) => `${c.method} ${c.path}`);
      expect(unlocked).toContain(`PUT /api/v10/guilds/${FAKE_GUILD_ID}/members/${alice.id}/roles/${COURSE_ROLE}`);
      expect(unlocked).toContain(`PUT /api/v10/channels/${COURSE_CHANNEL}/permissions/${alice.id}`);

      app.clock.advance(31 * 86_400_000);
      const revoking = fake.rest.length;
      expect(await app.services.commerce?.endExpiredAccess(app.clock.now())).toBe(1);
      expect(fake.rest.slice(revoking).map((c) => `${c.method} ${c.path}`)).toEqual([
        `DELETE /api/v10/guilds/${FAKE_GUILD_ID}/members/${alice.id}/roles/${COURSE_ROLE}`,
        `DELETE /api/v10/channels/${COURSE_CHANNEL}/permissions/${alice.id}`,
      ]);
    });

    it('surfaces a refused call (403 Missing Permissions) as a PlatformError with status and route', async () => {
      fake.failNext('PUT', /\/roles\/\d+$/, { status: 403 });
      const refused = await adapter.access?.grant(target).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(PlatformError);
      expect(refused).toMatchObject({
        code: 'ACCESS_FORBIDDEN',
        details: { platform: 'discord', status: 403, route: 'PUT /guilds/:guild/members/:user/roles/:role' },
      });
    });
  });

  describe('HTTP interactions endpoint', () => {
    const endpoint = () => `http://127.0.0.1:${adapter.interactionsAddress?.port}/interactions`;

    it('answers PING and refuses a request signed with another key', async () => {
      const ping = await fake.postInteraction(endpoint(), {
        id: '1',
        application_id: FAKE_APP_ID,
        type: 1,
        token: 'p',
        version: 1,
      });
      expect(await ping.json()).toEqual({ type: 1 });
      const before = fake.rest.length;
      const forged = await fake.postInteraction(endpoint(), discordPayloads.command('help', [], member(alice)), true);
      expect(forged.status).toBe(401);
      expect(refusals.at(-1)).toEqual({ listener: 'discord-interactions', status: 401 });
      const malformed = await fake.postInteraction(endpoint(), { id: '2', type: 2 });
      expect(malformed.status).toBe(400);
      expect(refusals.at(-1)).toEqual({ listener: 'discord-interactions', status: 400 });
      expect(fake.rest.length).toBe(before);
    });

    it('answers a verified command in the HTTP response', async () => {
      const response = await fake.postInteraction(
        endpoint(),
        discordPayloads.command('help', [{ name: 'command', type: 3, value: 'tip' }], member(alice)),
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as { type: number; data: Record<string, unknown> };
      expect(body.type).toBe(4);
      expect(embedText(body.data)).toContain('Give a member some of your points as thanks');
    });

    it('defers a slow command in the HTTP response and follows up over REST without the bot token', async () => {
      const payload = discordPayloads.command('digest', [{ name: 'show', type: 1, options: [] }], member(alice));
      const response = await fake.postInteraction(endpoint(), payload);
      expect(await response.json()).toEqual({ type: 5 });
      const webhook = `/api/v10/webhooks/${FAKE_APP_ID}/${payload.token}`;
      const answer = await fake.waitForRest(
        (c) => (c.method === 'PATCH' || c.method === 'POST') && c.path.startsWith(webhook),
        'follow-up of the deferred HTTP interaction',
      );
      expect(answer.auth).toBeUndefined();
      expect(restJson(answer).allowed_mentions).toEqual({ parse: [] });
    });
  });
});
