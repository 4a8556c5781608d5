import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { PermissionLevel } from '../../../core/domain/types.ts';
import type { Clock } from '../../../core/ports/clock.ts';
import type { Logger } from '../../../core/ports/logger.ts';
import type { CommunityStore, MemberStore } from '../../../core/ports/stores.ts';
import { type ChatAdministrator, TelegramRoles } from '../../telegram/permissions.ts';
import { html } from '../html.ts';
import { identityOf } from './identity.ts';
import type { SignInMethod } from './method.ts';

/** A login is refused a day after Telegram signed it (a link that leaked from history cannot sign in later). */
const MAX_AGE_SECONDS = 86_400;

const widgetData = z.object({
  id: z.string().regex(/^\d{1,20}$/),
  first_name: z.string().max(128).optional(),
  last_name: z.string().max(128).optional(),
  username: z.string().max(64).optional(),
  photo_url: z.string().max(512).optional(),
  auth_date: z.string().regex(/^\d{1,12}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

/**
 * Checks a Telegram Login Widget answer as Telegram documents it: HMAC-SHA256 over the sorted `key=value` lines,
 * keyed with SHA-256 of the bot token, and a fresh auth_date.
 */
export function verifyTelegramLogin(
  query: Record<string, unknown>,
  botToken: string,
  nowMs: number,
): z.infer<typeof widgetData> | null {
  const parsed = widgetData.safeParse(query);
  if (!parsed.success) return null;
  const lines = Object.entries(query)
    .filter(([key, value]) => key !== 'hash' && typeof value === 'string')
    .map(([key, value]) => `${key}=${value as string}`)
    .sort()
    .join('\n');
  const secret = createHash('sha256').update(botToken).digest();
  const expected = createHmac('sha256', secret).update(lines).digest();
  const given = Buffer.from(parsed.data.hash, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const age = nowMs / 1000 - Number(parsed.data.auth_date);
  if (age > MAX_AGE_SECONDS || age < -300) return null;
  return parsed.data;
}

export interface TelegramSignInOptions {
  botToken: string;
  botUsername: string;
  /** https://api.telegram.org (TELEGRAM_API_ROOT). */
  apiRoot: string;
  stores: { communities: CommunityStore; members: MemberStore };
  clock: Clock;
  log: Logger;
}

/**
 * The Telegram Login Widget: the person's Telegram id, signed with our bot token. Their communities are the
 * groups where the bot knows them or lists them as an administrator; the role comes from the bot's own mapping
 * (the chat's creator and administrators who may change info or promote: admin; other administrators: moderator).
 */
export function telegramSignIn(o: TelegramSignInOptions): SignInMethod {
  const api = o.apiRoot.replace(/\/$/, '');
  const roles = new TelegramRoles(
    async (chatId) => {
      const response = await fetch(
        `${api}/bot${o.botToken}/getChatAdministrators?chat_id=${encodeURIComponent(chatId)}`,
      );
      const body = (await response.json()) as { ok?: boolean; result?: ChatAdministrator[] };
      if (!body.ok || !body.result) throw new Error(`getChatAdministrators answered ${response.status}`);
      return body.result;
    },
    o.clock,
    o.log,
  );
  return {
    name: 'telegram',
    button: (t) =>
      html`<noscript>${t('panel:signIn.telegram')}</noscript><script async src="https://telegram.org/js/telegram-widget.js?22" data-telegram-login="${o.botUsername}" data-size="large" data-auth-url="/auth/telegram/callback" data-request-access="write"></script>`,
    routes(app, hooks) {
      app.get<{ Querystring: Record<string, string | undefined> }>(
        '/auth/telegram/callback',
        { config: hooks.rateLimit },
        async (req, reply) => {
          const login = verifyTelegramLogin(req.query ?? {}, o.botToken, o.clock.now().getTime());
          if (!login) return hooks.fail(req, reply, 'the Telegram signature did not match');
          const spaces: { platformId: string; platformRole?: PermissionLevel }[] = [];
          for (const community of await o.stores.communities.list()) {
            if (community.platform !== 'telegram') continue;
            const role = await roles.roleOf(community.platformId, 'supergroup', login.id);
            const known = await o.stores.members.findByPlatformUserId(community.id, login.id);
            if (known || role !== 'member') spaces.push({ platformId: community.platformId, platformRole: role });
          }
          const name = [login.first_name, login.last_name].filter(Boolean).join(' ') || login.username || login.id;
          const who = await identityOf(o.stores, {
            platform: 'telegram',
            platformUserId: login.id,
            handle: login.username ?? `tg${login.id}`,
            displayName: name,
            spaces,
          });
          return hooks.complete(req, reply, who);
        },
      );
    },
  };
}
