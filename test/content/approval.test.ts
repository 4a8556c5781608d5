import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoFeedServer, startDemoFeedServer } from '../../adapters/feeds/demo-server.ts';
import type { ContentService } from '../../core/content/service.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * Approvals as a moderator meets them in the console sandbox: one open request per schedule (not one per tick),
 * approve and reject by command or button, an expired request marked skipped, and `/digest why` telling picked,
 * rejected, skipped and not-yet-considered apart with every time labelled with its offset.
 */
describe('digest approvals in the console sandbox', () => {
  let app: TestApp;
  let demo: DemoFeedServer;
  let content: ContentService;
  const HOUR = 3_600_000;
  // 10:00 in Shanghai on the test clock; the schedule runs at minute 0 of every hour.
  const slot = (n: number) => Date.parse('2026-11-20T02:00:00Z') + n * HOUR;
  const approvalRequests = () =>
    app.outbox.posts.filter((p) => p.reply.buttons?.[0]?.action?.startsWith('/digest approve'));

  beforeAll(async () => {
    app = await createTestApp({ demo: true });
    demo = await startDemoFeedServer({ clock: app.clock });
    content = app.services.content;
    for (const feed of demo.feeds) {
      const added = await app.console.run(`@mod /source add ${feed.url}`);
      expect(added?.status).toBe('ok');
    }
  });
  afterAll(async () => {
    await demo.close();
    await app.dispose();
  });

  it('refuses a duplicate schedule and stores the canonical zone', async () => {
    const added = await app.console.run(
      '@mod /digest schedule add "0 * * * *" asia/shanghai max-items:2 approval:true',
    );
    expect(added?.status).toBe('ok');
    expect(added?.output).toContain('0 * * * * (Asia/Shanghai) in this channel. Next: 2026-11-20 11:00 UTC+8.');
    const [schedule] = await content.digests.listSchedules(app.demoCommunityId!);
    expect(schedule?.timezone).toBe('Asia/Shanghai');
    const again = await app.console.run('@mod /digest schedule add "0  *  * * *" ASIA/SHANGHAI');
    expect(again?.status).not.toBe('ok');
    expect(again?.output).toContain(
      `This channel already has that schedule (0 * * * *, Asia/Shanghai): id ${schedule!.id}`,
    );
    await app.console.run('@mod /language zh-CN');
    const zh = await app.console.run('@mod /digest schedule add "0 * * * *" Asia/Shanghai');
    expect(zh?.output).toContain(`本频道已有相同的计划（0 * * * *，Asia/Shanghai）：id ${schedule!.id}`);
    await app.console.run('@mod /language en');
    expect(await content.digests.listSchedules(app.demoCommunityId!)).toHaveLength(1);
  });

  it('asks once per schedule: a later tick with the same items posts no second request', async () => {
    app.clock.set(slot(1) + 1_000);
    const [first] = await content.digests.runDue();
    expect(first?.status).toBe('awaiting_approval');
    expect(approvalRequests()).toHaveLength(1);
    expect(approvalRequests()[0]!.reply.title).toBe('Digest awaiting approval (2026-11-20 11:00 UTC+8)');

    for (const n of [2, 3]) {
      app.clock.set(slot(n) + 1_000);
      const [tick] = await content.digests.runDue();
      expect(tick).toMatchObject({ status: 'skipped', error: `APPROVAL_PENDING:${first!.id}` });
    }
    expect(approvalRequests()).toHaveLength(1);
    expect((await app.services.content.stores.runs.get(first!.id))?.status).toBe('awaiting_approval');

    const url = approvalRequests()[0]!.reply.items![0]!.url!;
    const why = await app.console.run(`@alice /digest why ${url}`);
    expect(why?.output).toContain(`Digest of 2026-11-20 11:00 UTC+8: picked at #1`);
    expect(why?.output).toContain(`awaiting a moderator’s approval (run ${first!.id})`);
    expect(why?.output).toContain(
      `Digest of 2026-11-20 13:00 UTC+8: skipped, because the approval request ${first!.id}`,
    );
  });

  it('a request whose items changed replaces the open one in place; the old one is skipped and cannot be approved', async () => {
    const first = approvalRequests()[0]!;
    const firstRunId = first.reply.buttons![0]!.action!.split(' ')[2]!;
    const oldItems = first.reply.items!;
    const itemId = (await content.stores.runs.get(firstRunId))!.itemIds[0]!;
    expect((await app.console.run(`@mod /digest remove ${itemId}`))?.status).toBe('ok');
    app.clock.set(slot(4) + 1_000);
    const [second] = await content.digests.runDue();
    expect(second?.status).toBe('awaiting_approval');
    // Still one message: the request was edited into the new one, buttons and all.
    expect(approvalRequests()).toHaveLength(1);
    expect(first.edits).toBe(1);
    expect(first.reply.title).toBe('Digest awaiting approval (2026-11-20 14:00 UTC+8)');
    expect(first.reply.buttons!.map((b) => b.action)).toEqual([
      `/digest approve ${second!.id}`,
      `/digest reject ${second!.id}`,
    ]);
    expect(second!.messageId).toBe(first.messageId);
    expect(await content.stores.runs.get(firstRunId)).toMatchObject({ status: 'skipped', error: 'APPROVAL_EXPIRED' });

    const stale = await app.console.run(`@mod /digest approve ${firstRunId}`);
    expect(stale?.status).not.toBe('ok');
    expect(stale?.output).toContain(`The digest of 2026-11-20 11:00 UTC+8 (${firstRunId}) expired without approval`);
    await app.console.run('@mod /language zh-CN');
    const staleZh = await app.console.run(`@mod /digest approve ${firstRunId}`);
    expect(staleZh?.output).toContain(`2026-11-20 11:00 UTC+8 的精选（${firstRunId}）未获批准已过期`);
    await app.console.run('@mod /language en');

    const url = oldItems[1]!.url!;
    const why = await app.console.run(`@alice /digest why ${url}`);
    expect(why?.output).toContain('Digest of 2026-11-20 11:00 UTC+8: picked at #2');
    expect(why?.output).toContain('but that digest expired without approval: skipped, not posted.');
  });

  it('a member cannot approve; the moderator rejects by button and the rejection is told apart', async () => {
    const request = approvalRequests()[0]!;
    const [approve, reject] = request.reply.buttons!;
    const denied = await app.console.run(`@alice ${approve!.action}`);
    expect(denied?.status).not.toBe('ok');
    const posts = app.outbox.posts.length;
    const rejected = await app.console.run(`@mod ${reject!.action}`);
    expect(rejected?.output).toContain('Rejected: this slot will not be posted.');
    expect(app.outbox.posts).toHaveLength(posts);
    const again = await app.console.run(`@mod ${approve!.action}`);
    expect(again?.output).toContain('is not waiting for approval (it is rejected)');
    const why = await app.console.run(`@alice /digest why ${request.reply.items![0]!.url}`);
    expect(why?.output).toContain('but a moderator rejected that digest: not posted.');
    await app.console.run('@chen /language zh-CN');
    const whyZh = await app.console.run(`@chen /digest why ${request.reply.items![0]!.url}`);
    expect(whyZh?.output).toContain('但该期精选被管理员拒绝，未发布。');
  });

  it('the next request is approved by command and posted once; help knows both commands', async () => {
    app.clock.set(slot(5) + 1_000);
    const [third] = await content.digests.runDue();
    expect(third?.status).toBe('awaiting_approval');
    const approved = await app.console.run(`@mod /digest approve ${third!.id}`);
    expect(approved?.output).toContain('Approved and posted in channel general.');
    const posted = app.outbox.posts.at(-1)!;
    expect(posted.reply.title).toBe('Digest · 2026-11-20 15:00 UTC+8');
    const why = await app.console.run(`@alice /digest why ${posted.reply.items![0]!.url}`);
    expect(why?.output).toContain('Digest of 2026-11-20 15:00 UTC+8: picked at #1');
    expect(why?.output).toContain('and posted.');
    const twice = await app.console.run(`@mod /digest approve ${third!.id}`);
    expect(twice?.status).not.toBe('ok');

    const help = await app.console.run('@mod /help digest approve');
    expect(help?.output).toContain('Approve and post a digest that awaits approval');
    const helpZh = await app.console.run('@chen /help digest reject');
    expect(helpZh?.output).toContain('拒绝待审核的精选');
  });

  it('an item that arrived after the last digest is not yet considered, with the next slot labelled', async () => {
    const [source] = await content.sources.list(app.demoCommunityId!);
    app.clock.set(slot(5) + 20 * 60_000);
    await content.stores.items.insertMany([
      {
        communityId: app.demoCommunityId!,
        sourceId: source!.id,
        guid: 'late-arrival',
        url: 'https://late.example/post',
        canonicalUrl: 'https://late.example/post',
        title: 'A late arrival',
        text: 'Arrived after the last digest.',
        language: 'en',
        contentHash: 'late-arrival',
        publishedAt: app.clock.now(),
        fetchedAt: app.clock.now(),
        quality: 0.5,
        sentiment: 0,
        topics: [],
        embedding: null,
        dropReason: null,
        duplicateOfId: null,
        reactions: 0,
      },
    ]);
    const why = await app.console.run('@alice /digest why https://late.example/post');
    expect(why?.output).toContain(
      'Not yet considered: it arrived after the last digest (2026-11-20 15:00 UTC+8). Next digest: 2026-11-20 16:00 UTC+8.',
    );
    const zh = await app.console.run('@chen /digest why https://late.example/post');
    expect(zh?.output).toContain(
      '尚未被考虑：它在上一期精选（2026-11-20 15:00 UTC+8）之后才收录。下一期精选：2026-11-20 16:00 UTC+8。',
    );
  });
});
