import type { webApi } from '@slack/bolt';
import * as oidc from 'openid-client';
import { z } from 'zod';
import type { Clock } from '../../../core/ports/clock.ts';
import type { Logger } from '../../../core/ports/logger.ts';
import type { CommunityStore, MemberStore } from '../../../core/ports/stores.ts';
import { SlackDirectory } from '../../slack/users.ts';
import { html } from '../html.ts';
import { identityOf } from './identity.ts';
import type { SignInMethod } from './method.ts';

const slackClaims = z.object({
  sub: z.string().min(1),
  'https://slack.com/user_id': z.string().regex(/^[UW][A-Z0-9]+$/),
  'https://slack.com/team_id': z.string().regex(/^T[A-Z0-9]+$/),
  name: z.string().max(120).optional(),
  given_name: z.string().max(120).optional(),
  locale: z.string().max(16).optional(),
});

export interface SlackSignInOptions {
  clientId: string;
  clientSecret: string;
  /** <WEB_PUBLIC_URL>/auth/slack/callback, registered under OAuth & Permissions → Redirect URLs. */
  redirectUri: string;
  /** https://slack.com (SLACK_OIDC_ISSUER). */
  issuer: string;
  /** The bot token and Web API, when Slack runs here: the caller's role then comes from the bot's own mapping. */
  bot?: { token: string; apiUrl: string; moderatorGroupId?: string };
  stores: { communities: CommunityStore; members: MemberStore };
  clock: Clock;
  log: Logger;
}

/**
 * The two Web API calls the bot's role mapping makes (users.info, usergroups.users.list), over fetch: the panel
 * uses the same SlackDirectory as the bot without loading the Slack SDK.
 */
function webApiShim(token: string, apiUrl: string): webApi.WebClient {
  const call = async (method: string, params: Record<string, string>) => {
    const response = await fetch(`${apiUrl.replace(/\/?$/, '/')}${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
    });
    const body = (await response.json()) as { ok?: boolean; error?: string };
    if (!body.ok) throw new Error(`${method}: ${body.error ?? response.status}`);
    return body;
  };
  return {
    users: { info: ({ user }: { user: string }) => call('users.info', { user, include_locale: 'true' }) },
    usergroups: {
      users: { list: ({ usergroup }: { usergroup: string }) => call('usergroups.users.list', { usergroup }) },
    },
  } as unknown as webApi.WebClient;
}

/** Sign in with Slack (OpenID Connect, scopes `openid profile`): the workspace and user ids from the ID token. */
export function slackSignIn(o: SlackSignInOptions): SignInMethod {
  let discovered: Promise<oidc.Configuration> | null = null;
  // Discovery happens on the first sign-in, not at start-up (the app starts even when Slack is unreachable).
  const config = () => {
    discovered ??= oidc
      .discovery(new URL(o.issuer), o.clientId, o.clientSecret, undefined, {
        ...(o.issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : {}),
      })
      .catch((error: unknown) => {
        discovered = null;
        throw error;
      });
    return discovered;
  };
  const directory = o.bot
    ? new SlackDirectory(webApiShim(o.bot.token, o.bot.apiUrl), o.clock, o.log, o.bot.moderatorGroupId)
    : null;
  return {
    name: 'slack',
    button: (t) => html`<a class="button primary" href="/auth/slack">${t('panel:signIn.slack')}</a>`,
    routes(app, hooks) {
      app.get('/auth/slack', { config: hooks.rateLimit }, async (req, reply) => {
        let configuration: oidc.Configuration;
        try {
          configuration = await config();
        } catch {
          return hooks.fail(req, reply, 'Slack cannot be reached');
        }
        const state = oidc.randomState();
        const nonce = oidc.randomNonce();
        req.session.set('oauth', { method: 'slack', state, nonce });
        const url = oidc.buildAuthorizationUrl(configuration, {
          redirect_uri: o.redirectUri,
          scope: 'openid profile',
          state,
          nonce,
        });
        return reply.redirect(url.toString(), 302);
      });
      app.get('/auth/slack/callback', { config: hooks.rateLimit }, async (req, reply) => {
        const pending = req.session.get('oauth');
        req.session.set('oauth', undefined);
        if (pending?.method !== 'slack') return hooks.fail(req, reply, 'state mismatch');
        let claims: z.infer<typeof slackClaims>;
        try {
          const configuration = await config();
          const current = new URL(req.url, o.redirectUri);
          const tokens = await oidc.authorizationCodeGrant(configuration, current, {
            expectedState: pending.state,
            ...(pending.nonce ? { expectedNonce: pending.nonce } : {}),
            idTokenExpected: true,
          });
          claims = slackClaims.parse(tokens.claims());
        } catch (error) {
          o.log.warn({ err: error }, 'Slack sign-in refused');
          return hooks.fail(req, reply, 'Slack did not confirm the sign-in');
        }
        const userId = claims['https://slack.com/user_id'];
        const platformRole = directory ? await directory.role(userId) : undefined;
        const who = await identityOf(o.stores, {
          platform: 'slack',
          platformUserId: userId,
          handle: (claims.given_name ?? claims.name ?? userId).toLowerCase().replace(/[^\p{L}\p{N}_.-]/gu, ''),
          displayName: claims.name ?? userId,
          locale: claims.locale ?? null,
          spaces: [{ platformId: claims['https://slack.com/team_id'], ...(platformRole ? { platformRole } : {}) }],
        });
        return hooks.complete(req, reply, who);
      });
    },
  };
}
