import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../core/domain/types.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const refOf = (output: string | undefined) => /#([a-z0-9]{8,25})\b/.exec(output ?? '')?.[1] ?? '';

describe('points that buy something, levels, and erased creators', () => {
  let app: TestApp;
  let demo: string;
  const say = async (line: string) => (await app.console.run(line))!;
  const member = async (handle: string): Promise<Member> => (await app.services.members.findByHandle(demo, handle))!;
  const balance = async (handle: string) =>
    (
      await app.services.ledger.balance(
        (await app.services.communities.get(demo))!,
        await member(handle),
        app.clock.now(),
      )
    ).balance;

  beforeAll(async () => {
    app = await createTestApp({ demo: true });
    demo = app.demoCommunityId!;
  }, 120_000);
  afterAll(async () => {
    await app.dispose();
  });

  it('turns points into a one-use coupon at the course’s rate and cap, exactly once per redemption', async () => {
    const course = refOf((await say('@creator /course add "Points Course" 100 one_off USD')).output);
    expect((await say(`@alice /redeem ${course}`)).status).toBe('POINTS_NOT_ACCEPTED');
    await say(`@creator /course access ${course} points:10 cap:30`);
    expect((await say(`@alice /course show ${course}`)).output).toContain('Pay up to 30% with points');
    await say('@mod /points grant @alice 500 "community help"');
    const before = await balance('alice');

    const community = (await app.services.communities.get(demo))!;
    const alice = await member('alice');
    const courseRow = (await app.services.courses.get(course))!;
    const first = await app.services.redemption.redeem(community, alice, courseRow, 'key-1', app.clock.now());
    // 30% of $100 is $30, which costs 300 points at 10 points a dollar.
    expect(first.created).toBe(true);
    expect(first.coupon).toMatchObject({ kind: 'fixed', value: 3000, currency: 'USD', pointsSpent: 300, maxUses: 1 });
    expect(await balance('alice')).toBe(before - 300);
    // The same redemption delivered again: no second coupon, no second spend.
    const again = await app.services.redemption.redeem(community, alice, courseRow, 'key-1', app.clock.now());
    expect(again.created).toBe(false);
    expect(again.coupon.code).toBe(first.coupon.code);
    expect(await balance('alice')).toBe(before - 300);
    expect(await app.db.prisma.courseCoupon.count({ where: { communityId: demo, memberId: alice.id } })).toBe(1);

    // The coupon is Alice's alone, and works once.
    expect((await say(`@bob /buy ${course} coupon:${first.coupon.code}`)).status).toBe('COUPON_NOT_YOURS');
    expect((await say(`@alice /buy ${course} coupon:${first.coupon.code}`)).output).toContain('$70.00');
  });

  it('heals a redemption that crashed between the coupon and the spend', async () => {
    const course = refOf((await say('@creator /course add "Crash Course" 50 one_off USD')).output);
    await say(`@creator /course access ${course} points:10 cap:50`);
    await say('@mod /points grant @bob 1000 "prize"');
    const community = (await app.services.communities.get(demo))!;
    const bob = await member('bob');
    const before = await balance('bob');
    // The crash: the coupon row was written but the points never left (and so it does not work yet).
    await app.db.prisma.courseCoupon.create({
      data: {
        id: 'crashed',
        communityId: demo,
        code: 'PTS-CRASHED1',
        creatorId: (await member('creator')).id,
        courseId: course,
        kind: 'fixed',
        value: 2500,
        currency: 'USD',
        maxUses: 1,
        memberId: bob.id,
        sourceKey: 'redeem:key-crash',
        pointsSpent: 250,
        createdAt: app.clock.now(),
      },
    });
    expect((await say(`@bob /buy ${course} coupon:PTS-CRASHED1`)).status).toBe('COUPON_UNKNOWN');
    const healed = await app.services.redemption.redeem(
      community,
      bob,
      (await app.services.courses.get(course))!,
      'key-crash',
      app.clock.now(),
    );
    expect(healed.coupon.id).toBe('crashed');
    expect(await balance('bob')).toBe(before - 250);
    await app.services.redemption.redeem(
      community,
      bob,
      (await app.services.courses.get(course))!,
      'key-crash',
      app.clock.now(),
    );
    expect(await balance('bob')).toBe(before - 250);
    expect((await say(`@bob /buy ${course} coupon:PTS-CRASHED1`)).output).toContain('$25.00');
  });

  it('says so politely when points are too few, in the member’s language', async () => {
    const course = refOf((await say('@creator /course add "Cheap Points" 10 one_off CNY')).output);
    await say(`@creator /course access ${course} points:1000 cap:50`);
    const zh = await say(`@wang /redeem ${course}`);
    expect(zh.status).toBe('POINTS_TOO_FEW');
    expect(zh.output).toContain('不足以抵扣');
  });

  it('gives level roles and courses as points are earned, and takes the role back when they are revoked', async () => {
    expect((await say('@maya /level')).status).toBe('LEVELS_DISABLED');
    const course = refOf((await say('@creator /course add "Level Course" 30 one_off USD')).output);
    expect((await say('@alice /levels setup on')).status).toBe('PERMISSION_DENIED');
    expect((await say('@mod /levels setup on')).output).toContain('Levels are on');
    await say('@mod /levels reward 1 role:role-l1');
    await say(`@creator /course access ${course} level:2`);
    // Level 1 at 10 points, level 2 at 40 (COMMERCE_LEVEL_BASE_POINTS = 10).
    await say('@mod /points grant @maya 15 "first answers"');
    const level1 = await say('@maya /level');
    expect(level1.output).toContain('Level 1');
    expect(app.unlocks.log.at(-1)).toMatchObject({
      action: 'grant',
      target: { platformUserId: 'maya', roleId: 'role-l1' },
    });
    await say('@mod /points grant @maya 30 "more answers"');
    expect((await say('@maya /level')).output).toContain('Level 2');
    const maya = await member('maya');
    const levelGrant = (await app.services.commerce.entitlements(maya)).filter((e) => e.courseId === course);
    expect(levelGrant).toMatchObject([{ source: 'level', expiresAt: null }]);
    // Spending points never lowers a level; a moderator's revoke does, and the level role goes.
    await say('@mod /points revoke @maya 40 "mistaken grant"');
    expect((await say('@maya /level')).output).toContain('Level 0');
    expect(app.unlocks.log.at(-1)).toMatchObject({
      action: 'revoke',
      target: { platformUserId: 'maya', roleId: 'role-l1' },
    });
    // The course a level gave stays given.
    expect(await app.services.commerce.activeEntitlement(maya, course, app.clock.now())).not.toBeNull();
    await say('@chen /language zh-CN');
    expect((await say('@chen /level')).output).toContain('等级 0');
  });

  it('archives an erased creator’s courses, cancels their pending orders and tells the buyers', async () => {
    await app.services.members.setRole((await member('wang')).id, 'creator');
    const sold = refOf((await say('@wang /course add "Wang Course" 20 one_off CNY')).output);
    const pending = refOf((await say('@wang /course add "Wang Pending" 20 one_off CNY')).output);
    await say(`@li /buy ${sold}`);
    const li = await member('li');
    const [order] = await app.services.commerce.listOrders(demo, { memberId: li.id, status: 'pending' });
    await say(`@wang /order confirm ${order!.id}`);
    await say(`@newbie /buy ${pending}`);

    expect((await say('@wang /privacy forget yes')).status).toBe('ok');
    expect((await say(`@alice /buy ${sold}`)).status).toBe('COURSE_ARCHIVED');
    const shown = await say(`@alice /course show ${sold}`);
    expect(shown.output).toContain('No longer on sale');
    expect(shown.reply!.buttons ?? []).toHaveLength(0);
    const newbie = await member('newbie');
    expect(await app.services.commerce.listOrders(demo, { memberId: newbie.id, status: 'pending' })).toHaveLength(0);
    // What Li bought stays Li's.
    expect(await app.services.commerce.activeEntitlement(li, sold, app.clock.now())).not.toBeNull();

    await app.services.notices.deliverDue(app.clock.now());
    const toLi = app.outbox.posts.filter((p) => p.target.channelId === '@li');
    const toNewbie = app.outbox.posts.filter((p) => p.target.channelId === '@newbie');
    expect(toLi.at(-1)!.text).toContain('《Wang Course》的讲师已离开');
    expect(toNewbie.at(-1)!.text).toContain('your unpaid order for it was cancelled');
    await app.services.notices.deliverDue(app.clock.now());
    expect(app.outbox.posts.filter((p) => p.target.channelId === '@li')).toHaveLength(toLi.length);
  });
});
