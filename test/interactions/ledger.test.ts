import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors.ts';
import { countLegs } from '../../core/interactions/tip-flags.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type LedgerFixture, ledgerFixture } from './ledger-fixture.ts';

const NOW = new Date('2026-11-20T02:00:00.000Z');
const at = (iso: string) => new Date(iso);

let db: TestDatabase;
let f: LedgerFixture;

function tip(from: string, to: string | null, amount: string | number | undefined, key: string | null, now = NOW) {
  return f.ledger.tip({
    community: f.community,
    sender: f.members[from]!,
    recipient: to === null ? null : f.members[to]!,
    amount,
    reason: 'thanks',
    idempotencyKey: key,
    now,
    platform: 'console',
  });
}

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UserError) return error.code;
    throw error;
  }
  return 'OK';
}

async function balanceOf(handle: string, now = NOW) {
  return (await f.ledger.balance(f.community, f.members[handle]!, now)).balance;
}

async function expectBalanced(transfers: number) {
  expect(await f.store.trialBalance(f.community.id)).toEqual({ postingsSum: 0, transfers, mismatchedAccounts: 0 });
}

for (const provider of ['sqlite', 'postgresql'] as const) {
  describe(provider, () => {
    beforeEach(async () => {
      db = await createTestDatabase(provider);
      f = await ledgerFixture(db, {
        handles: ['ann', 'bob', 'cat', 'dan'],
        bots: ['robot'],
        timezone: 'Asia/Shanghai',
        policy: { dailyAllowance: 10, maxPerTransfer: 50, dailySendCap: 60, pairCooldownMs: 60_000 },
      });
    });
    afterEach(async () => {
      await db.drop();
    });

    describe('tipping on the ledger', () => {
      it('pays from the daily allowance first, then from the balance, with balanced postings', async () => {
        const first = await tip('ann', 'bob', 8, 'i-1');
        expect(first.duplicate).toBe(false);
        expect(first.transfer.fromAllowance).toBe(8);
        expect(first.recipientBalance).toBe(8);
        expect(first.allowanceLeft).toBe(2);

        // Ann has 2 allowance left and no balance: 5 is too much, and nothing moves.
        expect(await errorCode(tip('ann', 'cat', 5, 'i-2'))).toBe('TIP_INSUFFICIENT_FUNDS');
        expect(await balanceOf('cat')).toBe(0);

        // Bob earned 8; tipping 15 uses his 10 allowance and 5 of his balance.
        const spend = await tip('bob', 'cat', 15, 'i-3');
        expect(spend.transfer.fromAllowance).toBe(10);
        expect(await balanceOf('bob')).toBe(3);
        expect(await balanceOf('cat')).toBe(15);
        await expectBalanced(2);
      });

      it('applies a repeated delivery once and answers it as a duplicate', async () => {
        const first = await tip('ann', 'bob', 5, 'same-interaction');
        const again = await tip('ann', 'bob', 5, 'same-interaction');
        expect(again.duplicate).toBe(true);
        expect(again.transfer.id).toBe(first.transfer.id);
        expect(await balanceOf('bob')).toBe(5);
        await expectBalanced(1);
        // The graph sees the tip once.
        const events = await f.events.query({ communityId: f.community.id, verbs: ['tip.sent'] });
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({ actorId: f.members.ann!.id, targetMemberId: f.members.bob!.id });
        expect(events[0]!.metadata).toEqual({ amount: 5 });
      });

      it('refuses the same key with other parameters as a conflict, and moves nothing', async () => {
        await tip('ann', 'bob', 5, 'k-1');
        const reused = [
          () => tip('ann', 'bob', 6, 'k-1'),
          () => tip('ann', 'cat', 5, 'k-1'),
          () => tip('bob', 'ann', 5, 'k-1'),
          () =>
            f.ledger.tip({
              community: f.community,
              sender: f.members.ann!,
              recipient: f.members.bob!,
              amount: 5,
              reason: 'another reason',
              idempotencyKey: 'k-1',
              now: NOW,
              platform: 'console',
            }),
        ];
        for (const attempt of reused) expect(await errorCode(attempt())).toBe('IDEMPOTENCY_KEY_REUSED');
        // The very same request is still a harmless replay.
        expect((await tip('ann', 'bob', 5, 'k-1')).duplicate).toBe(true);
        expect(await balanceOf('bob')).toBe(5);
        expect(await balanceOf('cat')).toBe(0);
        await expectBalanced(1);
        expect(await f.events.query({ communityId: f.community.id, verbs: ['tip.sent'] })).toHaveLength(1);
      });

      it('commits a transfer with its event or not at all', async () => {
        // An event the database refuses (its community does not exist) takes the transfer down with it.
        const request = {
          communityId: f.community.id,
          idempotencyKey: 'atomic',
          kind: 'tip' as const,
          fromMemberId: f.members.ann!.id,
          toMemberId: f.members.bob!.id,
          amount: 3,
          reason: null,
          actorId: f.members.ann!.id,
          at: NOW,
          limits: { dayKey: '2026-11-20', dailyAllowance: 10, dailySendCap: 60, cooldownThreshold: NOW },
          events: [
            {
              communityId: 'no-such-community',
              actorId: f.members.ann!.id,
              verb: 'tip.sent' as const,
              objectType: 'transfer',
              objectId: 'x',
              targetMemberId: f.members.bob!.id,
              channelId: null,
              platform: 'console' as const,
              occurredAt: NOW,
              metadata: {},
              dedupKey: 'tip:x',
            },
          ],
        };
        await expect(f.store.transfer(request)).rejects.toThrow();
        expect(await balanceOf('bob')).toBe(0);
        expect((await f.ledger.balance(f.community, f.members.ann!, NOW)).allowanceLeft).toBe(10);
        await expectBalanced(0);
        // The same request with a good event goes through, event and all.
        const outcome = await f.store.transfer({
          ...request,
          events: [{ ...request.events[0]!, communityId: f.community.id }],
        });
        expect(outcome.status).toBe('applied');
        expect(await f.events.query({ communityId: f.community.id, verbs: ['tip.sent'] })).toHaveLength(1);
        await expectBalanced(1);
      });

      it('resets the allowance at midnight in the community time zone', async () => {
        await tip('ann', 'bob', 10, 'd1');
        expect(await errorCode(tip('ann', 'cat', 1, 'd2', at('2026-11-20T15:59:00Z')))).toBe('TIP_INSUFFICIENT_FUNDS');
        // 16:00Z is midnight in Shanghai: a fresh allowance.
        const next = await tip('ann', 'cat', 10, 'd3', at('2026-11-20T16:00:00Z'));
        expect(next.transfer.fromAllowance).toBe(10);
        const view = await f.ledger.balance(f.community, f.members.ann!, at('2026-11-20T16:30:00Z'));
        expect(view.allowanceLeft).toBe(0);
        expect(view.resetsAt.toISOString()).toBe('2026-11-21T16:00:00.000Z');
      });

      it('enforces the per-pair cooldown and the daily send cap', async () => {
        await f.ledger.adjust({
          community: f.community,
          moderator: f.members.dan!,
          member: f.members.ann!,
          action: 'grant',
          amount: 100,
          reason: 'seed',
          idempotencyKey: 'g',
          now: NOW,
        });
        await tip('ann', 'bob', 5, 'c1');
        expect(await errorCode(tip('ann', 'bob', 5, 'c2', new Date(NOW.getTime() + 30_000)))).toBe('TIP_COOLDOWN');
        await tip('ann', 'bob', 5, 'c3', new Date(NOW.getTime() + 61_000));
        // 10 given so far, cap 60: 50 more is fine, then the cap is reached.
        await tip('ann', 'cat', 50, 'c4');
        expect(await errorCode(tip('ann', 'dan', 1, 'c5'))).toBe('TIP_DAILY_CAP');
        await expectBalanced(4);
      });

      it('refuses bad input with a clear code and changes nothing', async () => {
        const cases: [string, () => Promise<unknown>][] = [
          ['AMOUNT_NOT_POSITIVE', () => tip('ann', 'bob', '-5', 'b1')],
          ['AMOUNT_NOT_POSITIVE', () => tip('ann', 'bob', '0', 'b2')],
          ['AMOUNT_FRACTIONAL', () => tip('ann', 'bob', '2.5', 'b3')],
          ['AMOUNT_NOT_A_NUMBER', () => tip('ann', 'bob', 'ten', 'b4')],
          ['AMOUNT_TOO_LARGE', () => tip('ann', 'bob', '1000000000000000000000', 'b5')],
          ['TIP_UNKNOWN_MEMBER', () => tip('ann', null, '5', 'b6')],
          ['TIP_TO_BOT', () => tip('ann', 'robot', '5', 'b7')],
          ['TIP_FROM_BOT', () => tip('robot', 'ann', '5', 'b8')],
          ['TIP_SELF', () => tip('ann', 'ann', '5', 'b9')],
        ];
        for (const [code, attempt] of cases) expect(await errorCode(attempt())).toBe(code);
        await expectBalanced(0);
        expect(await f.events.query({ communityId: f.community.id })).toHaveLength(0);
        expect((await f.ledger.balance(f.community, f.members.ann!, NOW)).allowanceLeft).toBe(10);
      });

      it('flags repeated tip rings (not one round of thanks) with why, and brand-new accounts tipping each other', async () => {
        // Each leg three times (the default threshold), a minute apart for the per-pair cooldown.
        let minute = 0;
        const round = async (n: number) => {
          const when = () => at(new Date(NOW.getTime() - 3_600_000 + 60_000 * minute++).toISOString());
          const results = [];
          for (const [from, to] of [
            ['ann', 'bob'],
            ['bob', 'cat'],
            ['cat', 'ann'],
          ] as const) {
            results.push(await tip(from, to, 1, `r${n}-${from}`, when()));
          }
          return results;
        };
        expect((await round(1)).some((r) => r.flagged)).toBe(false);
        expect((await round(2)).some((r) => r.flagged)).toBe(false);
        expect(await f.ledger.flags(f.community)).toEqual([]);
        const third = await round(3);
        expect(third.map((r) => r.flagged)).toEqual([false, false, true]);
        const flags = await f.ledger.flags(f.community);
        expect(flags.map((x) => [x.kind, x.memberIds])).toEqual([
          ['tip_ring', [f.members.ann!.id, f.members.bob!.id, f.members.cat!.id].sort()],
        ]);
        expect(flags[0]!.details).toEqual({
          legs: [
            { fromMemberId: f.members.cat!.id, toMemberId: f.members.ann!.id, tips: 3 },
            { fromMemberId: f.members.ann!.id, toMemberId: f.members.bob!.id, tips: 3 },
            { fromMemberId: f.members.bob!.id, toMemberId: f.members.cat!.id, tips: 3 },
          ],
          minTips: 3,
          windowDays: 14,
        });
        // A moderator's verdict takes the flag out of the open list, once: a second verdict leaves the first.
        const mod = f.members.ann!;
        const first = await f.ledger.resolveFlag(f.community, mod, flags[0]!.id, 'abuse', at('2026-11-21T00:00:00Z'));
        expect(first.changed).toBe(true);
        expect(first.flag.resolution).toEqual({ outcome: 'abuse', byMemberId: mod.id, at: at('2026-11-21T00:00:00Z') });
        const again = await f.ledger.resolveFlag(
          f.community,
          f.members.bob!,
          flags[0]!.id,
          'ok',
          at('2026-11-22T00:00:00Z'),
        );
        expect(again).toMatchObject({ changed: false, flag: { resolution: { outcome: 'abuse', byMemberId: mod.id } } });
        expect(await f.ledger.flags(f.community, 10, 0, { open: true })).toEqual([]);
        expect(await f.ledger.flags(f.community)).toHaveLength(1);
        await expect(
          f.ledger.resolveFlag(f.community, mod, 'nosuch', 'ok', at('2026-11-22T00:00:00Z')),
        ).rejects.toMatchObject({
          code: 'FLAG_NOT_FOUND',
        });

        const young = new Date(NOW.getTime() - 86_400_000);
        await db.prisma.member.updateMany({ where: { id: { in: [f.members.dan!.id] } }, data: { joinedAt: young } });
        f.members.dan!.joinedAt = young;
        f.members.bob!.joinedAt = young;
        expect((await tip('dan', 'bob', 1, 'n1')).flagged).toBe(true);
        expect((await f.ledger.flags(f.community)).map((x) => x.kind)).toContain('new_accounts');
      });

      it('hands back the ring candidates read with the tip as tipsAround reads them, counted per leg', async () => {
        await tip('ann', 'bob', 1, 'c1', at('2026-11-20T01:00:00.123Z'));
        await tip('bob', 'cat', 2, 'c2', at('2026-11-20T01:10:00.456Z'));
        await tip('dan', 'cat', 3, 'c3', at('2026-11-20T01:20:00Z'));
        await tip('bob', 'cat', 1, 'c3b', at('2026-11-20T01:30:00Z'));
        // An old tip outside the window is left out by both.
        await tip('cat', 'dan', 4, 'c4', at('2026-11-01T01:00:00Z'));
        const since = at('2026-11-13T02:00:00Z');
        const expected = await f.store.tipsAround(f.community.id, f.members.cat!.id, f.members.ann!.id, since, 500);
        expect(expected).toHaveLength(4);
        const outcome = await f.store.transfer({
          communityId: f.community.id,
          idempotencyKey: 'c5',
          kind: 'tip',
          fromMemberId: f.members.cat!.id,
          toMemberId: f.members.ann!.id,
          amount: 1,
          reason: null,
          actorId: f.members.cat!.id,
          at: NOW,
          limits: { dayKey: '2026-11-20', dailyAllowance: 10, dailySendCap: 60, cooldownThreshold: NOW },
          ringSince: since,
        });
        expect(outcome.status).toBe('applied');
        const legs = outcome.status === 'applied' ? outcome.aroundLegs : undefined;
        // Both providers read them in the tip's own transaction (one trip to the database per tip), and count them
        // per leg, the leg of the latest tip first.
        expect(legs).toEqual(countLegs(expected));
        expect(legs).toEqual([
          { fromMemberId: f.members.bob!.id, toMemberId: f.members.cat!.id, tips: 2 },
          { fromMemberId: f.members.dan!.id, toMemberId: f.members.cat!.id, tips: 1 },
          { fromMemberId: f.members.ann!.id, toMemberId: f.members.bob!.id, tips: 1 },
        ]);
      });
    });

    describe('moderator grants and revokes', () => {
      const adjust = (
        action: 'grant' | 'revoke',
        who: string,
        amount: string | number,
        reason: string | null,
        key: string,
      ) =>
        f.ledger.adjust({
          community: f.community,
          moderator: f.members.dan!,
          member: f.members[who] ?? null,
          action,
          amount,
          reason,
          idempotencyKey: key,
          now: NOW,
        });

      it('audits every adjustment and never revokes below zero', async () => {
        expect((await adjust('grant', 'bob', 30, 'great workshop', 'm1')).balance).toBe(30);
        expect((await adjust('revoke', 'bob', 10, 'duplicate grant', 'm2')).balance).toBe(20);
        expect(await errorCode(adjust('revoke', 'bob', 21, 'too much', 'm3'))).toBe('POINTS_REVOKE_INSUFFICIENT');
        expect(await errorCode(adjust('grant', 'bob', 5, '  ', 'm4'))).toBe('POINTS_REASON_REQUIRED');
        expect(await errorCode(adjust('grant', 'robot', 5, 'x', 'm5'))).toBe('TIP_TO_BOT');
        expect((await adjust('grant', 'bob', 30, 'great workshop', 'm1')).duplicate).toBe(true);
        const audit = await f.ledger.audit(f.community);
        const rows = audit.map((a) => [a.action, a.amount, a.reason, a.moderatorId, a.memberId]).sort();
        expect(rows).toEqual([
          ['grant', 30, 'great workshop', f.members.dan!.id, f.members.bob!.id],
          ['revoke', 10, 'duplicate grant', f.members.dan!.id, f.members.bob!.id],
        ]);
        expect(await balanceOf('bob')).toBe(20);
        await expectBalanced(2);
      });

      it('records each adjustment as an event and refuses a reused key with another amount', async () => {
        const granted = await adjust('grant', 'bob', 30, 'great workshop', 'e1');
        await adjust('revoke', 'bob', 10, 'duplicate grant', 'e2');
        expect(await errorCode(adjust('grant', 'bob', 31, 'great workshop', 'e1'))).toBe('IDEMPOTENCY_KEY_REUSED');
        expect(await errorCode(adjust('revoke', 'cat', 10, 'duplicate grant', 'e2'))).toBe('IDEMPOTENCY_KEY_REUSED');
        const events = await f.events.query({
          communityId: f.community.id,
          verbs: ['points.granted', 'points.revoked'],
        });
        // Same instant: order by verb.
        events.sort((a, b) => a.verb.localeCompare(b.verb));
        expect(events.map((e) => [e.verb, e.actorId, e.targetMemberId, e.metadata])).toEqual([
          ['points.granted', f.members.dan!.id, f.members.bob!.id, { amount: 30 }],
          ['points.revoked', f.members.dan!.id, f.members.bob!.id, { amount: 10 }],
        ]);
        expect(events[0]!.objectId).toBe(granted.transfer.id);
        expect(await balanceOf('bob')).toBe(20);
        await expectBalanced(2);
      });

      it('checks every invariant, and finds each one broken by hand', async () => {
        await adjust('grant', 'ann', 20, 'seed', 'i1');
        await tip('ann', 'bob', 15, 'i2');
        await tip('bob', 'cat', 4, 'i3');
        const clean = await f.store.integrity(f.community.id);
        expect(clean).toEqual({
          transfers: 3,
          postingsSum: 0,
          unbalancedTransfers: 0,
          mismatchedAccounts: 0,
          negativeAccounts: 0,
          transfersWithoutEvent: 0,
          eventsWithoutTransfer: 0,
          adjustmentsWithoutAudit: 0,
        });
        // Break it: an event lost, a balance edited, a posting changed, an audit entry gone. (A negative balance
        // cannot be written at all: a CHECK constraint refuses it on both providers.)
        const third = (await f.ledger.history(f.community, f.members.cat!))[0]!;
        await db.prisma.interactionEvent.deleteMany({ where: { dedupKey: `tip:${third.id}` } });
        await db.prisma.ledgerAccount.updateMany({
          where: { communityId: f.community.id, memberId: f.members.cat!.id },
          data: { balance: 99 },
        });
        const posting = await db.prisma.ledgerPosting.findFirstOrThrow({ where: { amount: 15 } });
        await db.prisma.ledgerPosting.update({
          where: { transferId_accountId: { transferId: posting.transferId, accountId: posting.accountId } },
          data: { amount: 16 },
        });
        await db.prisma.ledgerAudit.deleteMany({ where: { communityId: f.community.id } });
        expect(await f.store.integrity(f.community.id)).toEqual({
          transfers: 3,
          postingsSum: 1,
          unbalancedTransfers: 1,
          // bob (posting changed) and cat (balance edited)
          mismatchedAccounts: 2,
          negativeAccounts: 0,
          transfersWithoutEvent: 1,
          eventsWithoutTransfer: 0,
          adjustmentsWithoutAudit: 1,
        });
      });

      it('lists history newest first for the member', async () => {
        await adjust('grant', 'ann', 5, 'welcome', 'h1');
        await tip('ann', 'bob', 3, 'h2', new Date(NOW.getTime() + 1000));
        const history = await f.ledger.history(f.community, f.members.ann!);
        expect(history.map((t) => t.kind)).toEqual(['tip', 'grant']);
        expect(await f.ledger.history(f.community, f.members.cat!)).toEqual([]);
      });
    });
  });
}
