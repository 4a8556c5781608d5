import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

/** "+1 @bob" messages and 👏 reactions as members use them in the console sandbox, in English and Chinese. */
describe('tipping by keyword and reaction in the console sandbox', () => {
  let app: TestApp;
  const say = async (line: string) => {
    const turn = await app.console.run(line);
    if (!turn) throw new Error(`no turn for ${line}`);
    return turn;
  };
  const posted = () => app.outbox.posts.map((p) => p.text);
  const received = async (handle: string) => {
    const community = (await app.services.communities.get(app.demoCommunityId!))!;
    const member = (await app.services.members.findByHandle(community.id, handle))!;
    return (await app.services.ledger!.history(community, member, 50)).filter((x) => x.toMemberId === member.id);
  };

  beforeAll(async () => {
    app = await createTestApp({ demo: true });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('"+2 @bob great notes" tips and confirms in the channel', async () => {
    const turn = await say('@alice +2 @bob great notes');
    expect(turn.status).toBe('posted');
    expect(posted().at(-1)).toContain('Alice gave Bob 2 points: "great notes".');
    expect((await received('bob')).map((x) => [x.amount, x.reason])).toEqual([[2, 'great notes']]);
  });

  it('confirms in Chinese for a Chinese-speaking sender, and tips several members at once', async () => {
    await say('@chen +1 @maya @wang 讲得好');
    expect(posted().at(-1)).toContain('陈晨 给 Maya 打赏了 1 积分：“讲得好”。');
    expect(posted().at(-1)).toContain('陈晨 给 王芳 打赏了 1 积分：“讲得好”。');
  });

  it('explains a refused keyword tip without showing the balance', async () => {
    await say('@chen +500 @bob 谢谢');
    expect(posted().at(-1)).toContain('陈晨，你给 Bob 的打赏没有发出：“500”太多了：每次最多 100 积分。');
    app.clock.advance(61_000);
    await say('@alice +100 @maya thanks');
    expect(posted().at(-1)).toContain('Alice, your tip to Maya was not sent: not enough points left today.');
    expect(posted().at(-1)).not.toMatch(/balance of \d/);
  });

  it('a 👏 on a message tips its author one point, once per member and message', async () => {
    await say('@maya here are my slides');
    const before = (await received('maya')).length;
    expect((await say('@li react 👏')).status).toBe('reacted');
    expect((await say('@li react 👏🏽')).status).toBe('reacted');
    await say('@li react 🎉');
    const after = await received('maya');
    expect(after).toHaveLength(before + 1);
    expect(after.some((x) => x.amount === 1 && x.reason === '👏')).toBe(true);
  });

  it('ordinary chat tips nothing and posts nothing', async () => {
    const count = app.outbox.posts.length;
    await say('@alice I think 1+1 @bob is 2');
    await say('@alice thanks everyone');
    expect(app.outbox.posts.length).toBe(count);
  });
});
