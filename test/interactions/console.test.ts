import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

/** Tips, balances, leaderboards and stats as members use them, through the console sandbox and the real dispatcher. */
describe('tipping and leaderboards in the console sandbox', () => {
  let app: TestApp;
  const say = async (line: string) => {
    const turn = await app.console.run(line);
    if (!turn) throw new Error(`no turn for ${line}`);
    return turn;
  };
  const transfers = () => app.services.ledger!.store.trialBalance(app.demoCommunityId!);

  beforeAll(async () => {
    app = await createTestApp({ demo: true });
    const community = (await app.services.communities.get(app.demoCommunityId!))!;
    await app.services.members.ensure(community.id, {
      platformUserId: 'helper-bot',
      handle: 'helperbot',
      displayName: 'Helper Bot',
      isBot: true,
    });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('tips a member and shows both balances', async () => {
    const tip = await say('@alice /tip @bob 5 great workshop');
    expect(tip.status).toBe('ok');
    expect(tip.output).toContain('You gave 5 points to Bob');
    expect(tip.output).toContain('great workshop');
    expect(tip.output).toContain('Allowance left today: 15 of 20.');
    const bob = await say('@bob /balance');
    expect(bob.output).toMatch(/Balance: 5\b/);
    expect(bob.output).toContain('Asia/Shanghai');
    const history = await say('@bob /tips');
    expect(history.output).toContain('Alice tipped you 5');
  });

  it.each([
    ['@alice /tip @bob -5', 'AMOUNT_NOT_POSITIVE', 'at least 1 point'],
    ['@alice /tip @bob 0', 'AMOUNT_NOT_POSITIVE', 'at least 1 point'],
    ['@alice /tip @bob 2.5', 'AMOUNT_FRACTIONAL', 'whole numbers'],
    ['@alice /tip @bob lots', 'AMOUNT_NOT_A_NUMBER', 'is not an amount'],
    ['@alice /tip @bob 100000000000000000000000', 'AMOUNT_TOO_LARGE', 'at most 100 points'],
    ['@alice /tip @ghost 5', 'MEMBER_UNKNOWN', 'could not find the member'],
    ['@alice /tip @helperbot 5', 'TIP_TO_BOT', 'is a bot'],
    ['@alice /tip @alice 5', 'TIP_SELF', 'cannot tip yourself'],
    ['@alice /tip @bob', 'OPTION_MISSING', 'amount'],
    ['@chen /tip @bob 2.5', 'AMOUNT_FRACTIONAL', '积分必须是整数'],
    ['@chen /tip @bob -1', 'AMOUNT_NOT_POSITIVE', '至少为 1 积分'],
  ])('%s is refused with %s and changes nothing', async (line, code, message) => {
    const before = await transfers();
    const turn = await say(line);
    expect(turn.status).toBe(code);
    expect(turn.output).toContain(message);
    expect(await transfers()).toEqual(before);
  });

  it('lets moderators grant and revoke, audited, and no one else', async () => {
    const denied = await say('@alice /points grant @bob 50 because');
    expect(denied.status).toBe('PERMISSION_DENIED');
    const granted = await say('@mod /points grant @bob 50 ran the study group');
    expect(granted.status).toBe('ok');
    expect(granted.output).toContain('50 points granted to Bob (ran the study group). New balance: 55.');
    const noReason = await say('@mod /points revoke @bob 5');
    expect(noReason.status).toBe('POINTS_REASON_REQUIRED');
    const tooMuch = await say('@mod /points revoke @bob 500 mistake');
    expect(tooMuch.status).toBe('POINTS_REVOKE_INSUFFICIENT');
    const revoked = await say('@mod /points revoke @bob 5 double grant');
    expect(revoked.output).toContain('New balance: 50.');
    const audit = await app.services.ledger!.audit((await app.services.communities.get(app.demoCommunityId!))!);
    expect(audit.map((a) => a.reason).sort()).toEqual(['double grant', 'ran the study group']);
    expect(await transfers()).toMatchObject({ postingsSum: 0, mismatchedAccounts: 0 });
  });

  it('ranks members with a reason for each entry, and honours opt-out', async () => {
    const board = await say('@alice /leaderboard all');
    expect(board.status).toBe('ok');
    expect(board.output).toContain('Leaderboard · all time');
    expect(board.output).toMatch(/#1 .+\n\s+.*(replies received|tipped by|reaction|posts)/);
    expect(board.output).not.toMatch(/#\d+ (Moderator|Operator)/);
    // Alice tipped Bob in the first test: his entry says so.
    expect(board.output).toMatch(/#\d+ Bob\n\s+[^\n]*tipped by 1 member/);
    const top = /#1 (.+)\n/.exec(board.output)![1]!;
    const topMember = (await app.services.members.list(app.demoCommunityId!)).find((m) => m.displayName === top)!;
    const optOut = await say(`@${topMember.handle} /leaderboard optout`);
    expect(optOut.status).toBe('ok');
    expect(optOut.output).toMatch(/no longer shown|不再出现/);
    const after = await say('@alice /leaderboard all');
    expect(after.output).not.toContain(`#1 ${top}\n`);
    expect(after.output).not.toMatch(new RegExp(`#\\d+ ${top}\\n`));
    await say(`@${topMember.handle} /leaderboard optin`);
    const zh = await say('@chen /leaderboard 7d');
    expect(zh.output).toContain('排行榜 · 最近 7 天');
  });

  it('does not call one mutual thank-you a ring; flags repeated reciprocity with why, to moderators only', async () => {
    await say('@bob /tip @alice 1 thanks back');
    const none = await say('@mod /tips flags');
    expect(none.status).toBe('ok');
    expect(none.output).not.toContain('tip ring');
    // A community that wants the strictest rule: one tip each way is enough.
    expect((await say('@admin /points policy ring-tips:1 ring-window:7d')).status).toBe('ok');
    app.clock.advance(61_000);
    await say('@bob /tip @alice 1 thanks again');
    const flags = await say('@mod /tips flags');
    expect(flags.output).toMatch(/tip ring: (Alice, Bob|Bob, Alice)/);
    expect(flags.output).toMatch(/Bob → Alice: 2 tips, Alice → Bob: 1 tip within 7 days/);
    expect(flags.output).toContain('a ring is flagged at 1 or more along every leg');
    expect((await say('@alice /tips flags')).status).toBe('PERMISSION_DENIED');
    await say('@mod /language zh');
    const zh = await say('@mod /tips flags');
    expect(zh.output).toMatch(/打赏环：(Alice, Bob|Bob, Alice)/);
    expect(zh.output).toContain('7 天内 Bob → Alice：2 次打赏，Alice → Bob：1 次打赏');
    await say('@mod /language en');
    await say('@admin /points policy ring-tips:3 ring-window:14d');
  });

  it('gives moderators stats with a chart and flags', async () => {
    const denied = await say('@alice /stats');
    expect(denied.status).toBe('PERMISSION_DENIED');
    const turn = await say('@mod /stats');
    expect(turn.status).toBe('ok');
    expect(turn.output).toMatch(/Active members: \d+/);
    expect(turn.output).toContain('Conversation groups');
    const png = turn.reply?.image?.png;
    expect(png && Array.from(png.slice(1, 4))).toEqual([0x50, 0x4e, 0x47]);
  });

  it('lets moderators turn the weekly report on and off in a channel', async () => {
    expect((await say('@alice /stats weekly on')).status).toBe('PERMISSION_DENIED');
    const on = await say('@mod /stats weekly on');
    expect(on.status).toBe('ok');
    expect(on.output).toContain('every Monday at 09:00 (Asia/Shanghai)');
    const community = (await app.services.communities.get(app.demoCommunityId!))!;
    expect(await app.services.weeklyReport!.status(community)).toMatchObject({ enabled: true, channelId: 'general' });
    expect((await say('@mod /stats weekly')).output).toContain('is on in channel general');
    expect((await say('@mod /stats weekly off')).output).toContain('is off');
    expect((await app.services.weeklyReport!.status(community))?.enabled).toBe(false);
    expect((await say('@mod /stats weekly')).output).toContain('/stats weekly on turns it on');
  });

  it('lets admins show and set the tipping policy, and no one else', async () => {
    expect((await say('@mod /points policy 30')).status).toBe('PERMISSION_DENIED');
    const shown = await say('@admin /points policy');
    expect(shown.status).toBe('ok');
    expect(shown.output).toContain('Daily allowance: 20 points · daily cap: 200 points given');
    const set = await say('@admin /points policy 30 300 2m');
    expect(set.status).toBe('ok');
    expect(set.output).toContain(
      'Daily allowance: 30 points · daily cap: 300 points given · same-member cooldown: 120 seconds',
    );
    expect((await say('@maya /balance')).output).toMatch(/Allowance left today: 30 of 30/);
    const refused = await say('@admin /points policy 400');
    expect(refused.status).toBe('POINTS_POLICY_INVALID');
    // Back to the defaults for the rest of the file.
    await say('@admin /points policy 20 200 60s');
  });
});
