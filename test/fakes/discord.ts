import crypto from 'node:crypto';
import http from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { closeServer, listenOnLoopback, parsePayload, readBody, Waiters } from './http-util.ts';

/**
 * A fake Discord on 127.0.0.1 for discord.js: REST (`/api/v10/...`) and the Gateway WebSocket on one port.
 * Tests dispatch gateway events (interactions, messages, reactions, member changes), script REST failures
 * (429) and assert on the REST calls the bot made. It can also sign HTTP interactions with its own Ed25519 key.
 */
export interface DiscordRestCall {
  method: string;
  /** Decoded path without the query (`@original` arrives encoded). */
  path: string;
  query: string;
  auth?: string;
  body: Record<string, unknown> & { payload_json?: string };
  /** Held by a `{ hold: true }` failure: never carried out nor answered (its sender dies with it in flight). */
  held?: boolean;
}

export const FAKE_APP_ID = '111111111111111111';
export const FAKE_GUILD_ID = '222222222222222222';
export const FAKE_CHANNEL_ID = '333333333333333333';
export const FAKE_MOD_ROLE_ID = '444444444444444444';

export interface FakeDiscordUser {
  id: string;
  username: string;
  global_name?: string;
}

export interface FakeDiscord {
  apiUrl: string;
  token: string;
  rest: DiscordRestCall[];
  /** The Gateway intents and `[shard, count]` of every IDENTIFY received, in order. */
  identifies: Array<{ intents: number; shard?: [number, number] }>;
  /** Hex public key of the fake's Ed25519 signing key (DISCORD_PUBLIC_KEY). */
  publicKey: string;
  dispatch(t: string, d: unknown): void;
  /**
   * The next matching call is rate limited (429), refused for missing permissions (403, code 50013), or, with
   * `acceptThen`, carried out and then answered with a 500 or a dropped connection (the bot sees a failure that was not);
   * with `hold`, neither carried out nor answered (a call in flight when the bot's process dies).
   */
  failNext(method: string, pathPattern: RegExp, failure: DiscordFailure): void;
  /** Messages created in a channel, oldest first, as `GET /channels/{id}/messages` serves them. */
  channelMessages(channelId: string): Array<Record<string, unknown>>;
  /** Threads opened by forum posts (`POST /channels/{forum}/threads`), oldest first. */
  forumThreads: Array<{ id: string; parentId: string; name: string }>;
  waitForRest(pred: (call: DiscordRestCall) => boolean, what: string, timeoutMs?: number): Promise<DiscordRestCall>;
  waitForRestCount(pred: (call: DiscordRestCall) => boolean, count: number, what: string): Promise<DiscordRestCall[]>;
  /** Signs and POSTs an interaction to an HTTP interactions endpoint; `forge` signs with a different key. */
  postInteraction(url: string, body: unknown, forge?: boolean): Promise<Response>;
  /** The signature headers Discord would send with this raw body (for load generators that post themselves). */
  signInteraction(raw: string): { 'x-signature-ed25519': string; 'x-signature-timestamp': string };
  close(): Promise<void>;
}

/** The JSON a call carried: plain JSON bodies, or payload_json of a multipart upload. */
export function restJson(call: DiscordRestCall): Record<string, unknown> {
  return call.body.payload_json ? (JSON.parse(call.body.payload_json) as Record<string, unknown>) : call.body;
}

export type DiscordFailure =
  | { status: 429; retryAfterSeconds: number }
  | { status: 403 }
  | { acceptThen: 'status-500' | 'drop-connection' }
  /** Received, then neither carried out nor answered: the bot's process is to die with the request in flight. */
  | { hold: true };

export async function startFakeDiscord(
  token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.token',
  /** The shard count `GET /gateway/bot` recommends. */
  recommendedShards = 1,
): Promise<FakeDiscord> {
  const rest: DiscordRestCall[] = [];
  const identifies: FakeDiscord['identifies'] = [];
  const waiters = new Waiters();
  const failures: Array<{ method: string; pattern: RegExp; failure: DiscordFailure }> = [];
  const users = new Map<string, FakeDiscordUser>();
  const channels = new Map<string, Array<Record<string, unknown>>>();
  const channelHistory = (id: string) => channels.get(id) ?? channels.set(id, []).get(id) ?? [];
  const forumThreads: Array<{ id: string; parentId: string; name: string }> = [];
  let port = 0;
  let sequence = 0n;
  // Snowflakes like Discord's: the creation time in the high bits, so `after=<snowflake of a time>` pages work.
  const nextSnowflake = () => ((BigInt(Date.now()) - 1_420_070_400_000n) << 22n) + (sequence++ % 4096n);
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const forgedKey = crypto.generateKeyPairSync('ed25519').privateKey;

  const server = http.createServer(async (req, res) => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = decodeURIComponent(url.pathname);
    const body = (await parsePayload(String(req.headers['content-type'] ?? ''), raw)) as DiscordRestCall['body'];
    const call: DiscordRestCall = {
      method: req.method ?? 'GET',
      path,
      query: url.search,
      auth: req.headers.authorization,
      body,
    };
    rest.push(call);
    waiters.notify();
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
    const failure = failures.findIndex((f) => f.method === call.method && f.pattern.test(path));
    let acceptThen: 'status-500' | 'drop-connection' | null = null;
    const f = failure >= 0 ? failures.splice(failure, 1)[0]?.failure : undefined;
    if (f && 'hold' in f) {
      call.held = true;
      waiters.notify();
      return;
    }
    if (f && 'acceptThen' in f) acceptThen = f.acceptThen;
    else if (f) {
      if (f.status === 403) return json(403, { message: 'Missing Permissions', code: 50013 });
      const wait = f?.retryAfterSeconds ?? 1;
      return json(
        429,
        { message: 'You are being rate limited.', retry_after: wait, global: false },
        { 'retry-after': String(wait), 'x-ratelimit-scope': 'user' },
      );
    }
    const message = (content: Record<string, unknown>) => ({
      id: String(nextSnowflake()),
      type: 0,
      channel_id: FAKE_CHANNEL_ID,
      content: '',
      embeds: [],
      attachments: [],
      components: [],
      author: { id: FAKE_APP_ID, username: 'cohort', discriminator: '0', avatar: null, bot: true },
      timestamp: new Date(0).toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      pinned: false,
      flags: 0,
      ...content,
    });
    // Like Discord, the Gateway URL is only given to the bot's own token.
    if (call.method === 'GET' && path === '/api/v10/gateway/bot' && call.auth !== `Bot ${token}`)
      return json(401, { message: '401: Unauthorized', code: 0 });
    if (call.method === 'GET' && path === '/api/v10/gateway/bot')
      return json(200, {
        url: `ws://127.0.0.1:${port}`,
        shards: recommendedShards,
        // Large bots identify 16 shards per 5 s; the fake does too, so sharded tests start at once.
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 16 },
      });
    if (call.method === 'PUT' && /^\/api\/v10\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(path))
      return json(
        200,
        (JSON.parse(raw.toString('utf8')) as Array<Record<string, unknown>>).map((c, i) => ({
          id: String(900_000_000_000_000_000n + BigInt(i)),
          application_id: FAKE_APP_ID,
          version: '1',
          ...c,
        })),
      );
    if (call.method === 'POST' && /^\/api\/v10\/interactions\/\d+\/[^/]+\/callback$/.test(path))
      return res.writeHead(204).end();
    if (/^\/api\/v10\/webhooks\/\d+\/[^/]+(\/messages\/@original)?$/.test(path)) {
      if (call.method === 'DELETE') return res.writeHead(204).end();
      return json(200, message({ webhook_id: FAKE_APP_ID }));
    }
    // A DM channel with a user: the same id every time, derived from the user's (as Discord returns one channel).
    if (call.method === 'POST' && path === '/api/v10/users/@me/channels') {
      const recipient = String((restJson(call) as { recipient_id?: unknown }).recipient_id ?? '');
      if (!/^\d+$/.test(recipient)) return json(400, { message: 'Invalid Form Body', code: 50035 });
      return json(200, { id: String(BigInt(recipient) + 1_000_000n), type: 1, recipients: [{ id: recipient }] });
    }
    const channelMatch = /^\/api\/v10\/channels\/(\d+)\/messages$/.exec(path);
    if (call.method === 'POST' && channelMatch) {
      const channelId = channelMatch[1] as string;
      const sent = restJson(call) as Record<string, unknown>;
      const history = channelHistory(channelId);
      // enforce_nonce: a repeat of a recent message (same author and nonce) answers with that message.
      const repeat = sent.enforce_nonce && sent.nonce ? history.find((m) => m.nonce === sent.nonce) : undefined;
      const created =
        repeat ??
        message({
          channel_id: channelId,
          content: sent.content ?? '',
          embeds: sent.embeds ?? [],
          components: sent.components ?? [],
          nonce: sent.nonce,
          timestamp: new Date().toISOString(),
        });
      if (!repeat) history.push(created);
      if (acceptThen === 'drop-connection') return req.socket.destroy();
      if (acceptThen === 'status-500') return json(500, { message: '500: Internal Server Error', code: 0 });
      return json(200, created);
    }
    // An edit of one of the bot's messages: replaced in the channel's history, recorded in `rest`.
    const editMatch = /^\/api\/v10\/channels\/(\d+)\/messages\/(\d+)$/.exec(path);
    if (call.method === 'PATCH' && editMatch) {
      const history = channelHistory(editMatch[1] as string);
      const index = history.findIndex((m) => m.id === editMatch[2]);
      if (index === -1) return json(404, { message: 'Unknown Message', code: 10008 });
      const sent = restJson(call) as Record<string, unknown>;
      const edited = {
        ...history[index],
        embeds: sent.embeds ?? [],
        components: sent.components ?? [],
        edited_timestamp: new Date().toISOString(),
      };
      history[index] = edited;
      return json(200, edited);
    }
    // A forum post: a new thread (a channel of its own) opened by its first message.
    const forumMatch = /^\/api\/v10\/channels\/(\d+)\/threads$/.exec(path);
    if (call.method === 'POST' && forumMatch) {
      const sent = restJson(call) as { name?: string; message?: Record<string, unknown> };
      const threadId = nextSnowflake().toString();
      const created = message({
        channel_id: threadId,
        content: sent.message?.content ?? '',
        embeds: sent.message?.embeds ?? [],
        components: sent.message?.components ?? [],
        timestamp: new Date().toISOString(),
      });
      channelHistory(threadId).push(created);
      forumThreads.push({ id: threadId, parentId: forumMatch[1] as string, name: sent.name ?? '' });
      return json(201, { id: threadId, type: 11, parent_id: forumMatch[1], name: sent.name, message: created });
    }
    if (call.method === 'GET' && channelMatch) {
      const query = new URLSearchParams(url.search);
      const after = BigInt(query.get('after') ?? '0');
      const limit = Math.min(Number(query.get('limit') ?? '50'), 100);
      // Discord answers newest first; `after` pages forward from a snowflake.
      const newer = channelHistory(channelMatch[1] as string).filter((m) => BigInt(String(m.id)) > after);
      return json(200, newer.slice(0, limit).reverse());
    }
    // Course access: member roles and per-member channel overwrites. Bodies are recorded in `rest`.
    if (
      (call.method === 'PUT' || call.method === 'DELETE') &&
      /^\/api\/v10\/(guilds\/\d+\/members\/\d+\/roles\/\d+|channels\/\d+\/permissions\/\d+)$/.test(path)
    )
      return res.writeHead(204).end();
    const userMatch = /^\/api\/v10\/users\/(\d+)$/.exec(path);
    if (call.method === 'GET' && userMatch) {
      const user = users.get(userMatch[1] ?? '');
      return user
        ? json(200, { discriminator: '0', avatar: null, global_name: null, ...user })
        : json(404, { message: 'Unknown User', code: 10013 });
    }
    return json(404, { message: `fake: no route ${call.method} ${path}`, code: 0 });
  });

  const wss = new WebSocketServer({ server });
  const sockets = new Set<WebSocket>();
  const sequences = new Map<WebSocket, number>();
  const send = (ws: WebSocket, op: number, d: unknown, t: string | null = null) => {
    const s = op === 0 ? (sequences.get(ws) ?? 0) + 1 : null;
    if (s !== null) sequences.set(ws, s);
    ws.send(JSON.stringify({ op, d, s, t }));
  };
  wss.on('connection', (ws) => {
    sockets.add(ws);
    send(ws, 10, { heartbeat_interval: 30_000 });
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { op: number; d?: { intents?: number; shard?: [number, number] } };
      if (frame.op === 1) return send(ws, 11, null);
      if (frame.op !== 2) return;
      const shard = frame.d?.shard ?? [0, 1];
      identifies.push({ intents: Number(frame.d?.intents ?? 0), shard });
      // The guild lives on the shard Discord routes it to: (guild_id >> 22) % shard count.
      const ownsGuild = Number((BigInt(FAKE_GUILD_ID) >> 22n) % BigInt(shard[1])) === shard[0];
      send(
        ws,
        0,
        {
          v: 10,
          user: { id: FAKE_APP_ID, username: 'cohort', discriminator: '0', global_name: null, avatar: null, bot: true },
          guilds: ownsGuild ? [{ id: FAKE_GUILD_ID, unavailable: true }] : [],
          session_id: `fake-session-${shard[0]}`,
          resume_gateway_url: `ws://127.0.0.1:${port}`,
          shard,
          application: { id: FAKE_APP_ID, flags: 0 },
          private_channels: [],
        },
        'READY',
      );
      if (ownsGuild) send(ws, 0, guildCreate(), 'GUILD_CREATE');
    });
    ws.on('close', () => sockets.delete(ws));
  });
  port = await listenOnLoopback(server);

  const matching = (pred: (c: DiscordRestCall) => boolean) => rest.filter(pred);
  const publicKeyHex = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    token,
    rest,
    identifies,
    publicKey: publicKeyHex,
    dispatch(t, d) {
      for (const ws of sockets) send(ws, 0, d, t);
      const user = (d as { user?: FakeDiscordUser; member?: { user?: FakeDiscordUser } }).member?.user;
      if (user) users.set(user.id, user);
    },
    failNext(method, pattern, failure) {
      failures.push({ method, pattern, failure });
    },
    channelMessages: (channelId) => [...channelHistory(channelId)],
    forumThreads,
    waitForRest: (pred, what, timeoutMs) => waiters.waitFor(() => rest.find(pred), what, timeoutMs),
    waitForRestCount: (pred, count, what) =>
      waiters.waitFor(() => (matching(pred).length >= count ? matching(pred) : undefined), what),
    async postInteraction(url, body, forge = false) {
      const raw = JSON.stringify(body);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = crypto.sign(null, Buffer.from(timestamp + raw), forge ? forgedKey : privateKey).toString('hex');
      return fetch(url, {
        method: 'POST',
        body: raw,
        headers: {
          'content-type': 'application/json',
          'x-signature-ed25519': signature,
          'x-signature-timestamp': timestamp,
        },
      });
    },
    signInteraction(raw) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = crypto.sign(null, Buffer.from(timestamp + raw), privateKey).toString('hex');
      return { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp };
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await closeServer(server);
    },
  };
}

function guildCreate() {
  return {
    id: FAKE_GUILD_ID,
    name: 'Cohort Test Guild',
    icon: null,
    owner_id: '1',
    unavailable: false,
    large: false,
    member_count: 3,
    joined_at: new Date(0).toISOString(),
    features: [],
    emojis: [],
    stickers: [],
    members: [],
    voice_states: [],
    presences: [],
    threads: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    roles: [
      {
        id: FAKE_GUILD_ID,
        name: '@everyone',
        color: 0,
        hoist: false,
        position: 0,
        permissions: '1024',
        managed: false,
        mentionable: false,
        flags: 0,
      },
      {
        id: FAKE_MOD_ROLE_ID,
        name: 'Moderators',
        color: 0,
        hoist: false,
        position: 1,
        permissions: '1024',
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    channels: [
      {
        id: FAKE_CHANNEL_ID,
        type: 0,
        name: 'general',
        position: 0,
        permission_overwrites: [],
        parent_id: null,
        topic: null,
        nsfw: false,
        rate_limit_per_user: 0,
        last_message_id: null,
      },
    ],
    preferred_locale: 'en-US',
    premium_tier: 0,
    system_channel_id: null,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
  };
}

/** Permission bitfields for members in tests. */
export const PERMISSIONS = { member: '1024', manageGuild: String(1n << 5n), administrator: '8' };

let interactionCounter = 800_000_000_000_000_000n;

type FakeMember = ReturnType<typeof fakeMember>;

function fakeMember(user: FakeDiscordUser, permissions = PERMISSIONS.member, roles: string[] = []) {
  return {
    user: { discriminator: '0', avatar: null, global_name: null, ...user },
    roles,
    joined_at: new Date(0).toISOString(),
    deaf: false,
    mute: false,
    flags: 0,
    permissions,
    nick: null,
    avatar: null,
    premium_since: null,
    pending: false,
  };
}

function interaction(
  type: 2 | 3,
  data: Record<string, unknown>,
  member: FakeMember,
  id = String(++interactionCounter),
  locale = 'en-US',
) {
  return {
    id,
    application_id: FAKE_APP_ID,
    type,
    token: `itoken-${id}`,
    version: 1,
    data,
    guild_id: FAKE_GUILD_ID,
    guild: { id: FAKE_GUILD_ID, locale: 'en-US', features: [] },
    channel_id: FAKE_CHANNEL_ID,
    channel: {
      id: FAKE_CHANNEL_ID,
      type: 0,
      name: 'general',
      guild_id: FAKE_GUILD_ID,
      permissions: '2248473465835073',
    },
    member,
    app_permissions: '2248473465835073',
    locale,
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': FAKE_GUILD_ID },
    context: 0,
    attachment_size_limit: 10_485_760,
    ...(type === 3
      ? { message: { id: '1', channel_id: FAKE_CHANNEL_ID, content: '', embeds: [], components: [] } }
      : {}),
  };
}

/** Builders for the gateway payloads tests dispatch. */
export const discordPayloads = {
  nextId: () => String(++interactionCounter),
  member: fakeMember,
  interaction,
  command(
    name: string,
    options: unknown[],
    member: FakeMember,
    extra: { id?: string; resolved?: unknown; locale?: string } = {},
  ) {
    return interaction(
      2,
      { id: '9', name, type: 1, options, ...(extra.resolved ? { resolved: extra.resolved } : {}) },
      member,
      extra.id,
      extra.locale,
    );
  },
  button(customId: string, member: FakeMember, id?: string) {
    return interaction(3, { custom_id: customId, component_type: 2 }, member, id);
  },
  message(id: string, author: FakeDiscordUser, extra: Record<string, unknown> = {}) {
    return {
      id,
      channel_id: FAKE_CHANNEL_ID,
      guild_id: FAKE_GUILD_ID,
      author: { discriminator: '0', avatar: null, global_name: null, ...author },
      member: { roles: [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, nick: null },
      content: '',
      timestamp: '2026-11-29T10:00:00.000Z',
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: 0,
      ...extra,
    };
  },
  reaction(messageId: string, user: FakeDiscordUser, emoji: string, messageAuthorId?: string) {
    return {
      user_id: user.id,
      channel_id: FAKE_CHANNEL_ID,
      message_id: messageId,
      guild_id: FAKE_GUILD_ID,
      emoji: { id: null, name: emoji },
      burst: false,
      type: 0,
      member: discordPayloads.member(user),
      ...(messageAuthorId ? { message_author_id: messageAuthorId } : {}),
    };
  },
};
