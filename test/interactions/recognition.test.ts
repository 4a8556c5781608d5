import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * Issue 13's recognition items as members meet them in the console sandbox, in English and Chinese:
 * leaderboard ranks after an opt-out, windows, topics, self-grants, quoted named options and language aliases.
 */
describe('recognition in the console sandbox', () => {
  let app: TestApp;
  const say = async (line: string) => {
    const turn = await app.console.run(line);
    if (!turn) throw new Error(`no turn for ${line}`);
    return turn;
  };
  const ranks = (output: string) => [...output.matchAll(/^#(\d+) (.+)$/gm)].map((m) => [Number(m[1]), m[2]] as const);

  beforeAll(async () => {
    app = await createTestApp({ demo: true });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('numbers the board 1, 2, 3 for every viewer after the leader opts out of an existing snapshot', async () => {
    const before = ranks((await say('@bob /leaderboard all')).output);
    expect(before.length).toBeGreaterThan(2);
    const leader = before[0]![1];
    const handle = (await app.services.members.list(app.demoCommunityId!)).find(
      (m) => m.displayName === leader,
    )!.handle;
    expect((await say(`@${handle} /leaderboard optout`)).status).toBe('ok');
    for (const viewer of ['@bob', '@chen', `@${handle}`]) {
      const after = ranks((await say(`${viewer} /leaderboard all`)).output);
      expect(after.map(([rank]) => rank)).toEqual(after.map((_, i) => i + 1));
      expect(after.map(([, name]) => name)).not.toContain(leader);
      expect(after.map(([, name]) => name)).toEqual(before.slice(1).map(([, name]) => name));
    }
    await say(`@${handle} /leaderboard optin`);
  });

  it.each([
    ['@bob /leaderboard 1y', '“1y” is not a leaderboard window. Use one of: 7d, 30d, month, season, all'],
    ['@bob /leaderboard 90d', '“90d” is not a leaderboard window'],
    ['@chen /leaderboard 1y', '“1y”不是排行榜的时间范围。可用：7d, 30d, month, season, all'],
    ['@chen /leaderboard year', '“year”不是排行榜的时间范围'],
  ])('%s is an error listing the valid windows', async (line, message) => {
    const turn = await say(line);
    expect(turn.status).toBe('LEADERBOARD_WINDOW_UNKNOWN');
    expect(turn.output).toContain(message);
  });

  it('shows this month and this season, with when they reset in the community zone', async () => {
    const month = await say('@bob /leaderboard month');
    expect(month.status).toBe('ok');
    expect(month.output).toContain('Leaderboard · this month');
    expect(month.output).toMatch(/Resets [A-Z][a-z]{2} 1, 00:00 \(Asia\/Shanghai\)/);
    const season = await say('@chen /leaderboard 本季');
    expect(season.output).toContain('排行榜 · 本季');
    expect(season.output).toMatch(/将于 \d{1,2}月1日 00:00（Asia\/Shanghai）重置/);
  });

  it('refuses a topic the community does not have, with the closest ones', async () => {
    const typo = await say('@bob /leaderboard 30d desgin');
    expect(typo.status).toBe('TOPIC_UNKNOWN');
    expect(typo.output).toContain('This community has no topic “desgin”. Did you mean: design');
    const zh = await say('@chen /leaderboard all dta');
    expect(zh.status).toBe('TOPIC_UNKNOWN');
    expect(zh.output).toContain('本社区没有“dta”这个主题。你是不是想找：data');
    const known = await say('@bob /leaderboard all design');
    expect(known.status).toBe('ok');
    expect(known.output).toContain('Leaderboard · all time · design');
  });

  it('refuses a moderator granting points to themselves, in both languages, and moves nothing', async () => {
    const community = (await app.services.communities.get(app.demoCommunityId!))!;
    const before = await app.services.ledger!.store.trialBalance(community.id);
    const own = await say('@mod /points grant @mod 100 x');
    expect(own.status).toBe('POINTS_SELF_GRANT');
    expect(own.output).toContain('You cannot grant points to yourself');
    expect(await app.services.ledger!.store.trialBalance(community.id)).toEqual(before);
    const other = await say('@mod /points grant @bob 10 ran the workshop');
    expect(other.status).toBe('ok');
    await say('@mod /language zh');
    const zh = await say('@mod /points grant @mod 5 自己');
    expect(zh.status).toBe('POINTS_SELF_GRANT');
    expect(zh.output).toContain('不能给自己发放积分');
    await say('@mod /language en');
  });

  it.each([
    ['@alice /tip @bob amount:2 reason:"two words"', 'You gave 2 points to Bob: "two words".'],
    ['@alice /tip @maya reason:“great talk” amount:3', 'You gave 3 points to Maya: "great talk".'],
    ['@chen /tip @bob amount=2 reason=“讲得 很好”', '你给 Bob 打赏了 2 积分：“讲得 很好”。'],
  ])('%s sends the amount with the quoted reason', async (line, message) => {
    const turn = await say(line);
    expect(turn.status).toBe('ok');
    expect(turn.output).toContain(message);
  });

  it.each([
    ['zh', '你的语言已设为简体中文'],
    ['zh-cn', '你的语言已设为简体中文'],
    ['cn', '你的语言已设为简体中文'],
    ['中文', '你的语言已设为简体中文'],
    ['english', 'Your language is now English'],
    ['en', 'Your language is now English'],
  ])('/language %s switches the language', async (alias, message) => {
    const turn = await say(`@li /language ${alias}`);
    expect(turn.status).toBe('ok');
    expect(turn.output).toContain(message);
  });

  it('lists the aliases when a language is unknown', async () => {
    const turn = await say('@li /language klingon');
    expect(turn.status).toBe('OPTION_INVALID');
    expect(turn.output).toContain('one of: en, zh-CN (also: zh, cn, 中文, english, 英文)');
  });

  it('/stats lists as many conversation groups as it counts, in both languages', async () => {
    for (const [who, count, line] of [
      ['@mod', /(\d+) groups \(modularity/, /^\s*Group \d+: /gm],
      ['@chen', /(\d+) 个群组/, /^\s*群组 \d+：/gm],
    ] as const) {
      if (who === '@chen')
        await app.services.members.setRole(
          (await app.services.members.findByHandle(app.demoCommunityId!, 'chen'))!.id,
          'moderator',
        );
      const out = (await say(`${who} /stats`)).output;
      const counted = Number(count.exec(out)?.[1]);
      expect(counted).toBeGreaterThan(1);
      expect(out.match(line)?.length).toBe(counted);
    }
  });

  it('accepts into a profile only topics the community has, with suggestions otherwise', async () => {
    const typo = await say('@bob /profile interests add desgin');
    expect(typo.status).toBe('TOPIC_UNKNOWN');
    expect(typo.output).toContain('Did you mean: design');
    const zh = await say('@chen /profile interests add 量子力学');
    expect(zh.status).toBe('TOPIC_UNKNOWN');
    expect(zh.output).toContain('本社区没有“量子力学”这个主题');
    const added = await say('@bob /profile interests add Design');
    expect(added.status).toBe('ok');
    expect(added.output).toContain('Added “design” to your interests');
    expect((await say('@bob /profile interests remove design')).status).toBe('ok');
  });
});

describe('erasing the last admin', () => {
  let app: TestApp;
  const say = async (line: string) => (await app.console.run(line))!;

  beforeAll(async () => {
    app = await createTestApp({ demo: true });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('is refused, before the confirmation, in both languages; possible once another admin exists', async () => {
    const asked = await say('@admin /privacy forget');
    expect(asked.status).toBe('PRIVACY_LAST_ADMIN');
    expect(asked.output).toContain('is the last admin of this community');
    expect(asked.reply?.buttons ?? []).toHaveLength(0);
    expect((await say('@admin /privacy forget yes')).status).toBe('PRIVACY_LAST_ADMIN');
    expect((await say('@admin /privacy erase @admin')).status).toBe('PRIVACY_LAST_ADMIN');
    await say('@admin /language zh');
    expect((await say('@admin /privacy forget yes')).output).toContain('是本社区最后一位管理员');
    const admin = (await app.services.members.findByHandle(app.demoCommunityId!, 'admin'))!;
    expect(admin.handle).toBe('admin');
    const mod = (await app.services.members.findByHandle(app.demoCommunityId!, 'mod'))!;
    await app.services.members.setRole(mod.id, 'admin');
    expect((await say('@admin /privacy forget yes')).status).toBe('ok');
  });
});
