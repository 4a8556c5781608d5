import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedLocale } from '../../adapters/web/server.ts';
import { rawExchange, rawPost } from '../support/raw-http.ts';
import { type PanelHarness, startPanelHarness } from './panel-harness.ts';

/** A tiny cookie-keeping client: what a browser does with the panel's session cookie, and what a forger can. */
class Client {
  cookie = '';
  constructor(private readonly base: string) {}
  async get(path: string, headers: Record<string, string> = {}) {
    return this.#keep(
      await fetch(`${this.base}${path}`, { redirect: 'manual', headers: { cookie: this.cookie, ...headers } }),
    );
  }
  async post(path: string, form: Record<string, string>) {
    return this.#keep(
      await fetch(`${this.base}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form),
      }),
    );
  }
  #keep(response: Response): Response {
    const set = response.headers.getSetCookie().find((c) => c.startsWith('cohort_session='));
    if (set) this.cookie = set.split(';')[0]!;
    return response;
  }
  async csrfFrom(path: string): Promise<string> {
    const html = await (await this.get(path)).text();
    return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  }
}

describe('web panel refusals', () => {
  let h: PanelHarness;
  let admin: Client;

  beforeAll(async () => {
    h = await startPanelHarness();
    admin = new Client(h.panel.url);
    const signIn = await admin.get(new URL(await h.demoLink('admin')).pathname);
    expect(signIn.status).toBe(303);
  }, 120_000);

  afterAll(async () => {
    await h?.dispose();
  });

  it('sets a secure session cookie and a strict content policy', async () => {
    const client = new Client(h.panel.url);
    const response = await client.get(new URL(await h.demoLink('mod')).pathname);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('cohort_session=')) ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const page = await client.get(`/c/${h.ids.demo}/sources`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('a one-time link works once', async () => {
    const link = new URL(await h.demoLink('mod')).pathname;
    expect((await new Client(h.panel.url).get(link)).status).toBe(303);
    expect((await new Client(h.panel.url).get(link)).status).toBe(410);
  });

  it('refuses a forged or tampered session cookie', async () => {
    const forger = new Client(h.panel.url);
    forger.cookie = `cohort_session=${Buffer.alloc(80, 7).toString('base64')}`;
    const forged = await forger.get(`/c/${h.ids.demo}/admin`);
    expect(forged.status).toBe(303);
    expect(forged.headers.get('location')).toBe('/');
    const value = admin.cookie.slice('cohort_session='.length);
    const flipped = value.slice(0, 20) + (value[20] === 'A' ? 'B' : 'A') + value.slice(21);
    forger.cookie = `cohort_session=${flipped}`;
    expect((await forger.get(`/c/${h.ids.demo}/admin`)).status).toBe(303);
  });

  it('refuses a form without its CSRF token, or with another session’s', async () => {
    const before = (await h.app.services.content.sources.list(h.ids.demo)).length;
    const form = {
      command: 'source add',
      'o.url': h.feeds.feeds[0]!.url,
      channel: 'general',
      back: `/c/${h.ids.demo}/sources`,
    };
    expect((await admin.post(`/c/${h.ids.demo}/run`, form)).status).toBe(403);
    const other = new Client(h.panel.url);
    await other.get(new URL(await h.demoLink('mod')).pathname);
    const theirs = await other.csrfFrom(`/c/${h.ids.demo}/sources`);
    const refused = await admin.post(`/c/${h.ids.demo}/run`, { ...form, _csrf: theirs });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('did not come from this panel');
    expect((await h.app.services.content.sources.list(h.ids.demo)).length).toBe(before);
  });

  it('refuses another community, by page and by form', async () => {
    const page = await admin.get(`/c/${h.ids.discord}/sources`);
    expect(page.status).toBe(403);
    const token = await admin.csrfFrom(`/c/${h.ids.demo}/sources`);
    const form = await admin.post(`/c/${h.ids.discord}/run`, {
      _csrf: token,
      command: 'community timezone',
      'o.timezone': 'Asia/Tokyo',
      back: `/c/${h.ids.discord}/admin`,
    });
    expect(form.status).toBe(403);
    expect((await h.app.services.communities.get(h.ids.discord))?.timezone).not.toBe('Asia/Tokyo');
  });

  it('a member cannot open moderator pages, and a command they may not run is refused by the dispatcher', async () => {
    const alice = new Client(h.panel.url);
    await alice.get(new URL(await h.demoLink('alice')).pathname);
    expect((await alice.get(`/c/${h.ids.demo}/admin`)).status).toBe(403);
    // Her own page shows her points, with whom and why.
    await h.app.console.run('@bob /tip @alice 3 "thanks for the notes"');
    const mine = await (await alice.get(`/c/${h.ids.demo}/me`)).text();
    expect(mine).toMatch(/<td>\+3<\/td>\s*<td>@bob<\/td><td>thanks for the notes<\/td>/);
    const token = await alice.csrfFrom(`/c/${h.ids.demo}/me`);
    const run = await alice.post(`/c/${h.ids.demo}/run`, {
      _csrf: token,
      command: 'community timezone',
      'o.timezone': 'Asia/Tokyo',
      back: `/c/${h.ids.demo}/me`,
    });
    expect(run.status).toBe(303);
    const shown = await (await alice.get(run.headers.get('location')!.replace(h.panel.url, ''))).text();
    expect(shown).toContain('tone-error');
    expect((await h.app.services.communities.get(h.ids.demo))?.timezone).not.toBe('Asia/Tokyo');
  });

  it('escapes what members wrote', async () => {
    await h.app.services.members.ensure(h.ids.demo, {
      platformUserId: 'evil',
      handle: 'evil',
      displayName: '<img src=x onerror=alert(1)>',
    });
    const html = await (await admin.get(`/c/${h.ids.demo}/admin`)).text();
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img src=x');
  });

  it('refuses an OAuth callback whose state was not issued to this browser', async () => {
    const stranger = new Client(h.panel.url);
    const answer = await stranger.get('/auth/discord/callback?code=abc&state=made-up');
    expect(answer.status).toBe(401);
  });

  it('rate-limits sign-in attempts', async () => {
    const client = new Client(h.panel.url);
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await client.get(`/login/guess-${i}`)).status);
    expect(statuses).toContain(410);
    expect(statuses.at(-1)).toBe(429);
  });

  it('listens through the hardened edge: an oversized body is refused unread, and the panel keeps serving', async () => {
    const port = Number(new URL(h.panel.url).port);
    const { response } = await rawExchange(
      port,
      [
        rawPost(`/c/${h.ids.demo}/run`, {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': 10_000_000,
        }),
      ],
      { waitMs: 500 },
    );
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect((await admin.get(`/c/${h.ids.demo}/sources`)).status).toBe(200);
  });

  it('reads the browser language from Accept-Language', () => {
    expect(acceptedLocale('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(acceptedLocale('fr-FR, en;q=0.5, zh;q=0.4')).toBe('en');
    expect(acceptedLocale('en;q=0.2, zh-TW;q=0.8')).toBe('zh-CN');
    expect(acceptedLocale('fr')).toBeNull();
  });
});
