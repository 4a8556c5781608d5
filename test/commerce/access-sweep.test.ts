import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessGranter, AccessTarget } from '../../core/ports/access.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const MINUTE = 60_000;

/** The console platform with an outage: every call fails while `down` is set, and is recorded when it succeeds. */
class FlakyPlatform implements AccessGranter {
  down = true;
  readonly given: AccessTarget[] = [];
  async grant(target: AccessTarget): Promise<void> {
    if (this.down) throw new Error('platform unavailable');
    this.given.push(target);
  }
  async revoke(): Promise<void> {}
}

describe('course access given after the purchase committed', () => {
  let app: TestApp;
  const platform = new FlakyPlatform();
  const ref = (output: string) => /#([a-z0-9]{8})/.exec(output)?.[1] ?? '';

  beforeAll(async () => {
    app = await createTestApp({ demo: true });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('is given by the sweep when the platform failed at the time, once, and never to a refunded buyer', async () => {
    const course = ref((await app.console.run('@creator /course add "Options Desk" 12 one_off USD investing'))!.output);
    await app.console.run(`@creator /course access ${course} role:role-options`);
    const soloCourse = ref((await app.console.run('@creator /course add "Refund Me" 3 one_off USD'))!.output);
    await app.console.run(`@creator /course access ${soloCourse} role:role-refund`);
    app.access.register('console', platform);

    await app.console.run(`@bob /buy ${course}`);
    await app.console.run(`@chen /buy ${soloCourse}`);
    const pending = await app.services.commerce!.listOrders(app.demoCommunityId!, { status: 'pending' });
    for (const order of pending) await app.services.commerce!.fulfilPaid(order.id, 'provider:test', app.clock.now());
    expect(platform.given).toEqual([]); // the platform was down: the entitlements stand, the roles are not on it

    // Chen is refunded before the sweep runs: a revoked entitlement is never given access.
    const chens = pending.find((o) => o.courseId === soloCourse)!;
    await app.services.commerce!.revokePaid(chens.id, 'provider:test', app.clock.now());

    platform.down = false;
    // Within the grace the command in flight may still be giving it: the sweep leaves it.
    expect(await app.services.commerce!.applyPendingAccess(app.clock.now())).toBe(0);
    app.clock.advance(3 * MINUTE);
    expect(await app.services.commerce!.applyPendingAccess(app.clock.now())).toBe(1);
    expect(platform.given).toMatchObject([{ platformUserId: 'bob', roleId: 'role-options' }]);
    // Recorded as given: the next run gives nothing again.
    expect(await app.services.commerce!.applyPendingAccess(app.clock.now())).toBe(0);
    expect(platform.given).toHaveLength(1);
  });

  it('records access given at once, so the sweep has nothing to redo', async () => {
    const course = ref((await app.console.run('@creator /course add "Fresh Start" 8 one_off USD'))!.output);
    await app.console.run(`@creator /course access ${course} role:role-fresh`);
    await app.console.run(`@alice /buy ${course}`);
    const [order] = await app.services.commerce!.listOrders(app.demoCommunityId!, { status: 'pending' });
    await app.services.commerce!.fulfilPaid(order!.id, 'provider:test', app.clock.now());
    expect(platform.given.at(-1)).toMatchObject({ platformUserId: 'alice', roleId: 'role-fresh' });
    app.clock.advance(10 * MINUTE);
    expect(await app.services.commerce!.applyPendingAccess(app.clock.now())).toBe(0);
    expect(platform.given.filter((t) => t.roleId === 'role-fresh')).toHaveLength(1);
  });
});
