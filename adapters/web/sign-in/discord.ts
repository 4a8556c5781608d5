import { CodeChallengeMethod, generateCodeVerifier, generateState, OAuth2Client } from 'arctic';
import { z } from 'zod';
import type { CommunityStore, MemberStore } from '../../../core/ports/stores.ts';
import { roleFromPermissions } from '../../discord/decode.ts';
import { html } from '../html.ts';
import { identityOf } from './identity.ts';
import type { SignInMethod } from './method.ts';

const discordUser = z.object({
  id: z.string().regex(/^\d{1,20}$/),
  username: z.string().min(1).max(64),
  global_name: z.string().max(64).nullish(),
  locale: z.string().max(16).nullish(),
});
const discordGuilds = z.array(
  z.object({ id: z.string().regex(/^\d{1,20}$/), owner: z.boolean().optional(), permissions: z.string().optional() }),
);

export interface DiscordSignInOptions {
  clientId: string;
  clientSecret: string;
  /** <WEB_PUBLIC_URL>/auth/discord/callback, registered under OAuth2 → Redirects. */
  redirectUri: string;
  /** Where the authorize page lives: https://discord.com (DISCORD_OAUTH_URL). */
  oauthUrl: string;
  /** The REST API: https://discord.com/api (DISCORD_API_URL). */
  apiUrl: string;
  moderatorRoleId?: string;
  stores: { communities: CommunityStore; members: MemberStore };
}

/**
 * Discord OAuth2 with PKCE, scopes `identify guilds`: who the person is and the servers they are in, each with
 * their permissions there, mapped to a role as the bot maps them (Manage Server or Administrator: admin).
 */
export function discordSignIn(o: DiscordSignInOptions): SignInMethod {
  const client = new OAuth2Client(o.clientId, o.clientSecret, o.redirectUri);
  const api = o.apiUrl.replace(/\/$/, '');
  const get = async (path: string, token: string) => {
    const response = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`Discord answered ${response.status} to ${path}`);
    return response.json() as Promise<unknown>;
  };
  return {
    name: 'discord',
    button: (t) => html`<a class="button primary" href="/auth/discord">${t('panel:signIn.discord')}</a>`,
    routes(app, hooks) {
      app.get('/auth/discord', { config: hooks.rateLimit }, (req, reply) => {
        const state = generateState();
        const verifier = generateCodeVerifier();
        req.session.set('oauth', { method: 'discord', state, verifier });
        const url = client.createAuthorizationURLWithPKCE(
          `${o.oauthUrl.replace(/\/$/, '')}/oauth2/authorize`,
          state,
          CodeChallengeMethod.S256,
          verifier,
          ['identify', 'guilds'],
        );
        return reply.redirect(url.toString(), 302);
      });
      app.get<{ Querystring: Record<string, string | undefined> }>(
        '/auth/discord/callback',
        { config: hooks.rateLimit },
        async (req, reply) => {
          const pending = req.session.get('oauth');
          req.session.set('oauth', undefined);
          const { code, state, error } = req.query;
          if (error) return hooks.fail(req, reply, String(error).slice(0, 80));
          if (pending?.method !== 'discord' || !state || state !== pending.state || !code)
            return hooks.fail(req, reply, 'state mismatch');
          let token: string;
          try {
            token = (
              await client.validateAuthorizationCode(`${api}/oauth2/token`, code, pending.verifier ?? null)
            ).accessToken();
          } catch {
            return hooks.fail(req, reply, 'the code was refused');
          }
          const user = discordUser.safeParse(await get('/users/@me', token));
          const guilds = discordGuilds.safeParse(await get('/users/@me/guilds', token));
          if (!user.success || !guilds.success) return hooks.fail(req, reply, 'unexpected answer from Discord');
          const who = await identityOf(o.stores, {
            platform: 'discord',
            platformUserId: user.data.id,
            handle: user.data.username,
            displayName: user.data.global_name || user.data.username,
            locale: user.data.locale ?? null,
            spaces: guilds.data.map((g) => ({
              platformId: g.id,
              platformRole: g.owner ? 'admin' : roleFromPermissions(g.permissions, [], o.moderatorRoleId),
            })),
          });
          return hooks.complete(req, reply, who);
        },
      );
    },
  };
}
