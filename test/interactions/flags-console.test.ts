import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

const HOUR = 3_600_000;

describe('tipping flags reviewed in the console sandbox', () => {
  let app: TestApp;
  const say = async (line: string) => (await app.console.run(line))!;

  beforeAll(async () => {
    app = await createTestApp({ demo: true });
    // Three rounds of alice → bob → chen → alice close a ring on the third.
    for (let round = 0; round < 3; round++) {
      for (const [from, to] of [
        ['alice', 'bob'],
        ['bob', 'chen'],
        ['chen', 'alice'],
      ] as const) {
        app.clock.advance(HOUR);
        await say(`@${from} /tip @${to} 1 thanks`);
      }
    }
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('lists an open flag with why, takes a verdict from its button once, and speaks Chinese', async () => {
    expect((await say('@alice /points flags')).status).toBe('PERMISSION_DENIED');
    const open = await say('@mod /points flags');
    expect(open.output).toContain('Tipping to review');
    expect(open.output).toMatch(/tip ring: .*Alice/);
    expect(open.output).toContain('within 14 days');
    expect(open.output).toContain('[!1] 1. Fine');
    const cleared = await say('!1');
    expect(cleared.output).toMatch(/Cleared the flag on .*ordinary thanks/);
    expect((await say('@mod /points flags')).output).toContain('Nothing to review');
    expect((await say('@mod /points flags all')).output).toContain('cleared by');

    const [flag] = await app.services.ledger.flags({ id: app.demoCommunityId! } as never, 1);
    await say('@mod /language zh-CN');
    try {
      const again = await say(`@mod /points flag ${flag!.id} abuse`);
      expect(again.output).toContain('以首次判定为准');
      expect((await say('@mod /points flag nosuch ok')).output).toContain('本社区没有 id 为 nosuch 的打赏标记');
    } finally {
      await say('@mod /language en');
    }
    expect((await app.services.ledger.flags({ id: app.demoCommunityId! } as never, 1))[0]?.resolution?.outcome).toBe(
      'ok',
    );
  });
});
