import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('console sandbox on the demo community', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ demo: true });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('seeds members with roles, ~20 courses and a history', async () => {
    const id = app.demoCommunityId!;
    const members = await app.services.members.list(id);
    expect(members.map((m) => m.handle)).toEqual(expect.arrayContaining(['mod', 'creator', 'alice', 'chen', 'newbie']));
    expect(members.find((m) => m.handle === 'mod')?.role).toBe('moderator');
    expect(members.find((m) => m.handle === 'creator')?.role).toBe('creator');
    expect(await app.services.courses.count(id)).toBeGreaterThanOrEqual(18);
    const events = await app.services.events.query({ communityId: id });
    expect(events.length).toBeGreaterThan(200);
    expect(new Set(events.map((e) => e.verb))).toEqual(
      new Set([
        'message.posted',
        'message.replied',
        'reaction.added',
        'search.performed',
        'course.viewed',
        'course.enrolled',
        'course.purchased',
      ]),
    );
    // History lies in the past of the seed's clock.
    expect(events.every((e) => e.occurredAt <= app.clock.now())).toBe(true);
  });

  it('lists the commands a member may use, in their language', async () => {
    const en = await app.console.run('/help');
    expect(en?.status).toBe('ok');
    expect(en?.output).toContain('Commands you can use');
    expect(en?.output).toContain('/language <en|zh-CN>');
    expect(en?.output).not.toContain('/role set');
    const zh = await app.console.run('@chen /help');
    expect(zh?.output).toContain('你可以使用的命令');
    expect(zh?.output).toContain('选择 Cohort 与你交流的语言');
  });

  it('shows admins the admin commands', async () => {
    const turn = await app.console.run('@admin /help');
    expect(turn?.output).toContain('/role set <member> <member|creator|moderator|admin>');
  });

  it('refuses a command above the member’s role and names the role needed', async () => {
    const turn = await app.console.run('@bob /role set @alice admin');
    expect(turn?.status).toBe('PERMISSION_DENIED');
    expect(turn?.output).toContain('/role set is for admins and above; you are a member.');
  });

  it('explains invalid options precisely, in Chinese for a Chinese member', async () => {
    const turn = await app.console.run('@chen /language fr');
    expect(turn?.status).toBe('OPTION_INVALID');
    expect(turn?.output).toContain(
      '`language` 应为以下之一：en, zh-CN（也可写：zh, cn, 中文, english, 英文），但收到的是“fr”',
    );
  });

  it('names an unknown member politely', async () => {
    const turn = await app.console.run('@admin /role set @nobody creator');
    expect(turn?.status).toBe('MEMBER_UNKNOWN');
    expect(turn?.output).toContain('could not find the member “@nobody”');
  });

  it('lets a community fix one language for everyone', async () => {
    await app.console.run('@admin /community language zh-CN');
    const turn = await app.console.run('@alice /help');
    expect(turn?.output).toContain('你可以使用的命令');
    await app.console.run('@admin /community language auto');
    expect((await app.console.run('@alice /help'))?.output).toContain('Commands you can use');
  });

  it('says so when !N names no button', async () => {
    await app.console.run('/help');
    const turn = await app.console.run('!3');
    expect(turn?.status).toBe('NO_SUCH_BUTTON');
  });

  it('ignores blank lines and comments', async () => {
    expect(await app.console.run('   ')).toBeNull();
    expect(await app.console.run('# a comment')).toBeNull();
  });
});
