import crypto from 'node:crypto';
import http from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { closeServer, listenOnLoopback, parsePayload, readBody, Waiters } from './http-util.ts';

/**
 * A fake Slack on 127.0.0.1 for @slack/bolt: the Web API (`POST /api/<method>`), response_url endpoints
 * (`POST /response/<id>`), file upload URLs, and a Socket Mode WebSocket. It also plays Slack towards the app:
 * signed slash commands, events and button clicks over HTTP, or envelopes over Socket Mode.
 */
export interface SlackCall {
  path: string;
  /**
   * The Web API method (`chat.postMessage`) or `response` for response_url posts (`held-response` for one held),
   * `upload` for file bytes.
   */
  method: string;
  auth?: string;
  payload: Record<string, unknown>;
}

export interface FakeSlackUser {
  id: string;
  name: string;
  real_name?: string;
  is_admin?: boolean;
  is_owner?: boolean;
  locale?: string;
}

export const FAKE_TEAM = { id: 'T0COHORT', domain: 'cohort-test' };
export const FAKE_BOT_USER = 'U0BOT';

export interface FakeSlack {
  apiUrl: string;
  base: string;
  calls: SlackCall[];
  /** What the app sent back over Socket Mode (acks with payloads). */
  socketAcks: Array<{ envelope_id: string; payload?: unknown }>;
  addUser(user: FakeSlackUser): void;
  setUserGroup(id: string, userIds: string[]): void;
  /**
   * The next call of `method` is rate limited (429), refused at the HTTP level (403), answers `ok: false`, or, with
   * `acceptThen`, is carried out and then its connection dropped (the app sees a failure that was not).
   */
  failNext(method: string, failure: SlackFailure): void;
  /** The next response_url post is held: recorded as `held-response`, neither carried out nor answered. */
  holdNextResponse(): void;
  /** Messages posted in a channel with chat.postMessage, oldest first (what conversations.history serves). */
  channelMessages(channel: string): Array<Record<string, unknown>>;
  /** Channel members as conversations.invite/kick left them. */
  channelMembers(channel: string): string[];
  /** A user group's members as usergroups.users.update left them. */
  userGroup(id: string): string[];
  responseUrl(id: string): string;
  waitForCall(pred: (call: SlackCall) => boolean, what: string, timeoutMs?: number): Promise<SlackCall>;
  waitForCalls(pred: (call: SlackCall) => boolean, count: number, what: string): Promise<SlackCall[]>;
  /** Socket Mode: sends an envelope to every connected app and resolves with its ack. */
  sendEnvelope(
    type: string,
    payload: unknown,
    envelopeId?: string,
  ): Promise<{ envelope_id: string; payload?: unknown }>;
  socketConnected(): Promise<void>;
  close(): Promise<void>;
}

export type SlackFailure =
  | { status: 429; retryAfterSeconds: number }
  | { status: 403 }
  | { error: string }
  | { acceptThen: 'drop-connection' };

export async function startFakeSlack(): Promise<FakeSlack> {
  let heldResponses = 0;
  const calls: SlackCall[] = [];
  const socketAcks: FakeSlack['socketAcks'] = [];
  const waiters = new Waiters();
  const users = new Map<string, FakeSlackUser>();
  const groups = new Map<string, string[]>();
  const failures = new Map<string, SlackFailure[]>();
  const members = new Map<string, Set<string>>();
  const histories = new Map<string, Array<Record<string, unknown>>>();
  const historyOf = (channel: string) => histories.get(channel) ?? histories.set(channel, []).get(channel) ?? [];
  const membersOf = (channel: string) =>
    members.get(channel) ?? members.set(channel, new Set()).get(channel) ?? new Set();
  let port = 0;
  let ts = 1_764_400_000;
  let fileId = 0;

  const server = http.createServer(async (req, res) => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const contentType = String(req.headers['content-type'] ?? '');
    const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    if (url.pathname.startsWith('/response/') || url.pathname.startsWith('/upload/')) {
      const method = url.pathname.startsWith('/response/') ? 'response' : 'upload';
      const payload = method === 'upload' ? await uploadedFile(contentType, raw) : await parsePayload(contentType, raw);
      if (method === 'response' && heldResponses > 0) {
        // Neither carried out nor answered: the app's process is to die with this answer in flight.
        heldResponses--;
        calls.push({ path: url.pathname, method: 'held-response', payload });
        waiters.notify();
        return;
      }
      calls.push({ path: url.pathname, method, payload });
      waiters.notify();
      return res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const payload = await parsePayload(contentType, raw);
    calls.push({ path: url.pathname, method, auth: req.headers.authorization, payload });
    waiters.notify();
    const failure = failures.get(method)?.shift();
    const dropAfter = failure !== undefined && 'acceptThen' in failure;
    if (failure && 'error' in failure) return json({ ok: false, error: failure.error });
    if (failure && 'status' in failure && failure.status === 403) return json({ ok: false, error: 'forbidden' }, 403);
    if (failure && 'status' in failure)
      return json({ ok: false, error: 'ratelimited' }, failure.status, {
        'retry-after': String(failure.retryAfterSeconds),
      });
    switch (method) {
      case 'auth.test':
        return json({ ok: true, team: 'Cohort test', team_id: FAKE_TEAM.id, user_id: FAKE_BOT_USER, bot_id: 'B0BOT' });
      case 'apps.connections.open':
        return json({ ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=t1` });
      case 'chat.postMessage': {
        const channel = String(payload.channel);
        // Timestamps like Slack's: seconds since the epoch, so conversations.history `oldest` filters work.
        ts = Math.max(ts + 1, Math.floor(Date.now() / 1000));
        const metadata = typeof payload.metadata === 'string' ? JSON.parse(payload.metadata) : payload.metadata;
        const posted = {
          type: 'message',
          user: FAKE_BOT_USER,
          ts: `${ts}.000100`,
          text: payload.text,
          ...(metadata ? { metadata } : {}),
        };
        historyOf(channel).push(posted);
        if (dropAfter) return req.socket.destroy();
        return json({ ok: true, channel, ts: posted.ts, message: { text: payload.text } });
      }
      case 'chat.update': {
        const posted = historyOf(String(payload.channel)).find((m) => m.ts === payload.ts);
        if (!posted) return json({ ok: false, error: 'message_not_found' });
        Object.assign(posted, { text: payload.text, blocks: payload.blocks, edited: { user: FAKE_BOT_USER } });
        return json({ ok: true, channel: payload.channel, ts: posted.ts, text: payload.text });
      }
      case 'conversations.history': {
        const oldest = Number(payload.oldest ?? 0);
        const withMetadata = String(payload.include_all_metadata) === 'true';
        const messages = historyOf(String(payload.channel))
          .filter((m) => Number(m.ts) > oldest)
          .reverse()
          .slice(0, Number(payload.limit ?? 100))
          .map(({ metadata, ...m }) => (withMetadata && metadata ? { ...m, metadata } : m));
        return json({ ok: true, messages, has_more: false, response_metadata: { next_cursor: '' } });
      }
      case 'users.info': {
        const user = users.get(String(payload.user));
        if (!user) return json({ ok: false, error: 'user_not_found' });
        return json({
          ok: true,
          user: {
            ...user,
            profile: { display_name: user.real_name ?? user.name, real_name: user.real_name ?? user.name },
          },
        });
      }
      case 'usergroups.users.list':
        return json({ ok: true, users: groups.get(String(payload.usergroup)) ?? [] });
      case 'usergroups.users.update': {
        const list = String(payload.users ?? '')
          .split(',')
          .filter(Boolean);
        if (list.length === 0) return json({ ok: false, error: 'invalid_users' });
        groups.set(String(payload.usergroup), list);
        return json({ ok: true, usergroup: { id: payload.usergroup, users: list } });
      }
      case 'conversations.open':
        return json({ ok: true, channel: { id: `D${String(payload.users).replace(/^U/, '')}` } });
      case 'conversations.invite': {
        const channel = membersOf(String(payload.channel));
        const invited = String(payload.users).split(',');
        if (invited.every((u) => channel.has(u))) return json({ ok: false, error: 'already_in_channel' });
        for (const u of invited) channel.add(u);
        return json({ ok: true, channel: { id: payload.channel } });
      }
      case 'conversations.kick': {
        const channel = membersOf(String(payload.channel));
        if (!channel.delete(String(payload.user))) return json({ ok: false, error: 'not_in_channel' });
        return json({ ok: true });
      }
      case 'files.getUploadURLExternal': {
        const id = `F${++fileId}`;
        return json({ ok: true, file_id: id, upload_url: `http://127.0.0.1:${port}/upload/${id}` });
      }
      case 'files.completeUploadExternal':
        return json({ ok: true, files: JSON.parse(String(payload.files ?? '[]')) });
      default:
        return json({ ok: false, error: 'unknown_method' });
    }
  });

  const wss = new WebSocketServer({ server });
  const sockets = new Set<WebSocket>();
  const socketWaiters = new Waiters();
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0COHORT' } }));
    ws.on('message', (data) => {
      socketAcks.push(JSON.parse(String(data)));
      socketWaiters.notify();
    });
    ws.on('close', () => sockets.delete(ws));
    socketWaiters.notify();
  });
  port = await listenOnLoopback(server);
  const base = `http://127.0.0.1:${port}`;
  let envelopeCounter = 0;

  const matching = (pred: (c: SlackCall) => boolean) => calls.filter(pred);
  return {
    apiUrl: `${base}/api/`,
    base,
    calls,
    socketAcks,
    addUser: (user) => users.set(user.id, user),
    setUserGroup: (id, userIds) => groups.set(id, userIds),
    failNext(method, failure) {
      failures.set(method, [...(failures.get(method) ?? []), failure]);
    },
    holdNextResponse() {
      heldResponses++;
    },
    channelMembers: (channel) => [...(members.get(channel) ?? [])],
    channelMessages: (channel) => [...historyOf(channel)],
    userGroup: (id) => groups.get(id) ?? [],
    responseUrl: (id) => `${base}/response/${id}`,
    waitForCall: (pred, what, timeoutMs) => waiters.waitFor(() => calls.find(pred), what, timeoutMs),
    waitForCalls: (pred, count, what) =>
      waiters.waitFor(() => (matching(pred).length >= count ? matching(pred) : undefined), what),
    async sendEnvelope(type, payload, envelopeId = `env-${++envelopeCounter}`) {
      for (const ws of sockets)
        ws.send(JSON.stringify({ envelope_id: envelopeId, type, accepts_response_payload: true, payload }));
      return socketWaiters.waitFor(() => socketAcks.find((a) => a.envelope_id === envelopeId), `ack of ${envelopeId}`);
    },
    socketConnected: () =>
      socketWaiters.waitFor(() => (sockets.size > 0 ? true : undefined), 'socket mode connection').then(() => {}),
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await closeServer(server);
    },
  };
}

/** What reached an upload URL: the file part of a multipart body (name, length, bytes), or the raw body. */
async function uploadedFile(contentType: string, raw: Buffer): Promise<Record<string, unknown>> {
  if (!contentType.includes('multipart/form-data')) return { bytes: raw.length, data: raw };
  const parts = Object.values(await parsePayload(contentType, raw));
  const file = parts.find((p): p is { filename: string; bytes: number; data: Buffer } => typeof p === 'object');
  return file ?? { bytes: 0, data: Buffer.alloc(0) };
}

/** Slack's request signature: v0=HMAC_SHA256(secret, `v0:${timestamp}:${body}`). */
export function signSlack(secret: string, timestamp: number, body: string): string {
  return `v0=${crypto.createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Plays Slack towards the app's /slack/events endpoint with signed requests. */
export function slackSender(appUrl: string, secret: string) {
  const post = async (body: string, contentType: string, headers: Record<string, string> = {}, signWith = secret) => {
    const timestamp = Math.floor(Date.now() / 1000);
    return fetch(appUrl, {
      method: 'POST',
      body,
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signSlack(signWith, timestamp, body),
        ...headers,
      },
    });
  };
  return {
    slashCommand(fields: Record<string, string>, signWith?: string) {
      return post(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', {}, signWith);
    },
    event(body: unknown, retryNum?: number) {
      return post(
        JSON.stringify(body),
        'application/json',
        retryNum ? { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' } : {},
      );
    },
    action(payload: unknown) {
      return post(
        new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
        'application/x-www-form-urlencoded',
      );
    },
  };
}

export const slackPayloads = {
  slashCommand(
    command: string,
    text: string,
    user: FakeSlackUser,
    triggerId: string,
    responseUrl: string,
    channel = 'C0GENERAL',
  ): Record<string, string> {
    return {
      token: 'legacy',
      team_id: FAKE_TEAM.id,
      team_domain: FAKE_TEAM.domain,
      channel_id: channel,
      channel_name: 'general',
      user_id: user.id,
      user_name: user.name,
      command,
      text,
      api_app_id: 'A0COHORT',
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: triggerId,
    };
  },
  eventCallback(eventId: string, event: Record<string, unknown>) {
    return {
      token: 'legacy',
      team_id: FAKE_TEAM.id,
      api_app_id: 'A0COHORT',
      type: 'event_callback',
      event_id: eventId,
      event_time: 1_764_400_000,
      authorizations: [{ team_id: FAKE_TEAM.id, user_id: FAKE_BOT_USER, is_bot: true }],
      event,
    };
  },
  blockAction(user: FakeSlackUser, value: string, actionTs: string, responseUrl: string, channel = 'C0GENERAL') {
    return {
      type: 'block_actions',
      trigger_id: `trig-${actionTs}`,
      api_app_id: 'A0COHORT',
      token: 'legacy',
      user: { id: user.id, username: user.name, name: user.name, team_id: FAKE_TEAM.id },
      team: { id: FAKE_TEAM.id, domain: FAKE_TEAM.domain },
      channel: { id: channel, name: 'general' },
      container: { type: 'message', message_ts: '1.2', channel_id: channel, is_ephemeral: false },
      response_url: responseUrl,
      actions: [
        {
          type: 'button',
          action_id: 'cohort_action_0',
          block_id: 'b1',
          value,
          action_ts: actionTs,
          text: { type: 'plain_text', text: 'x' },
        },
      ],
    };
  },
};
