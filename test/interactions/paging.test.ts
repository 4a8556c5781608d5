import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

/** List commands page with buttons in the console sandbox (`!N` presses a button), in English and Chinese. */
describe('paged lists in the console sandbox', () => {
  let app: TestApp;
  const say = async (line: string) => (await app.console.run(line))!;
  const buttonNumber = (turn: { reply: { buttons?: { label: string; action?: string }[] } | null }, label: RegExp) =>
    (turn.reply?.buttons ?? []).filter((b) => b.action).findIndex((b) => label.test(b.label)) + 1;

  beforeAll(async () => {
    app = await createTestApp({ demo: true });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('/courses shows page 1 of the catalogue with a Next button that shows the rest', async () => {
    const first = await say('@alice /courses');
    expect(first.output).toMatch(/Page 1 of \d+ · \d+ in all/);
    const total = Number(/· (\d+) in all/.exec(first.output)![1]);
    expect(total).toBeGreaterThan(10);
    const next = buttonNumber(first, /Next/);
    expect(next).toBeGreaterThan(0);
    const second = await say(`!${next}`);
    expect(second.status).toBe('ok');
    expect(second.output).toContain('Page 2 of');
    expect(buttonNumber(second, /Previous/)).toBeGreaterThan(0);
    const titles = (out: string) => [...out.matchAll(/^\d+\. (.+)$/gm)].map((m) => m[1]);
    expect(titles(second.output).some((x) => titles(first.output).includes(x))).toBe(false);
  });

  it('/tips pages a long history, in Chinese too', async () => {
    for (let i = 0; i < 12; i++) {
      expect((await say(`@mod /points grant @chen ${i + 1} 第${i + 1}次`)).status).toBe('ok');
    }
    const first = await say('@chen /tips');
    expect(first.output).toContain('第 1 页');
    const next = buttonNumber(first, /下一页/);
    const second = await say(`!${next}`);
    expect(second.output).toContain('第 2 页');
    expect(buttonNumber(second, /下一页/)).toBe(0);
    expect((await say('@chen /tips page:9')).output).toContain('没有第 9 页');
  });
});
