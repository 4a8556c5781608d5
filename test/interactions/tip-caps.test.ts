import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

/** Each refused tip names the limit it hit and what is left under it, in English and Chinese. */
describe('tip limits, explained', () => {
  let app: TestApp;
  const say = async (line: string) => {
    const turn = await app.console.run(line);
    if (!turn) throw new Error(`no turn for ${line}`);
    return turn;
  };
  const later = () => app.clock.advance(61_000);

  beforeAll(async () => {
    app = await createTestApp({ demo: true });
    expect((await say('@mod /points grant @alice 300 study-group host')).status).toBe('ok');
    expect((await say('@mod /points grant @chen 300 study-group host')).status).toBe('ok');
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('at "Given today: 108 of 200" a tip of 100 says 92 can still go, not that the limit was reached', async () => {
    expect((await say('@alice /tip @bob 100 the workshop')).status).toBe('ok');
    later();
    expect((await say('@alice /tip @maya 8 notes')).status).toBe('ok');
    expect((await say('@alice /balance')).output).toContain('Given today: 108 of 200');
    later();
    const over = await say('@alice /tip @wang 100 thanks');
    expect(over.status).toBe('TIP_DAILY_CAP');
    expect(over.output).toContain('100 would take you over today’s limit of 200 points given');
    expect(over.output).toContain('you have given 108, so you can still give 92 today');
    expect(over.output).not.toContain('You have reached');
    expect((await say('@alice /tip @wang 92 thanks')).status).toBe('ok');
    later();
    const reached = await say('@alice /tip @li 1 thanks');
    expect(reached.status).toBe('TIP_DAILY_CAP');
    expect(reached.output).toContain('You have given 200 points today, the daily limit of 200');
    expect(reached.output).toContain('(Asia/Shanghai)');
  });

  it('a second tip to the same member names the per-pair cooldown and the wait left', async () => {
    expect((await say('@chen /tip @bob 5 谢谢')).status).toBe('ok');
    app.clock.advance(20_000);
    const again = await say('@chen /tip @bob 5 再谢');
    expect(again.status).toBe('TIP_COOLDOWN');
    expect(again.output).toContain('给同一位成员打赏需间隔 60 秒。40 秒后可以再打赏 Bob');
    expect((await say('@chen /tip @maya 5 谢谢')).status).toBe('ok');
  });

  it('the daily cap in Chinese says how much is left', async () => {
    later();
    const over = await say('@chen /tip @wang 100 谢谢');
    expect(over.status).toBe('ok');
    later();
    const capped = await say('@chen /tip @li 100 谢谢');
    expect(capped.status).toBe('TIP_DAILY_CAP');
    expect(capped.output).toContain('打赏 100 会超过每日上限 200 积分：你今天已送出 110，今天还可以送出 90');
  });

  it('not enough points names the allowance left and the balance', async () => {
    const denied = await say('@bob /tip @maya 100 big thanks');
    // Bob received 105 today and has the whole 20-point allowance: 125 can go, so 100 works…
    expect(denied.status).toBe('ok');
    later();
    const poor = await say('@bob /tip @wang 50 more thanks');
    expect(poor.status).toBe('TIP_INSUFFICIENT_FUNDS');
    expect(poor.output).toContain(
      'you can give 25 right now (0 of today’s 20-point allowance left, plus your balance of 25)',
    );
  });
});
