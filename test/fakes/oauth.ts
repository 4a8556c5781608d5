import { createHash, createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import { closeServer, listenOnLoopback, parsePayload, readBody } from './http-util.ts';

/**
 * A local stand-in for the platforms' sign-in servers on 127.0.0.1, enough for the panel's real OAuth clients:
 *
 * - Discord OAuth2: /discord/oauth2/authorize (approves at once as the current user), /discord/api/oauth2/token
 *   (client secret by Basic auth, PKCE S256 checked), /discord/api/users/@me and /users/@me/guilds;
 * - Sign in with Slack: /slack/.well-known/openid-configuration, /slack/openid/connect/authorize,
 *   /slack/api/openid.connect.token (an RS256 ID token with Slack's claims), /slack/jwks, and the bot's
 *   users.info / usergroups.users.list;
 * - Telegram: /telegram/bot<token>/getChatAdministrators.
 *
 * `signInAs` says who approves the next authorisation, as if that person were logged in to the platform.
 */
export interface FakeDiscordUser {
  id: string;
  username: string;
  global_name?: string;
  guilds: { id: string; permissions: string; owner?: boolean }[];
}

export interface FakeSlackUser {
  userId: string;
  teamId: string;
  name: string;
  isAdmin?: boolean;
}

export interface FakeOAuth {
  url: string;
  discord: { clientId: string; clientSecret: string };
  slack: { clientId: string; clientSecret: string };
  signInAs(who: { discord?: FakeDiscordUser; slack?: FakeSlackUser }): void;
  /** Telegram chat administrators, by chat id. */
  telegramAdmins: Map<string, { user: { id: number }; status: string; can_change_info?: boolean }[]>;
  /** Token requests seen, per platform (a test checks the code exchange really happened). */
  exchanges: { discord: number; slack: number };
  close(): Promise<void>;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export async function startFakeOAuth(): Promise<FakeOAuth> {
  const discord = { clientId: '111111111111111111', clientSecret: 'discord-secret' };
  const slack = { clientId: '1234.5678', clientSecret: 'slack-secret' };
  let current: { discord?: FakeDiscordUser; slack?: FakeSlackUser } = {};
  const codes = new Map<
    string,
    { discord?: FakeDiscordUser; slack?: FakeSlackUser; challenge?: string; nonce?: string; redirect: string }
  >();
  const tokens = new Map<string, FakeDiscordUser>();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'fake-1', alg: 'RS256', use: 'sig' };
  const telegramAdmins = new Map<string, { user: { id: number }; status: string; can_change_info?: boolean }[]>();
  const exchanges = { discord: 0, slack: 0 };
  let base = '';
  const slackUsers = new Map<string, FakeSlackUser>();

  const json = (res: http.ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  const idToken = (user: FakeSlackUser, nonce: string | undefined) => {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'fake-1' }));
    const payload = b64url(
      JSON.stringify({
        iss: `${base}/slack`,
        aud: slack.clientId,
        sub: user.userId,
        iat: now,
        exp: now + 600,
        ...(nonce ? { nonce } : {}),
        'https://slack.com/user_id': user.userId,
        'https://slack.com/team_id': user.teamId,
        name: user.name,
        given_name: user.name.split(' ')[0],
        locale: 'en-US',
      }),
    );
    const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey);
    return `${header}.${payload}.${b64url(signature)}`;
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    const body = await parsePayload(String(req.headers['content-type'] ?? ''), await readBody(req));
    const path = url.pathname;
    const q = url.searchParams;

    if (path === '/discord/oauth2/authorize') {
      if (q.get('client_id') !== discord.clientId || !current.discord)
        return json(res, 400, { error: 'invalid_client' });
      if (q.get('code_challenge_method') !== 'S256') return json(res, 400, { error: 'pkce required' });
      const code = b64url(randomBytes(12));
      codes.set(code, {
        discord: current.discord,
        challenge: q.get('code_challenge') ?? '',
        redirect: q.get('redirect_uri') ?? '',
      });
      const back = new URL(q.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      return res.writeHead(302, { location: back.toString() }).end();
    }
    if (path === '/discord/api/oauth2/token' && req.method === 'POST') {
      const basic = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      if (basic !== `${discord.clientId}:${discord.clientSecret}`) return json(res, 401, { error: 'invalid_client' });
      const grant = codes.get(String(body.code));
      codes.delete(String(body.code));
      const verifier = String(body.code_verifier ?? '');
      if (!grant?.discord || grant.challenge !== b64url(createHash('sha256').update(verifier).digest()))
        return json(res, 400, { error: 'invalid_grant' });
      if (grant.redirect !== body.redirect_uri)
        return json(res, 400, { error: 'invalid_grant', detail: 'redirect_uri' });
      exchanges.discord++;
      const token = b64url(randomBytes(16));
      tokens.set(token, grant.discord);
      return json(res, 200, {
        access_token: token,
        token_type: 'Bearer',
        expires_in: 604800,
        scope: 'identify guilds',
      });
    }
    if (path.startsWith('/discord/api/users/@me')) {
      const user = tokens.get(String(req.headers.authorization ?? '').replace(/^Bearer /, ''));
      if (!user) return json(res, 401, { message: '401: Unauthorized' });
      if (path.endsWith('/guilds'))
        return json(
          res,
          200,
          user.guilds.map((g) => ({ name: `Guild ${g.id}`, ...g })),
        );
      return json(res, 200, { id: user.id, username: user.username, global_name: user.global_name ?? null });
    }

    if (path === '/slack/.well-known/openid-configuration')
      return json(res, 200, {
        issuer: `${base}/slack`,
        authorization_endpoint: `${base}/slack/openid/connect/authorize`,
        token_endpoint: `${base}/slack/api/openid.connect.token`,
        userinfo_endpoint: `${base}/slack/api/openid.connect.userInfo`,
        jwks_uri: `${base}/slack/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        scopes_supported: ['openid', 'profile', 'email'],
      });
    if (path === '/slack/jwks') return json(res, 200, { keys: [jwk] });
    if (path === '/slack/openid/connect/authorize') {
      if (q.get('client_id') !== slack.clientId || !current.slack) return json(res, 400, { error: 'invalid_client' });
      const code = b64url(randomBytes(12));
      codes.set(code, {
        slack: current.slack,
        nonce: q.get('nonce') ?? undefined,
        redirect: q.get('redirect_uri') ?? '',
      });
      const back = new URL(q.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      return res.writeHead(302, { location: back.toString() }).end();
    }
    if (path === '/slack/api/openid.connect.token' && req.method === 'POST') {
      const basic = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      const [id, secret] = basic ? basic.split(':') : [body.client_id, body.client_secret];
      if (
        decodeURIComponent(String(id)) !== slack.clientId ||
        decodeURIComponent(String(secret)) !== slack.clientSecret
      )
        return json(res, 200, { ok: false, error: 'invalid_client' });
      const grant = codes.get(String(body.code));
      codes.delete(String(body.code));
      if (!grant?.slack || grant.redirect !== body.redirect_uri)
        return json(res, 400, { ok: false, error: 'invalid_grant' });
      exchanges.slack++;
      slackUsers.set(grant.slack.userId, grant.slack);
      return json(res, 200, {
        ok: true,
        access_token: `xoxp-${b64url(randomBytes(8))}`,
        token_type: 'Bearer',
        id_token: idToken(grant.slack, grant.nonce),
      });
    }
    if (path === '/slack/api/users.info') {
      const user = slackUsers.get(String(body.user));
      return json(
        res,
        200,
        user
          ? { ok: true, user: { id: user.userId, name: user.name, is_admin: user.isAdmin ?? false } }
          : { ok: false, error: 'user_not_found' },
      );
    }
    if (path === '/slack/api/usergroups.users.list') return json(res, 200, { ok: true, users: [] });

    const telegram = /^\/telegram\/bot[^/]+\/getChatAdministrators$/.exec(path);
    if (telegram) return json(res, 200, { ok: true, result: telegramAdmins.get(q.get('chat_id') ?? '') ?? [] });
    return json(res, 404, { error: 'not found', path });
  });
  const port = await listenOnLoopback(server);
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    discord,
    slack,
    telegramAdmins,
    exchanges,
    signInAs(who) {
      current = who;
    },
    close: () => closeServer(server),
  };
}
