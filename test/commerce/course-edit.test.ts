import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('a creator edits, archives and restores a course in the console sandbox', () => {
  let app: TestApp;
  let course = '';
  const ref = (output: string) => /#([a-z0-9]{8})/.exec(output)?.[1] ?? '';

  beforeAll(async () => {
    app = await createTestApp({ demo: true });
    course = ref(
      (await app.console.run('@creator /course add "Options Basics" 19.90 one_off USD investing Calls'))!.output,
    );
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('changes title, price, topics and description; an open order keeps the price it was opened at', async () => {
    await app.console.run(`@bob /buy ${course}`);
    const edited = await app.console.run(
      `@creator /course edit ${course} title:"期权入门 Options 101" price:29.90 tags:investing,options 看涨、看跌与价差`,
    );
    expect(edited?.status).toBe('ok');
    expect(edited?.output).toContain('New orders pay $29.90; orders already open');
    const stored = (await app.services.courses.get(course))!;
    expect(stored).toMatchObject({
      title: '期权入门 Options 101',
      priceMinor: 2990,
      currency: 'USD',
      tags: ['investing', 'options'],
      description: '看涨、看跌与价差',
      language: 'zh',
    });
    const [bobs] = await app.services.commerce!.listOrders(app.demoCommunityId!, { status: 'pending' });
    expect(bobs?.amountMinor).toBe(1990);
    expect((await app.console.run(`@alice /course show ${course}`))?.output).toContain('$29.90');

    expect((await app.console.run(`@creator /course edit ${course}`))?.status).toBe('COURSE_EDIT_EMPTY');
    expect((await app.console.run(`@creator /course edit ${course} price:abc`))?.status).toBe('PRICE_INVALID');
    expect((await app.console.run(`@alice /course edit ${course} title:Mine`))?.status).toBe('PERMISSION_DENIED');
    expect((await app.services.courses.get(course))!.title).toBe('期权入门 Options 101');
  });

  it('takes a course off sale and back, keeping what owners have, in both languages', async () => {
    const [bobs] = await app.services.commerce!.listOrders(app.demoCommunityId!, { status: 'pending' });
    await app.services.commerce!.fulfilPaid(bobs!.id, 'provider:test', app.clock.now());

    const archived = await app.console.run(`@creator /course archive ${course}`);
    expect(archived?.output).toContain('is off sale');
    expect((await app.console.run(`@creator /course archive ${course}`))?.output).toContain('is already off sale');
    expect((await app.console.run(`@alice /buy ${course}`))?.status).toBe('COURSE_ARCHIVED');
    expect((await app.console.run('@bob /mycourses'))?.output).toContain('期权入门 Options 101');

    await app.console.run('@creator /language zh-CN');
    try {
      const restored = await app.console.run(`@creator /course restore ${course}`);
      expect(restored?.output).toBe('✔ 《期权入门 Options 101》已重新上架。');
      expect((await app.console.run(`@creator /course restore ${course}`))?.output).toContain('已经在售');
    } finally {
      await app.console.run('@creator /language en');
    }
    expect((await app.console.run(`@alice /buy ${course}`))?.status).toBe('ok');
  });
});
