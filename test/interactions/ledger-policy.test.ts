import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLedgerStore } from '../../adapters/storage/interactions-storage.ts';
import { ledgerPolicy } from '../../core/interactions/ledger-policy.ts';
import { LedgerService, POLICY_CACHE_MS } from '../../core/interactions/ledger-service.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type LedgerFixture, ledgerFixture } from './ledger-fixture.ts';

let db: TestDatabase;
let fx: LedgerFixture;
const T0 = new Date('2026-11-20T02:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

beforeEach(async () => {
  db = await createTestDatabase('sqlite');
  fx = await ledgerFixture(db, {
    handles: ['admin', 'alice', 'bob', 'carol'],
    timezone: 'Asia/Shanghai',
  });
});
afterEach(async () => {
  await db.drop();
});

const tip = (from: string, to: string, amount: number, now: Date, ledger = fx.ledger) =>
  ledger.tip({
    community: fx.community,
    sender: fx.members[from]!,
    recipient: fx.members[to]!,
    amount: String(amount),
    reason: null,
    idempotencyKey: null,
    now,
    platform: 'console',
  });

describe('per-community tipping policy', () => {
  it('runs on the defaults until an admin changes it', async () => {
    const defaults = ledgerPolicy();
    expect(await fx.ledger.policyFor(fx.community, T0)).toEqual(defaults);
    expect(await fx.ledger.overrides(fx.community)).toBeNull();
    const receipt = await tip('alice', 'bob', 5, T0);
    expect(receipt.allowanceTotal).toBe(defaults.dailyAllowance);
    expect(receipt.allowanceLeft).toBe(defaults.dailyAllowance - 5);
  });

  it('applies stored allowance, cap and cooldown to tips and balances', async () => {
    const policy = await fx.ledger.setPolicy(
      fx.community,
      fx.members.admin!,
      { dailyAllowance: 4, dailySendCap: 6, pairCooldownMs: 120_000 },
      T0,
    );
    expect(policy).toMatchObject({ dailyAllowance: 4, dailySendCap: 6, pairCooldownMs: 120_000 });
    expect(await fx.ledger.overrides(fx.community)).toEqual({
      dailyAllowance: 4,
      dailySendCap: 6,
      pairCooldownMs: 120_000,
    });
    const first = await tip('alice', 'bob', 3, T0);
    expect(first).toMatchObject({ allowanceLeft: 1, allowanceTotal: 4 });
    // Cooldown of 2 minutes between alice and bob: refused at 1 minute, fine at 3.
    await expect(tip('alice', 'bob', 1, at(60_000))).rejects.toMatchObject({ code: 'TIP_COOLDOWN' });
    await tip('alice', 'bob', 1, at(180_000));
    // Daily cap of 6: 4 given so far (all from the allowance); 3 more would be 7.
    await fx.ledger.adjust({
      community: fx.community,
      moderator: fx.members.admin!,
      member: fx.members.alice!,
      action: 'grant',
      amount: '10',
      reason: 'seed',
      idempotencyKey: null,
      now: T0,
    });
    await expect(tip('alice', 'carol', 3, at(200_000))).rejects.toMatchObject({ code: 'TIP_DAILY_CAP' });
    await tip('alice', 'carol', 2, at(200_000));
    const balance = await fx.ledger.balance(fx.community, fx.members.alice!, at(200_000));
    expect(balance).toMatchObject({ allowanceTotal: 4, allowanceLeft: 0, sendCap: 6, sentToday: 6 });
  });

  it('changes only the values given, resets with null, and refuses an allowance above the cap', async () => {
    const defaults = ledgerPolicy();
    await fx.ledger.setPolicy(fx.community, fx.members.admin!, { dailyAllowance: 10 }, T0);
    await fx.ledger.setPolicy(fx.community, fx.members.admin!, { dailySendCap: 50 }, T0);
    expect(await fx.ledger.overrides(fx.community)).toEqual({ dailyAllowance: 10, dailySendCap: 50 });
    await expect(
      fx.ledger.setPolicy(fx.community, fx.members.admin!, { dailyAllowance: 60 }, T0),
    ).rejects.toMatchObject({ code: 'POINTS_POLICY_INVALID' });
    await expect(
      fx.ledger.setPolicy(fx.community, fx.members.admin!, { pairCooldownMs: 8 * 86_400_000 }, T0),
    ).rejects.toMatchObject({ code: 'POINTS_POLICY_INVALID' });
    // Refused changes left the stored policy as it was.
    expect(await fx.ledger.overrides(fx.community)).toEqual({ dailyAllowance: 10, dailySendCap: 50 });
    const reset = await fx.ledger.setPolicy(fx.community, fx.members.admin!, { dailySendCap: null }, T0);
    expect(reset).toMatchObject({ dailyAllowance: 10, dailySendCap: defaults.dailySendCap });
  });

  it('reaches another process once its cached policy expires', async () => {
    const other = new LedgerService({
      store: createLedgerStore(db),
      log: silentLogger,
    });
    expect((await other.policyFor(fx.community, T0)).dailyAllowance).toBe(ledgerPolicy().dailyAllowance);
    await fx.ledger.setPolicy(fx.community, fx.members.admin!, { dailyAllowance: 2 }, T0);
    expect((await other.policyFor(fx.community, at(POLICY_CACHE_MS + 1))).dailyAllowance).toBe(2);
    const receipt = await tip('alice', 'bob', 1, at(POLICY_CACHE_MS + 1), other);
    expect(receipt.allowanceTotal).toBe(2);
  });
});
