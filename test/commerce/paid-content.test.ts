import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

const DAY = 86_400_000;

describe('paid content in the console sandbox', () => {
  let app: TestApp;
  const ref = (output: string) => /#([a-z0-9]{8})/.exec(output)?.[1] ?? '';

  beforeAll(async () => {
    app = await createTestApp({ demo: true });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('takes a creator from listing a course to a member owning it', async () => {
    const added = await app.console.run(
      '@creator /course add "Prompt Engineering 101" 19.90 one_off USD ai,llm Write prompts that work',
    );
    expect(added?.status).toBe('ok');
    const course = ref(added!.output);
    expect(course).not.toBe('');

    const promoted = await app.console.run(`@creator /course promote ${course}`);
    expect(promoted?.output).toContain('New from Dr. Lin: Prompt Engineering 101');
    expect(promoted?.output).toContain('$19.90');
    expect(promoted?.output).toContain('[!1] Buy');

    // Alice presses the Buy button on the creator's card: the button runs as the member who pressed it.
    const bought = await app.console.run(`@alice /course show ${course}`);
    expect(bought?.output).toContain('[!1] Buy');
    const order = await app.console.run('!1');
    expect(order?.status).toBe('ok');
    expect(order?.output).toContain('waiting for payment');
    const again = await app.console.run(`@alice /buy ${course}`);
    expect(again?.output).toContain('already asked');

    const orders = await app.console.run('@creator /orders');
    expect(orders?.output).toContain('Alice');
    expect(orders?.output).toContain('pending');
    const confirmed = await app.console.run('!1');
    expect(confirmed?.output).toContain('Alice now owns “Prompt Engineering 101”');

    const mine = await app.console.run('@alice /mycourses');
    expect(mine?.output).toContain('Prompt Engineering 101');
    expect(mine?.output).toContain('yours for good');
    expect((await app.console.run(`@alice /buy ${course}`))?.status).toBe('ALREADY_OWNED');

    const community = app.demoCommunityId!;
    const purchases = await app.services.events.query({ communityId: community, verbs: ['course.purchased'] });
    expect(purchases.at(-1)?.metadata).toMatchObject({ priceMinor: 1990, currency: 'USD' });
  });

  it('extends a subscription from the end of the current period and unlocks its role', async () => {
    const added = await app.console.run('@creator /course add "Weekly Paper Club" 30 subscription CNY ai');
    const course = ref(added!.output);
    await app.console.run(`@creator /course access ${course} role:role-123 days:30`);
    await app.console.run(`@bob /buy ${course}`);
    await app.console.run('@creator /orders');
    await app.console.run('!1');
    const first = (
      await app.services.commerce!.entitlements((await app.services.members.findByHandle(app.demoCommunityId!, 'bob'))!)
    )[0]!;
    expect(first.expiresAt!.getTime() - app.clock.now().getTime()).toBe(30 * DAY);
    expect(app.unlocks.log.at(-1)).toMatchObject({
      action: 'grant',
      target: { platformUserId: 'bob', roleId: 'role-123' },
    });

    app.clock.advance(10 * DAY);
    await app.console.run(`@bob /buy ${course}`);
    await app.console.run('@creator /orders');
    await app.console.run('!1');
    const bob = (await app.services.members.findByHandle(app.demoCommunityId!, 'bob'))!;
    const latest = (await app.services.commerce!.entitlements(bob))
      .map((e) => e.expiresAt!.getTime())
      .sort()
      .at(-1)!;
    // Renewed ten days in: the new period starts when the old one ends, so no paid day is lost.
    expect(latest - first.startsAt.getTime()).toBe(60 * DAY);

    // When the first period ends the renewal still covers Bob: nothing is taken back.
    app.clock.advance(25 * DAY);
    expect(await app.services.commerce!.endExpiredAccess(app.clock.now())).toBe(0);
    // When the renewal ends too, the role goes, once.
    app.clock.advance(30 * DAY);
    expect(await app.services.commerce!.endExpiredAccess(app.clock.now())).toBe(1);
    expect(app.unlocks.log.at(-1)).toMatchObject({
      action: 'revoke',
      target: { platformUserId: 'bob', roleId: 'role-123' },
    });
    expect(await app.services.commerce!.endExpiredAccess(app.clock.now())).toBe(0);
    expect((await app.console.run(`@bob /mycourses`))?.output).toContain('ended');
  });

  it('lets only the course’s creator or a moderator confirm, and confirms once', async () => {
    const course = ref((await app.console.run('@creator /course add "Solo Course" 5'))!.output);
    await app.console.run(`@chen /buy ${course}`);
    const [order] = await app.services.commerce!.listOrders(app.demoCommunityId!, { status: 'pending' });
    await app.services.members.setRole(
      (await app.services.members.findByHandle(app.demoCommunityId!, 'maya'))!.id,
      'creator',
    );
    expect((await app.console.run(`@maya /order confirm ${order!.id}`))?.status).toBe('NOT_COURSE_OWNER');
    expect((await app.console.run(`@mod /order confirm ${order!.id.slice(0, 8)}`))?.status).toBe('ok');
    expect((await app.console.run(`@creator /order confirm ${order!.id}`))?.status).toBe('ORDER_DECIDED');
  });

  it('refuses a bad price or currency politely, in the member’s language', async () => {
    await app.services.members.setRole(
      (await app.services.members.findByHandle(app.demoCommunityId!, 'li'))!.id,
      'creator',
    );
    const price = await app.console.run('@li /course add 课程 abc');
    expect(price?.status).toBe('PRICE_INVALID');
    expect(price?.output).toContain('“abc”不是有效的 CNY 价格');
    expect((await app.console.run('@creator /course add Course 10 one_off XX'))?.status).toBe('CURRENCY_INVALID');
    expect((await app.console.run('@alice /course add Course 10'))?.status).toBe('PERMISSION_DENIED');
  });

  it('sends a buy pressed on a recommendation through the same order flow', async () => {
    const course = (await app.services.courses.list(app.demoCommunityId!))[0]!;
    const view = await app.console.run(`@maya /recommend view ${course.id}`);
    expect(view?.reply?.buttons?.find((b) => b.action)?.action).toBe(`/buy ${course.id}`);
  });

  it('gives a free course at once', async () => {
    const course = ref((await app.console.run('@creator /course add "Free Intro" 0'))!.output);
    expect((await app.console.run(`@newbie /buy ${course}`))?.output).toContain('is free: it is yours now');
  });
});
