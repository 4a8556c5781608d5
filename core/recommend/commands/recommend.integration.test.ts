import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { MAX_BUTTON_ACTION_BYTES } from '../../domain/reply.ts';

/** Profiles and recommendations through the real dispatcher, on the seeded demo community. */
describe('recommendations on the demo community', () => {
  let app: TestApp;
  const say = async (line: string) => {
    const turn = await app.console.run(line);
    if (!turn) throw new Error(`no turn for ${line}`);
    return turn;
  };
  const titles = (turn: { reply: { items?: { title: string }[] } | null }) =>
    (turn.reply?.items ?? []).map((i) => i.title);

  beforeAll(async () => {
    app = await createTestApp({ demo: true });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('recommends with an explanation on every pick, and buttons that fit every platform', async () => {
    const turn = await say('@alice /recommend');
    expect(turn.status).toBe('ok');
    const items = turn.reply?.items ?? [];
    expect(items.length).toBeGreaterThanOrEqual(3);
    for (const item of items) expect(item.meta?.split(' · ')[0]?.length ?? 0).toBeGreaterThan(5);
    const buttons = turn.reply?.buttons ?? [];
    expect(buttons.length).toBe(items.length * 3);
    for (const b of buttons) expect(Buffer.byteLength(b.action ?? '')).toBeLessThanOrEqual(MAX_BUTTON_ACTION_BYTES);
  });

  it('gives a member with no history sensible suggestions', async () => {
    const turn = await say('@newbie /recommend');
    expect(turn.status).toBe('ok');
    expect(turn.reply?.items?.length ?? 0).toBeGreaterThanOrEqual(3);
    for (const item of turn.reply?.items ?? []) expect(item.meta).toBeTruthy();
  });

  it('answers in Chinese for a Chinese-speaking member', async () => {
    const turn = await say('@chen /recommend');
    expect(turn.reply?.title).toBe('为你推荐');
    expect(turn.reply?.items?.[0]?.meta).toMatch(/[\u4e00-\u9fff]/u);
  });

  it('names a topic in the reader’s language in its reasons (data is 数据 in Chinese)', async () => {
    const zh = await say('@wang /recommend');
    const en = await say('@alice /recommend');
    const topicsIn = (turn: typeof zh, pattern: RegExp) =>
      turn.reply?.items?.flatMap((i) => pattern.exec(i.meta ?? '')?.[1] ?? []) ?? [];
    const zhTopics = topicsIn(zh, /因为你对 (.+?) 感兴趣/u);
    expect(zhTopics.length).toBeGreaterThan(0);
    for (const topic of zhTopics) expect(topic).toMatch(/[\u4e00-\u9fff]/u);
    for (const topic of topicsIn(en, /Because you are interested in (.+?)(?: · |$)/))
      expect(topic).toMatch(/^[a-z -]+$/);
  });

  it('shows a Chinese reader their profile’s topics in Chinese, and takes them back typed that way', async () => {
    const value = (turn: Awaited<ReturnType<typeof say>>) => turn.reply?.fields?.[0]?.value ?? '';
    const before = value(await say('@wang /profile'));
    expect(before).toMatch(/(^|、)数据 \d+%/u);
    expect(before).not.toMatch(/(^|、|, )data \d+%/);
    expect((await say('@wang /profile interests remove 数据')).reply?.text).toContain('「数据」');
    expect(value(await say('@wang /profile'))).not.toMatch(/数据 \d+%/u);
  });

  it('reflects recent behaviour after one retrain', async () => {
    const courses = await app.services.courses.list(app.demoCommunityId!, { tag: 'design' });
    expect(courses.length).toBeGreaterThanOrEqual(3);
    const [first, second] = courses as [(typeof courses)[0], (typeof courses)[0]];
    const beforeList = titles(await say('@bob /recommend'));
    for (let day = 0; day < 3; day++) {
      app.clock.advance(3_600_000);
      expect((await say(`@bob /recommend view ${first.id}`)).status).toBe('ok');
      expect((await say(`@bob /recommend view ${second.id}`)).status).toBe('ok');
    }
    expect((await say('@bob /search design')).status).toBe('ok');
    expect((await say('@mod /recommend retrain')).status).toBe('ok');
    const after = titles(await say('@bob /recommend'));
    // Viewed courses stay on offer (a view is interest); the design courses as a whole move up.
    const design = new Set(courses.map((c) => c.title));
    const designShare = (list: string[]) => list.filter((t) => design.has(t)).length;
    expect(designShare(after)).toBeGreaterThan(designShare(beforeList));
  });

  it('keeps a viewed course on offer: viewing is interest, only owning or dismissing removes it', async () => {
    const first = titles(await say('@li /recommend'));
    const courses = await app.services.courses.list(app.demoCommunityId!, {});
    const top = courses.find((c) => c.title === first[0]);
    expect(top).toBeTruthy();
    expect((await say(`@li /course show ${top!.id}`)).status).toBe('ok');
    expect(titles(await say('@li /recommend'))).toContain(top!.title);
    expect((await say(`@li /recommend view ${top!.id}`)).status).toBe('ok');
    expect(titles(await say('@li /recommend'))).toContain(top!.title);
  });

  it('never gives a course as its own "because you looked at" (a viewed course stays on offer)', async () => {
    for (const handle of ['alice', 'bob', 'chen', 'li', 'maya', 'wang']) {
      const items = (await say(`@${handle} /recommend`)).reply?.items ?? [];
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) expect(item.meta ?? '').not.toContain(item.title);
    }
  });

  it('never recommends an archived course (off sale), and offers it again when it is back on sale', async () => {
    const first = titles(await say('@wang /recommend'));
    const courses = await app.services.courses.list(app.demoCommunityId!, {});
    const top = courses.find((c) => c.title === first[0]);
    expect(top).toBeTruthy();
    await app.services.commerce.setAccess(top!, { archivedAt: app.clock.now() });
    const during = titles(await say('@wang /recommend'));
    expect(during).not.toContain(top!.title);
    expect(during.length).toBeGreaterThan(0);
    await app.services.commerce.setAccess(top!, { archivedAt: null });
    expect(titles(await say('@wang /recommend'))).toContain(top!.title);
  });

  it('never recommends a course again after "not interested"', async () => {
    const turn = await say('@maya /recommend');
    const dismissed = turn.reply?.items?.[0]?.title;
    expect(dismissed).toBeTruthy();
    const button = (turn.reply?.buttons ?? []).findIndex((b) => b.action?.startsWith('/recommend dismiss'));
    expect((await say(`!${button + 1}`)).status).toBe('ok');
    expect(titles(await say('@maya /recommend'))).not.toContain(dismissed);
  });

  it('shows members their own profile and lets them correct it', async () => {
    const turn = await say('@alice /profile');
    expect(turn.status).toBe('ok');
    const interests = turn.reply?.fields?.find((f) => f.name === 'Interests')?.value ?? '';
    expect(interests).toMatch(/data|ai/);
    expect(turn.reply?.ephemeral).toBe(true);
    expect((await say('@alice /profile interests add investing')).status).toBe('ok');
    expect((await say('@alice /profile interests remove ai')).status).toBe('ok');
    const corrected = await say('@alice /profile');
    const value = corrected.reply?.fields?.find((f) => f.name === 'Interests')?.value ?? '';
    expect(value).toContain('investing');
    expect(value).not.toMatch(/\bai\b/);
    expect(corrected.reply?.fields?.find((f) => f.name === 'Removed by you')?.value).toBe('ai');
    const recs = await say('@alice /recommend');
    for (const item of recs.reply?.items ?? []) expect(item.meta).toBeTruthy();
    // Every "because you are interested in X" names an interest the profile shows, never the removed one.
    const shown = value.split(/,\s*/);
    for (const item of recs.reply?.items ?? []) {
      const topic = /Because you are interested in (.+?)(?: · |$)/.exec(item.meta ?? '')?.[1];
      if (topic !== undefined) {
        expect(topic).not.toBe('ai');
        expect(shown.some((s) => s === topic || s.startsWith(`${topic} `))).toBe(true);
      }
    }
    const zh = await say('@chen /profile');
    expect(zh.reply?.title).toBe('你的画像');
  });

  it('says why a list is empty from the member data, never "you have everything" to a member who owns nothing', async () => {
    expect((await say('@newbie2 /profile interests remove data')).status).toBe('ok');
    const turn = await say('@newbie2 /recommend data');
    expect(turn.reply?.items ?? []).toHaveLength(0);
    expect(turn.reply?.text).toContain('/profile interests add data');
    expect(turn.reply?.text).not.toMatch(/already have/);
  });

  it('shows interest groups to moderators only', async () => {
    const turn = await say('@mod /groups');
    expect(turn.status).toBe('ok');
    expect(turn.reply?.items?.length ?? 0).toBeGreaterThanOrEqual(1);
    expect((await say('@alice /groups')).status).toBe('PERMISSION_DENIED');
  });

  it('keeps the learned blend and the groups in the database after a retrain', async () => {
    const { PrismaRecommenderSnapshotStore } = await import('../../../adapters/storage/recommend-snapshot-store.ts');
    expect((await say('@mod /recommend retrain')).status).toBe('ok');
    const stored = await new PrismaRecommenderSnapshotStore(app.database.prisma).load(app.demoCommunityId!);
    expect(stored?.blend.weights).toHaveLength(stored?.blend.features.length ?? -1);
    expect(stored?.groups.length).toBeGreaterThanOrEqual(1);
    const alice = await app.services.members.findByHandle(app.demoCommunityId!, 'alice');
    expect(stored?.membership.get(alice!.id)).toBeGreaterThanOrEqual(0);
  });

  it('titles a topic list and shows course tags in the reader’s language (投资 is investing)', async () => {
    const zh = await say('@chen /courses 投资');
    expect(zh.reply?.title).toBe('投资 课程');
    expect(zh.reply?.items?.map((i) => i.meta?.split(' · ')[0])).toContain('投资、期权');
    expect((await say('@chen /recommend investing')).reply?.title).toBe('投资 方向为你推荐');
    const en = await say('@alice /courses 投资');
    expect(en.reply?.title).toMatch(/investing/);
    expect(en.reply?.items?.map((i) => i.meta?.split(' · ')[0])).toContain('investing, options');
  });

  it('lists the catalogue and searches it', async () => {
    const all = await say('@alice /courses');
    expect(all.reply?.items?.length).toBe(10);
    const data = await say('@alice /courses data');
    expect(titles(data).length).toBeGreaterThanOrEqual(3);
    const search = await say('@alice /search sql');
    expect(search.status).toBe('ok');
    expect(titles(search)[0]).toMatch(/SQL/i);
    const topic = await say('@alice /recommend nosuchtopic');
    expect(topic.reply?.text).toContain('nosuchtopic');
  });

  it('finds a course the moment it is added or renamed, and recommends it once the background retrain is done', async () => {
    await say('@bob /recommend'); // a snapshot exists before the catalogue changes
    const added = await say('@creator /course add "Zebra Finance Masterclass" 10 one_off USD investing Zebra spreads');
    const id = /#([a-z0-9]{8})/.exec(added.output)?.[1] ?? '';
    expect(titles(await say('@alice /search zebra finance'))[0]).toBe('Zebra Finance Masterclass');
    await say(`@creator /course edit ${id} title:"Okapi Options Lab"`);
    const renamed = titles(await say('@alice /search okapi options'));
    expect(renamed[0]).toBe('Okapi Options Lab');
    expect(titles(await say('@alice /search zebra finance'))).not.toContain('Zebra Finance Masterclass');
    // Once a snapshot is trained on the new catalogue, search serves from it, renamed course included.
    await app.services.recommend.retrain({ id: app.demoCommunityId!, timezone: 'Asia/Shanghai' });
    expect(titles(await say('@alice /search okapi options'))[0]).toBe('Okapi Options Lab');
  });
});
