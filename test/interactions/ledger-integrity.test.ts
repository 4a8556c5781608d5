import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * The hourly balance and invariant check, as moderators meet it: /points alerts on in their channel, silence while
 * the ledger is sound, one alert in the community's language when it is not (again a day later if it lasts, not
 * every hour), and the check on demand.
 */
describe('the ledger integrity check and its alerts', () => {
  let app: TestApp;
  const say = async (line: string) => {
    const turn = await app.console.run(line);
    if (!turn) throw new Error(`no turn for ${line}`);
    return turn;
  };
  const integrity = () => app.services.ledgerIntegrity!;
  const alerts = () =>
    app.outbox.posts.filter((p) => p.reply.title?.includes('积分账本') || p.reply.title?.includes('ledger'));

  beforeAll(async () => {
    app = await createTestApp({ demo: true });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('checks on demand and stays quiet while the ledger is sound', async () => {
    expect((await say('@alice /tip @bob 5 thanks')).status).toBe('ok');
    expect((await say('@mod /points grant @chen 30 workshop prize')).status).toBe('ok');
    const status = await say('@mod /points alerts');
    expect(status.output).toContain('Ledger alerts are off');
    expect(status.output).toContain('every invariant holds');
    expect((await say('@alice /points alerts on')).status).toBe('PERMISSION_DENIED');
    const on = await say('@mod /points alerts on');
    expect(on.output).toContain('Ledger alerts will be posted in this channel');
    expect(await integrity().checkAll()).toMatchObject({ unsound: 0, alerted: 0 });
    expect(alerts()).toEqual([]);
  });

  it('alerts moderators once, in the community’s language, when an invariant breaks', async () => {
    await app.services.communities.update(app.demoCommunityId!, { locale: 'zh-CN' });
    // An event lost behind the ledger's back (what the SQLite bug used to do).
    await app.db.prisma.interactionEvent.deleteMany({ where: { verb: 'tip.sent' } });
    expect(await integrity().checkAll()).toMatchObject({ unsound: 1, alerted: 1 });
    const [alert] = alerts();
    expect(alert?.reply.title).toBe('积分账本检查未通过');
    expect(alert?.text).toContain('1 笔转账没有记入活动日志');
    expect(alert?.target.platform).toBe('console');

    // The same problem an hour later: nothing new is posted…
    app.clock.advance(3_600_000);
    expect(await integrity().checkAll()).toMatchObject({ unsound: 1, alerted: 0 });
    // …and a day later, once more.
    app.clock.advance(24 * 3_600_000);
    expect(await integrity().checkAll()).toMatchObject({ alerted: 1 });
    expect(alerts()).toHaveLength(2);

    // Two checks racing (two processes) post one alert between them.
    app.clock.advance(25 * 3_600_000);
    const [a, b] = await Promise.all([integrity().checkAll(), integrity().checkAll()]);
    expect(a.alerted + b.alerted).toBe(1);
    expect(alerts()).toHaveLength(3);

    const shown = await say('@mod /points alerts');
    expect(shown.output).toContain('1 笔转账没有记入活动日志');
  });

  it('forgets the alert once sound again, and only logs when alerts are off', async () => {
    await app.services.communities.update(app.demoCommunityId!, { locale: null });
    const transfer = await app.db.prisma.ledgerTransfer.findFirstOrThrow({ where: { kind: 'tip' } });
    await app.db.prisma.interactionEvent.create({
      data: {
        communityId: app.demoCommunityId!,
        actorId: transfer.actorId,
        verb: 'tip.sent',
        objectType: 'transfer',
        objectId: transfer.id,
        targetMemberId: transfer.toMemberId,
        platform: 'console',
        occurredAt: transfer.createdAt,
        metadata: { amount: transfer.amount },
        dedupKey: `tip:${transfer.id}`,
      },
    });
    expect(await integrity().checkAll()).toMatchObject({ unsound: 0, alerted: 0 });
    expect((await app.db.prisma.ledgerAlertSetting.findFirstOrThrow()).alertedKey).toBeNull();

    await say('@mod /points alerts off');
    await app.db.prisma.ledgerAudit.deleteMany({});
    const before = alerts().length;
    expect(await integrity().checkAll()).toMatchObject({ unsound: 1, alerted: 0 });
    expect(alerts()).toHaveLength(before);
  });
});
