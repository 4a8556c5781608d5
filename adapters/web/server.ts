import { randomUUID } from 'node:crypto';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySecureSession from '@fastify/secure-session';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { RichReply } from '../../core/domain/reply.ts';
import {
  type Community,
  hasPermission,
  type Locale,
  type Member,
  PERMISSION_LEVELS,
  type PermissionLevel,
  type Platform,
} from '../../core/domain/types.ts';
import type { CohortCore } from '../../core/framework/envelopes.ts';
import type { RawOptionValue } from '../../core/framework/options.ts';
import { normalizeLocale, type Translate, type Translator } from '../../core/i18n/translate.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { PANEL_CSS, PANEL_JS } from './assets.ts';
import { FlashBox } from './flash.ts';
import { html } from './html.ts';
import { replyHtml, shell } from './layout.ts';
import type { PageContext, PanelPage, PanelServices } from './page.ts';
import { cronPreview } from './pages/digests.ts';
import { PANEL_PAGES } from './pages/index.ts';
import type { LocalSignInLinks } from './sign-in/local-links.ts';
import type { SignInMethod } from './sign-in/method.ts';

/** Who a session belongs to, and the communities that sign-in reached. Kept in the encrypted session cookie. */
export interface PanelIdentity {
  platform: Platform;
  platformUserId: string;
  name: string;
  /** Each community this sign-in reaches, with the role the platform itself grants there when it said. */
  communities: { id: string; platformRole?: PermissionLevel }[];
}

declare module '@fastify/secure-session' {
  interface SessionData {
    who: PanelIdentity;
    locale: Locale;
    /** An OAuth sign-in under way: its state (and PKCE verifier or OpenID nonce), checked on the callback. */
    oauth: { method: string; state: string; verifier?: string; nonce?: string };
  }
}

export interface PanelOptions {
  core: CohortCore;
  services: PanelServices;
  /** The features' catalogue plus the `panel` namespace. */
  translator: Translator;
  clock: Clock;
  log: Logger;
  /** 32 bytes: encrypts the session cookie. */
  sessionKey: Buffer;
  /** Cookies marked Secure (the panel is served over https). */
  secureCookies: boolean;
  localLinks: LocalSignInLinks;
  signIn: readonly SignInMethod[];
  /** Sign-in attempts per address per minute. */
  signInRateLimit?: number;
}

const SESSION_HOURS = 12;

function higher(a: PermissionLevel, b: PermissionLevel | undefined): PermissionLevel {
  if (!b) return a;
  return PERMISSION_LEVELS.indexOf(b) > PERMISSION_LEVELS.indexOf(a) ? b : a;
}

/** The first language of Accept-Language we speak, by preference weight. */
export function acceptedLocale(header: string | undefined): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const locale = normalizeLocale(tag);
    if (locale) return locale;
  }
  return null;
}

export async function buildPanelServer(options: PanelOptions): Promise<FastifyInstance> {
  const { services, translator, log, core, clock } = options;
  const flashes = new FlashBox(clock);
  const app = Fastify({ logger: false, trustProxy: false, bodyLimit: 256 * 1024, return503OnClosing: true });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"],
        // The Telegram Login Widget is a script and an iframe of telegram.org.
        'script-src': ["'self'", 'https://telegram.org'],
        'frame-src': ['https://oauth.telegram.org'],
        'img-src': ["'self'", 'data:', 'https://t.me', 'https://*.telegram.org'],
        'style-src': ["'self'"],
        'form-action': ["'self'"],
        'upgrade-insecure-requests': options.secureCookies ? [] : null,
      },
    },
    strictTransportSecurity: options.secureCookies,
  });
  await app.register(fastifySecureSession, {
    key: options.sessionKey,
    cookieName: 'cohort_session',
    expiry: SESSION_HOURS * 3600,
    cookie: {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secureCookies,
      maxAge: SESSION_HOURS * 3600,
    },
  });
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/secure-session' });
  await app.register(fastifyFormbody);
  await app.register(fastifyRateLimit, {
    global: true,
    max: 600,
    timeWindow: 60_000,
    errorResponseBuilder: (_req, context) => ({ statusCode: 429, code: 'RATE_LIMITED', after: context.after }),
  });

  // Every form is checked: a POST without the session's CSRF token is refused before its handler runs.
  app.addHook('preHandler', (req, reply, done) => {
    if (req.method !== 'POST') return done();
    app.csrfProtection(req, reply, done);
  });

  const localeOf = (req: FastifyRequest, member?: Member | null, community?: Community | null): Locale =>
    req.session.get('locale') ??
    community?.locale ??
    acceptedLocale(req.headers['accept-language']) ??
    member?.locale ??
    'en';

  function page(
    reply: FastifyReply,
    status: number,
    o: Omit<Parameters<typeof shell>[0], 'locale' | 't'> & { locale: Locale },
  ): FastifyReply {
    const t = translator.forLocale(o.locale);
    return reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-language', o.locale)
      .send(shell({ ...o, t }).value);
  }

  function notice(req: FastifyRequest, reply: FastifyReply, status: number, key: string, params = {}): FastifyReply {
    const locale = localeOf(req);
    const t = translator.forLocale(locale);
    return page(reply, status, {
      locale,
      title: t('panel:product'),
      csrf: reply.generateCsrf(),
      body: html`<p class="notice">${t(key, params)}</p><p><a href="/">${t('panel:signIn.title')}</a></p>`,
    });
  }

  app.setErrorHandler((error, req, reply) => {
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('FST_CSRF')) {
      log.warn({ code, url: req.url }, 'panel form refused: missing or wrong CSRF token');
      return notice(req, reply, 403, 'panel:errors.csrf');
    }
    if ((error as { statusCode?: number }).statusCode === 429 || code === 'RATE_LIMITED')
      return notice(req, reply, 429, 'panel:signIn.rateLimited');
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 400 && status < 500) return notice(req, reply, status, 'panel:errors.badInput', { detail: code });
    const ref = randomUUID().slice(0, 8);
    log.error({ err: error, ref, url: req.url }, 'panel request failed');
    return notice(req, reply, 500, 'panel:errors.internal', { ref });
  });
  app.setNotFoundHandler((req, reply) => notice(req, reply, 404, 'panel:errors.notFound'));

  app.get('/assets/panel.css', (_req, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'max-age=3600').send(PANEL_CSS),
  );
  app.get('/assets/panel.js', (_req, reply) =>
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'max-age=3600')
      .send(PANEL_JS),
  );
  app.get('/healthz', (_req, reply) => reply.send({ ok: true }));

  /** Signs the caller in: members are made on first sight, as the bot makes them on first contact. */
  async function completeSignIn(req: FastifyRequest, reply: FastifyReply, who: PanelIdentity): Promise<FastifyReply> {
    if (who.communities.length === 0) return notice(req, reply, 403, 'panel:signIn.noCommunity');
    req.session.regenerate(['locale']);
    req.session.set('who', who);
    log.info({ platform: who.platform, communities: who.communities.length }, 'panel sign-in');
    return reply.redirect(who.communities.length === 1 ? `/c/${who.communities[0]!.id}/` : '/', 303);
  }

  const signInLimit = { rateLimit: { max: options.signInRateLimit ?? 20, timeWindow: 60_000 } };

  app.get('/', { config: signInLimit }, async (req, reply) => {
    const who = req.session.get('who');
    const locale = localeOf(req);
    const t = translator.forLocale(locale);
    if (who) {
      const communities = (await Promise.all(who.communities.map((c) => services.communities.get(c.id)))).filter(
        (c): c is Community => c !== null,
      );
      if (communities.length === 1) return reply.redirect(`/c/${communities[0]!.id}/`, 303);
      return page(reply, 200, {
        locale,
        title: t('panel:pick.title'),
        csrf: reply.generateCsrf(),
        body: html`<ul class="cards">${communities.map(
          (c) => html`<li><a class="button" href="/c/${c.id}/">${c.name}</a> <small>${c.platform}</small></li>`,
        )}</ul>`,
      });
    }
    const methods = options.signIn.map((m) => m.button(t, reply));
    return page(reply, 200, {
      locale,
      title: t('panel:signIn.title'),
      csrf: reply.generateCsrf(),
      body: html`<p>${t('panel:signIn.intro')}</p>
<div class="sign-in">${methods.length ? methods : html`<p class="notice">${t('panel:signIn.none')}</p>`}</div>
${options.localLinks.active() ? html`<p class="hint">${t('panel:signIn.console')}</p>` : ''}`,
    });
  });

  app.get<{ Params: { token: string } }>('/login/:token', { config: signInLimit }, async (req, reply) => {
    const grant = options.localLinks.consume(req.params.token);
    if (!grant) return notice(req, reply, 410, 'panel:signIn.linkUsed');
    return completeSignIn(req, reply, grant);
  });

  for (const method of options.signIn)
    method.routes(app, {
      rateLimit: signInLimit,
      complete: completeSignIn,
      fail: (req, reply, reason) => {
        log.warn({ method: method.name, reason }, 'panel sign-in failed');
        return notice(req, reply, 401, 'panel:signIn.failed', { reason });
      },
    });

  app.post('/logout', (req, reply) => {
    req.session.delete();
    return reply.redirect('/', 303);
  });

  app.post<{ Body: { locale?: string; back?: string } }>('/locale', (req, reply) => {
    const locale = normalizeLocale(req.body?.locale);
    if (locale) req.session.set('locale', locale);
    const back = req.headers.referer ? safeBack(new URL(req.headers.referer, 'http://x').pathname) : '/';
    return reply.redirect(back, 303);
  });

  interface Viewer {
    community: Community;
    member: Member;
    role: PermissionLevel;
    locale: Locale;
    t: Translate;
    who: PanelIdentity;
  }

  /** The signed-in viewer in the community of the address, or the refusal already sent. */
  async function viewerOf(
    req: FastifyRequest<{ Params: { cid: string } }>,
    reply: FastifyReply,
  ): Promise<Viewer | null> {
    const who = req.session.get('who');
    if (!who) {
      if (req.method === 'GET') reply.redirect('/', 303);
      else notice(req, reply, 401, 'panel:errors.session');
      return null;
    }
    const grant = who.communities.find((c) => c.id === req.params.cid);
    const community = grant ? await services.communities.get(grant.id) : null;
    const member = community ? await services.members.findByPlatformUserId(community.id, who.platformUserId) : null;
    if (!grant || !community || !member || community.platform !== who.platform) {
      log.warn({ community: req.params.cid, platform: who.platform }, 'panel refused another community');
      notice(req, reply, 403, 'panel:errors.otherCommunity');
      return null;
    }
    const locale = localeOf(req, member, community);
    return {
      community,
      member,
      role: higher(member.role, grant.platformRole),
      locale,
      t: translator.forLocale(locale),
      who,
    };
  }

  const navFor = (role: PermissionLevel) => PANEL_PAGES.filter((p) => hasPermission(role, p.permission));
  const firstPage = (role: PermissionLevel): PanelPage =>
    navFor(role).find((p) => p.permission !== 'member') ?? (PANEL_PAGES.find((p) => p.path === 'me') as PanelPage);

  app.get<{ Params: { cid: string } }>('/c/:cid/', async (req, reply) => {
    const viewer = await viewerOf(req, reply);
    if (!viewer) return reply;
    return reply.redirect(`/c/${viewer.community.id}/${firstPage(viewer.role).path}`, 303);
  });

  app.get<{ Params: { cid: string; page: string }; Querystring: Record<string, string | undefined> }>(
    '/c/:cid/:page',
    async (req, reply) => {
      const viewer = await viewerOf(req, reply);
      if (!viewer) return reply;
      const target = PANEL_PAGES.find((p) => p.path === req.params.page);
      if (!target) return notice(req, reply, 404, 'panel:errors.notFound');
      const { t, role, community, member, locale } = viewer;
      if (!hasPermission(role, target.permission))
        return notice(req, reply, 403, 'panel:errors.forbidden', { role: t(`common:roles.${target.permission}`) });
      const csrf = reply.generateCsrf();
      const back = `/c/${community.id}/${target.path}`;
      const ctx: PageContext = {
        community,
        member,
        role,
        locale,
        t,
        csrf,
        services,
        clock,
        back,
        query: req.query ?? {},
        commands: core.commands(),
        defaultChannel: community.platform === 'console' ? 'general' : '',
      };
      const flashId = req.query?.flash;
      const flash = flashId ? flashes.take(flashId, member.id) : null;
      return page(reply, 200, {
        locale,
        title: target.title(t),
        csrf,
        viewer: { name: member.displayName, role, communityName: community.name, communityId: community.id },
        nav: navFor(role),
        current: target.path,
        flash: flash ? replyHtml(flash, { communityId: community.id, csrf, back }) : null,
        body: await target.render(ctx),
      });
    },
  );

  // The cron helper's live preview (the page's script asks as the viewer types; without script the form does).
  app.get<{ Params: { cid: string }; Querystring: { cron?: string; timezone?: string } }>(
    '/c/:cid/digests/cron',
    async (req, reply) => {
      const viewer = await viewerOf(req, reply);
      if (!viewer) return reply;
      const fragment = cronPreview(
        viewer.t,
        viewer.locale,
        String(req.query.cron ?? ''),
        String(req.query.timezone ?? viewer.community.timezone),
        clock.now(),
      );
      return reply.header('content-type', 'text/html; charset=utf-8').send(fragment.value);
    },
  );

  /**
   * Every change the panel makes is a command, run as the viewer through the dispatcher: the same permission check,
   * option parsing, service call, reply and audit record as in chat. The reply is shown on the page it came from.
   */
  app.post<{ Params: { cid: string }; Body: Record<string, string | undefined> }>('/c/:cid/run', async (req, reply) => {
    const viewer = await viewerOf(req, reply);
    if (!viewer) return reply;
    const body = req.body ?? {};
    const back = safeBack(body.back ?? '', viewer.community.id);
    const options: Record<string, RawOptionValue | undefined> = {};
    for (const [key, value] of Object.entries(body)) {
      if (!key.startsWith('o.') || typeof value !== 'string') continue;
      const trimmed = value.trim();
      if (trimmed !== '') options[key.slice(2)] = trimmed;
    }
    const command = typeof body.command === 'string' ? body.command.trim() : '';
    const line = typeof body.line === 'string' ? body.line.trim() : '';
    if (!command && !line) return notice(req, reply, 400, 'panel:errors.badInput', { detail: 'command' });
    const channel = typeof body.channel === 'string' ? body.channel.trim().slice(0, 64) : '';
    const outcome = await core.handleCommand({
      space: {
        platform: viewer.community.platform,
        platformId: viewer.community.platformId,
        name: viewer.community.name,
      },
      user: {
        platformUserId: viewer.member.platformUserId,
        handle: viewer.member.handle,
        displayName: viewer.member.displayName,
        locale: viewer.locale,
        platformRole: viewer.who.communities.find((c) => c.id === viewer.community.id)?.platformRole,
      },
      ...(channel ? { channel: { platformChannelId: channel, name: channel } } : {}),
      input: line ? { kind: 'text', line } : { kind: 'structured', path: command.split(/\s+/).slice(0, 4), options },
      deliveryId: `panel:${randomUUID()}`,
      via: 'panel',
    });
    const shown: RichReply = outcome.reply ?? { text: outcome.status };
    const id = flashes.put(viewer.member.id, shown);
    return reply.redirect(`${back}${back.includes('?') ? '&' : '?'}flash=${id}`, 303);
  });

  return app;
}

/** Forms come back only to a page of the panel itself (never an outside address). */
function safeBack(path: string, communityId?: string): string {
  const prefix = communityId ? `/c/${communityId}/` : '/';
  return path.startsWith(prefix) && !path.startsWith('//') && /^[\w/?=&.-]*$/.test(path) ? path : prefix;
}
