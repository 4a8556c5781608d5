import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp } from '../support/npm-start.ts';

/**
 * The "done when", through the real entry point: with no tokens and the console kept open, `npm start`
 * serves the sign-in page in the browser's language and prints a one-time link that opens the demo's panel.
 */
describe('npm start serves the panel beside the console sandbox', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cohort-panel-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a one-time link on stderr; / answers in the browser language; the link opens the demo panel', async () => {
    const app = startApp({ DATABASE_URL: `file:${path.join(dir, 'c.db')}` });
    try {
      const [, link, base] = await app.waitFor(
        /Web panel \(one-time sign-in as @admin\): ((http:\/\/127\.0\.0\.1:\d+)\/login\/\S+)/,
        'stderr',
        90_000,
      );
      const zh = await fetch(`${base}/`, { headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
      expect(zh.status).toBe(200);
      expect(await zh.text()).toContain('<h1>登录你的社区</h1>');
      const en = await fetch(`${base}/`, { headers: { 'accept-language': 'en-GB' } });
      expect(await en.text()).toContain('<h1>Sign in to your community</h1>');
      const opened = await fetch(link!, { redirect: 'manual' });
      expect(opened.status).toBe(303);
      const cookie = opened.headers.getSetCookie()[0]!.split(';')[0]!;
      const panel = await fetch(new URL(opened.headers.get('location')!, base), {
        headers: { cookie },
        redirect: 'follow',
      });
      expect(panel.status).toBe(200);
      const html = await panel.text();
      expect(html).toContain('Cohort Demo Community');
      expect(html).toContain('Operator');
      // The console still answers while the panel runs.
      app.child.stdin?.write('/help\n');
      await app.waitFor(/Commands you can use/);
    } finally {
      app.child.stdin?.end();
      await app.exited;
    }
  }, 150_000);
});
