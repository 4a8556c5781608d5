import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandEnvelope } from '../../core/framework/envelopes.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * /tip settles its command delivery in the tip's own transaction (`delivery: 'in-effect'`): the claim, the finish,
 * the command's record and the tip commit together, with no claim before the handler and no finish after it.
 */
describe.each(['sqlite', 'postgresql'] as const)('/tip and its delivery in one transaction (%s)', (provider) => {
  let app: TestApp;
  const space = { platform: 'discord' as const, platformId: `guild-${provider}`, name: 'Guild' };
  const ana = { platformUserId: 'u-ana', handle: 'ana', displayName: 'Ana', locale: 'en' };
  const bob = { platformUserId: 'u-bob', handle: 'bob', displayName: 'Bob', locale: 'en' };
  const calls = { claim: 0, finish: 0, append: 0 };
  // Each case tips someone else: the per-pair cooldown would refuse a second tip to the same member.
  const tip = (deliveryId: string, to = 'bob', amount = 2): CommandEnvelope => ({
    space,
    user: ana,
    input: { kind: 'text', line: `/tip @${to} ${amount}` },
    deliveryId,
  });

  beforeAll(async () => {
    app = await createTestApp({ provider });
    await app.core.handleCommand({ space, user: bob, input: { kind: 'text', line: '/help' } });
    await app.core.handleCommand({ space, user: ana, input: { kind: 'text', line: '/help' } });
    for (const handle of ['cara', 'dan']) {
      const user = { platformUserId: `u-${handle}`, handle, displayName: handle, locale: 'en' };
      await app.core.handleCommand({ space, user, input: { kind: 'text', line: '/help' } });
    }
    const { deliveries, events } = app.services;
    const claim = deliveries.claim.bind(deliveries);
    const finish = deliveries.finish.bind(deliveries);
    const append = events.append.bind(events);
    deliveries.claim = (...args) => {
      calls.claim++;
      return claim(...args);
    };
    deliveries.finish = (...args) => {
      calls.finish++;
      return finish(...args);
    };
    events.append = (...args) => {
      calls.append++;
      return append(...args);
    };
  });
  afterAll(async () => {
    await app.dispose();
  });

  const reset = () => Object.assign(calls, { claim: 0, finish: 0, append: 0 });
  const rows = async (deliveryId: string) => {
    const delivery = await app.db.prisma.processedDelivery.findUnique({ where: { key: `discord:cmd:${deliveryId}` } });
    const used = await app.db.prisma.interactionEvent.count({ where: { dedupKey: `discord:used:${deliveryId}` } });
    const transfers = await app.db.prisma.ledgerTransfer.count({ where: { idempotencyKey: `discord:${deliveryId}` } });
    return { delivery, used, transfers };
  };

  it('commits the tip, its tip.sent, the command record and the finished delivery together', async () => {
    reset();
    const outcome = await app.core.handleCommand(tip('t-1'));
    expect(outcome.status).toBe('ok');
    expect(outcome.reply?.text).toContain('Bob');
    expect(calls).toEqual({ claim: 0, finish: 0, append: 0 });
    const { delivery, used, transfers } = await rows('t-1');
    expect(delivery?.finishedAt).not.toBeNull();
    expect(delivery?.leaseUntil).toBeNull();
    expect(used).toBe(1);
    expect(transfers).toBe(1);
    const transfer = await app.db.prisma.ledgerTransfer.findFirstOrThrow({ where: { idempotencyKey: 'discord:t-1' } });
    expect(await app.db.prisma.interactionEvent.count({ where: { dedupKey: `tip:${transfer.id}` } })).toBe(1);
  });

  it('answers a redelivery as a duplicate, with nothing written twice', async () => {
    reset();
    expect(await app.core.handleCommand(tip('t-1'))).toMatchObject({ status: 'duplicate', reply: null });
    const { used, transfers } = await rows('t-1');
    expect({ used, transfers }).toEqual({ used: 1, transfers: 1 });
  });

  it('runs two concurrent deliveries of one tip once: the other is a duplicate', async () => {
    const [a, b] = await Promise.all([
      app.core.handleCommand(tip('t-2', 'cara')),
      app.core.handleCommand(tip('t-2', 'cara')),
    ]);
    expect([a.status, b.status].sort()).toEqual(['duplicate', 'ok']);
    const { used, transfers } = await rows('t-2');
    expect({ used, transfers }).toEqual({ used: 1, transfers: 1 });
  });

  it('settles a refused tip in its transaction too (it was answered), with its record and no transfer', async () => {
    reset();
    const outcome = await app.core.handleCommand(tip('t-3', 'dan', 100));
    expect(outcome.status).toBe('TIP_INSUFFICIENT_FUNDS');
    const { delivery, used, transfers } = await rows('t-3');
    expect(delivery?.finishedAt).not.toBeNull();
    expect({ used, transfers }).toEqual({ used: 1, transfers: 0 });
    expect((await app.core.handleCommand(tip('t-3', 'dan', 100))).status).toBe('duplicate');
  });

  it('settles a tip refused before any write (to oneself) the usual way', async () => {
    reset();
    const self: CommandEnvelope = { ...tip('t-4'), input: { kind: 'text', line: '/tip @ana 1' } };
    expect((await app.core.handleCommand(self)).status).toBe('TIP_SELF');
    expect(calls).toEqual({ claim: 1, finish: 1, append: 1 });
    const { delivery, used } = await rows('t-4');
    expect(delivery?.finishedAt).not.toBeNull();
    expect(used).toBe(1);
    expect((await app.core.handleCommand(self)).status).toBe('duplicate');
  });

  it('takes over a delivery whose first run died holding the old lease, and its tip still counts once', async () => {
    await app.db.prisma.processedDelivery.update({
      where: { key: 'discord:cmd:t-1' },
      data: { finishedAt: null, leaseUntil: new Date(app.clock.now().getTime() - 1_000) },
    });
    const rerun = await app.core.handleCommand(tip('t-1'));
    expect(rerun.status).toBe('ok');
    expect(rerun.reply).not.toBeNull();
    expect((await rows('t-1')).transfers).toBe(1);
    expect(await app.db.prisma.interactionEvent.count({ where: { dedupKey: 'discord:used:t-1' } })).toBe(1);
    // A live lease (another process running it now) is left alone.
    await app.db.prisma.processedDelivery.update({
      where: { key: 'discord:cmd:t-1' },
      data: { finishedAt: null, leaseUntil: new Date(app.clock.now().getTime() + 60_000) },
    });
    expect((await app.core.handleCommand(tip('t-1'))).status).toBe('duplicate');
  });
});
