import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('privacy: export and forget', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ demo: true });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('exports everything kept about the member as a file', async () => {
    expect((await app.console.run('@alice /tip @bob 5 "thanks for the SQL tips"'))?.status).toBe('ok');
    expect((await app.console.run('@bob /tip @chen 2 "for Bob-specific reasons"'))?.status).toBe('ok');
    const turn = await app.console.run('@bob /privacy export');
    expect(turn?.status).toBe('ok');
    const file = turn!.reply!.file!;
    expect(file.filename).toMatch(/^cohort-data-bob-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(new TextDecoder().decode(file.data));
    expect(data.member.handle).toBe('bob');
    expect(data.sections.events.length).toBeGreaterThan(5);
    expect(data.sections.events.every((e: { verb: string }) => typeof e.verb === 'string')).toBe(true);
    expect(data.sections.points.transfers.map((t: { reason: string }) => t.reason)).toEqual(
      expect.arrayContaining(['thanks for the SQL tips', 'for Bob-specific reasons']),
    );
    expect(Object.keys(data.sections)).toEqual(
      expect.arrayContaining([
        'posts_in_digests',
        'events',
        'purchases',
        'points',
        'leaderboards',
        'interest_group',
        'commands_in_flight',
      ]),
    );
    // The console answers every command at once: it keeps none in flight (test/privacy/commands-in-flight.test.ts).
    expect(data.sections.commands_in_flight).toEqual([]);
    const savedPath = /→ (\S+\.json)/.exec(turn!.output)?.[1];
    expect(JSON.parse(readFileSync(savedPath!, 'utf8')).member.handle).toBe('bob');
  });

  it('names the export’s sections with the reader’s list separator', async () => {
    const turn = await app.console.run('@wang /privacy export');
    expect(turn?.output).toContain('以下是 Cohort 在本社区保存的你的全部数据（posts_in_digests、interest_group、');
    expect(turn?.output).toContain('commands_in_flight、events）');
  });

  it('asks for confirmation, then erases the member’s trail and identity', async () => {
    const community = app.demoCommunityId!;
    const bob = (await app.services.members.findByHandle(community, 'bob'))!;
    const ask = await app.console.run('@bob /privacy forget');
    expect(ask?.output).toContain('cannot be undone');
    expect((await app.services.events.query({ communityId: community, actorId: bob.id })).length).toBeGreaterThan(0);

    const done = await app.console.run('!1');
    expect(done?.output).toContain('Your data in this community has been erased');
    expect(await app.services.events.query({ communityId: community, actorId: bob.id })).toEqual([]);
    const events = await app.services.events.query({ communityId: community });
    expect(events.some((e) => e.targetMemberId === bob.id)).toBe(false);
    const tombstone = (await app.services.members.get(bob.id))!;
    expect(tombstone.handle).toMatch(/^forgotten-/);
    expect(tombstone.displayName).not.toContain('Bob');
    expect(await app.services.members.findByHandle(community, 'bob')).toBeNull();
    // Points stay balanced but lose their words; the tombstone never shows on a leaderboard.
    const transfers = await app.db.prisma.ledgerTransfer.findMany({
      where: { communityId: community, OR: [{ fromMemberId: bob.id }, { toMemberId: bob.id }] },
    });
    expect(transfers.length).toBeGreaterThanOrEqual(2);
    expect(transfers.every((t) => t.reason === null)).toBe(true);
    const postings = await app.db.prisma.ledgerPosting.findMany({ where: { communityId: community } });
    expect(postings.reduce((sum, p) => sum + p.amount, 0)).toBe(0);
    const board = await app.console.run('@alice /leaderboard all');
    expect(board?.output).not.toContain(tombstone.displayName);
  });

  it('erases a member’s posts from digest candidates too', async () => {
    const community = app.demoCommunityId!;
    await app.core.handleEvent({
      space: { platform: 'console', platformId: 'demo', name: 'Cohort Demo Community' },
      user: { platformUserId: 'wang', handle: 'wang', displayName: '王芳' },
      channel: { platformChannelId: 'general' },
      verb: 'message.posted',
      objectType: 'message',
      objectId: 'wang-post-1',
      metadata: {
        text: '设计系统组件文档怎么写 https://design.example.cn/tokens',
        urls: ['https://design.example.cn/tokens'],
      },
      deliveryId: 'wang-post-1',
    });
    const content = app.services.content!;
    for (const source of await content.sources.ensureBuiltins(community)) await content.poller.poll(source);
    const guid = 'message:wang-post-1';
    expect(await app.db.prisma.contentItem.count({ where: { communityId: community, guid } })).toBe(1);
    await app.console.run('@wang /privacy forget yes');
    expect(await app.db.prisma.contentItem.count({ where: { communityId: community, guid } })).toBe(0);
  });

  it('lets an admin erase a member on request, and nobody else', async () => {
    expect((await app.console.run('@alice /privacy erase @maya'))?.status).toBe('PERMISSION_DENIED');
    const turn = await app.console.run('@admin /privacy erase @maya');
    expect(turn?.output).toContain('Maya’s data has been erased');
  });

  it('gives stable, irreversible pseudonyms for analytics', () => {
    const a = app.services.privacy!.pseudonym('member-1');
    expect(a).toMatch(/^m_[0-9a-f]{12}$/);
    expect(app.services.privacy!.pseudonym('member-1')).toBe(a);
    expect(app.services.privacy!.pseudonym('member-2')).not.toBe(a);
  });
});
