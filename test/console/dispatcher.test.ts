import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandEnvelope } from '../../core/framework/envelopes.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const space = { platform: 'discord' as const, platformId: 'guild-9', name: 'Guild' };
const user = { platformUserId: 'u-9', handle: 'Nina', displayName: 'Nina', locale: 'zh-CN' };

describe('dispatcher', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('makes a platform user a member on first contact, with the platform’s locale', async () => {
    const outcome = await app.core.handleCommand({ space, user, input: { kind: 'text', line: '/help' } });
    expect(outcome.locale).toBe('zh-CN');
    const community = await app.services.communities.ensure('discord', 'guild-9', { name: 'x' });
    expect(await app.services.members.findByPlatformUserId(community.id, 'u-9')).toMatchObject({
      handle: 'nina',
      locale: 'zh-CN',
    });
  });

  it('runs a delivery once', async () => {
    const envelope: CommandEnvelope = {
      space,
      user,
      input: { kind: 'text', line: '/help' },
      deliveryId: 'interaction-1',
    };
    expect((await app.core.handleCommand(envelope)).status).toBe('ok');
    const again = await app.core.handleCommand(envelope);
    expect(again).toMatchObject({ status: 'duplicate', reply: null });
  });

  it('runs again a delivery whose process died before answering, and its tip still counts once', async () => {
    const bob = { platformUserId: 'u-10', handle: 'bob', displayName: 'Bob', locale: 'en' };
    await app.core.handleCommand({ space, user: bob, input: { kind: 'text', line: '/help' } });
    const tip: CommandEnvelope = { space, user, input: { kind: 'text', line: '/tip @bob 3' }, deliveryId: 'tip-1' };
    expect((await app.core.handleCommand(tip)).status).toBe('ok');
    const community = await app.services.communities.ensure('discord', 'guild-9', { name: 'x' });
    const recipient = await app.services.members.findByPlatformUserId(community.id, 'u-10');
    const balance = async () => (await app.services.ledger.balance(community, recipient!, app.clock.now())).balance;
    const before = await balance();
    expect(before).toBe(3);
    // The process died after the tip committed and before the delivery was marked answered; the lease ran out.
    await app.db.prisma.processedDelivery.update({
      where: { key: 'discord:cmd:tip-1' },
      data: { finishedAt: null, leaseUntil: new Date(app.clock.now().getTime() - 1_000) },
    });
    const rerun = await app.core.handleCommand(tip);
    expect(rerun.status).toBe('ok');
    expect(rerun.reply).not.toBeNull();
    expect(await balance()).toBe(before);
    // Answered now: the next redelivery is a duplicate again.
    expect((await app.core.handleCommand(tip)).status).toBe('duplicate');
  });

  it('accepts structured options as Discord sends them', async () => {
    const outcome = await app.core.handleCommand({
      space,
      user,
      input: { kind: 'structured', path: ['help'], options: { command: 'language' } },
    });
    expect(outcome.reply?.fields?.[0]?.value).toBe('/language <en|zh-CN>');
  });

  it('lets the platform’s own admin role count', async () => {
    const refused = await app.core.handleCommand({
      space,
      user,
      input: { kind: 'text', line: '/community timezone Asia/Shanghai' },
    });
    expect(refused.status).toBe('PERMISSION_DENIED');
    const allowed = await app.core.handleCommand({
      space,
      user: { ...user, platformRole: 'admin' },
      input: { kind: 'text', line: '/community timezone Asia/Shanghai' },
    });
    expect(allowed.status).toBe('ok');
    expect((await app.services.communities.ensure('discord', 'guild-9', { name: 'x' })).timezone).toBe('Asia/Shanghai');
  });

  it('records a platform event once, with the other member as target', async () => {
    const envelope = {
      space,
      user,
      target: { platformUserId: 'u-10', handle: 'omar', displayName: 'Omar' },
      verb: 'reaction.added' as const,
      objectType: 'message',
      objectId: 'msg-1',
      metadata: { emoji: '👍' },
      deliveryId: 'reaction-1',
    };
    expect(await app.core.handleEvent(envelope)).toEqual({ recorded: true });
    expect(await app.core.handleEvent(envelope)).toEqual({ recorded: false });
    const community = await app.services.communities.ensure('discord', 'guild-9', { name: 'x' });
    const events = await app.services.events.query({ communityId: community.id, verbs: ['reaction.added'] });
    expect(events).toHaveLength(1);
    const omar = await app.services.members.findByPlatformUserId(community.id, 'u-10');
    expect(events[0]).toMatchObject({ targetMemberId: omar?.id, metadata: { emoji: '👍' } });
  });

  it('answers a text that is not a command with a hint', async () => {
    const outcome = await app.core.handleCommand({
      space,
      user: { ...user, locale: 'en' },
      input: { kind: 'text', line: 'hello' },
    });
    expect(outcome.status).toBe('NOT_A_COMMAND');
  });
});
