import { randomUUID } from 'node:crypto';
import type {
  AccountState,
  AuditEntry,
  FlagKind,
  LedgerFlag,
  LedgerStore,
  TipEdge,
  Transfer,
  TransferKind,
  TransferOutcome,
  TransferRefusal,
  TransferRequest,
} from '../../core/interactions/ledger-store.ts';
import type { Db } from './database.ts';
import type { Prisma, LedgerTransfer as TransferRow } from './generated/sqlite/client.ts';
import { isUniqueViolation } from './prisma-errors.ts';

type Tx = Prisma.TransactionClient;

/**
 * The double-entry ledger on Prisma, correct on SQLite and on PostgreSQL with several processes.
 *
 * One transfer is one transaction:
 *  1. lock the member accounts it touches, in id order (an `UPDATE ... SET balance = balance + 0` takes PostgreSQL's
 *     row lock and returns the current row; SQLite serialises writers anyway), so concurrent tips on the same
 *     accounts queue instead of overdrawing, and A→B racing B→A cannot deadlock;
 *  2. check balance, allowance, daily cap against the locked rows;
 *  3. insert the transfer: its unique (communityId, idempotencyKey) turns a repeated delivery into a
 *     unique violation that rolls everything back and is answered with the original transfer;
 *  4. conditional updates (`WHERE balance >= x`, `WHERE lastTipAt <= threshold`) as a second line of defence;
 *  5. postings that sum to zero.
 * Deadlocks and serialisation failures (which PostgreSQL may still report under load) are retried with jitter.
 */

class Refused extends Error {
  constructor(readonly reason: TransferRefusal) {
    super(reason);
  }
}

const MINT_KEY = 'mint';
const memberKey = (memberId: string) => `member:${memberId}`;

const toTransfer = (row: TransferRow): Transfer => ({
  id: row.id,
  communityId: row.communityId,
  idempotencyKey: row.idempotencyKey,
  kind: row.kind as TransferKind,
  fromMemberId: row.fromMemberId,
  toMemberId: row.toMemberId,
  amount: row.amount,
  fromAllowance: row.fromAllowance,
  reason: row.reason,
  actorId: row.actorId,
  createdAt: row.createdAt,
});

function isRetryable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; meta?: unknown; cause?: unknown };
  if (e?.code === 'P2034' || e?.code === '40001' || e?.code === '40P01') return true;
  const text = `${String(e?.message ?? '')} ${JSON.stringify(e?.meta ?? '')}`;
  return /deadlock|could not serialize|40P01|40001|write conflict|SQLITE_BUSY|database is locked/i.test(text);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class PrismaLedgerStore implements LedgerStore {
  /** Account ids by `${communityId}|${key}`: accounts are never deleted, so ensuring one is a one-time cost. */
  readonly #accounts = new Map<string, string>();
  readonly #pairs = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly options: { maxAttempts?: number } = {},
  ) {}

  async transfer(request: TransferRequest): Promise<TransferOutcome> {
    validate(request);
    const fromId = request.fromMemberId
      ? await this.#account(request.communityId, memberKey(request.fromMemberId))
      : null;
    const toId = request.toMemberId ? await this.#account(request.communityId, memberKey(request.toMemberId)) : null;
    const mintId = await this.#account(request.communityId, MINT_KEY);
    if (request.kind === 'tip') await this.#pair(request);

    // A repeated delivery is answered before any limit is looked at: it must say "already done", not "cooldown".
    const seen = await this.#existing(request);
    if (seen) return { status: 'duplicate', transfer: seen };

    const maxAttempts = this.options.maxAttempts ?? 12;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.$transaction((tx) => this.#apply(tx, request, fromId, toId, mintId), {
          maxWait: 30_000,
          timeout: 30_000,
        });
      } catch (error) {
        if (error instanceof Refused || isUniqueViolation(error)) {
          // The same delivery, processed concurrently, may have committed while we waited for the row lock.
          const existing = await this.#existing(request);
          if (existing) return { status: 'duplicate', transfer: existing };
          if (error instanceof Refused) return { status: 'refused', reason: error.reason };
        }
        if (attempt < maxAttempts && (isRetryable(error) || isUniqueViolation(error))) {
          await sleep(Math.random() * 5 * attempt);
          continue;
        }
        throw error;
      }
    }
  }

  async #apply(
    tx: Tx,
    request: TransferRequest,
    fromId: string | null,
    toId: string | null,
    mintId: string,
  ): Promise<TransferOutcome> {
    const { amount } = request;
    // Lock in id order. The lock on the recipient is simply its credit; the sender is locked and read, then debited.
    const order = [fromId, toId].filter((id): id is string => id !== null).sort();
    let toBalance: number | null = null;
    let sender: { balance: number; day: string; allowanceUsed: number; sentToday: number } | null = null;
    for (const id of order) {
      if (id === toId) {
        toBalance = (await tx.ledgerAccount.update({ where: { id }, data: { balance: { increment: amount } } }))
          .balance;
      } else {
        sender = await tx.ledgerAccount.update({ where: { id }, data: { balance: { increment: 0 } } });
      }
    }

    let fromAllowance = 0;
    let fromBalanceDebit = 0;
    let fromBalance: number | null = null;
    if (fromId && sender) {
      if (request.kind === 'tip') {
        const limits = request.limits as NonNullable<TransferRequest['limits']>;
        const sameDay = sender.day === limits.dayKey;
        const used = sameDay ? sender.allowanceUsed : 0;
        const sent = sameDay ? sender.sentToday : 0;
        if (sent + amount > limits.dailySendCap) throw new Refused('DAILY_CAP');
        fromAllowance = Math.min(amount, Math.max(0, limits.dailyAllowance - used));
        fromBalanceDebit = amount - fromAllowance;
        if (sender.balance < fromBalanceDebit) throw new Refused('INSUFFICIENT_FUNDS');
        const updated = await tx.ledgerAccount.updateMany({
          where: { id: fromId, balance: { gte: fromBalanceDebit } },
          data: {
            balance: { decrement: fromBalanceDebit },
            day: limits.dayKey,
            allowanceUsed: used + fromAllowance,
            sentToday: sent + amount,
          },
        });
        if (updated.count !== 1) throw new Refused('INSUFFICIENT_FUNDS');
        const pair = await tx.ledgerTipPair.updateMany({
          where: {
            communityId: request.communityId,
            fromMemberId: request.fromMemberId as string,
            toMemberId: request.toMemberId as string,
            lastTipAt: { lte: limits.cooldownThreshold },
          },
          data: { lastTipAt: request.at },
        });
        if (pair.count !== 1) throw new Refused('COOLDOWN');
      } else {
        // A revoke takes points back from the member's balance, never below zero.
        fromBalanceDebit = amount;
        const updated = await tx.ledgerAccount.updateMany({
          where: { id: fromId, balance: { gte: amount } },
          data: { balance: { decrement: amount } },
        });
        if (updated.count !== 1) throw new Refused('INSUFFICIENT_FUNDS');
      }
      fromBalance = sender.balance - fromBalanceDebit;
    }

    const transferId = randomUUID();
    const row = await tx.ledgerTransfer.create({
      data: {
        id: transferId,
        communityId: request.communityId,
        idempotencyKey: request.idempotencyKey,
        kind: request.kind,
        fromMemberId: request.fromMemberId,
        toMemberId: request.toMemberId,
        amount,
        fromAllowance,
        reason: request.reason,
        actorId: request.actorId,
        createdAt: request.at,
      },
    });

    // Legs: whatever the sender did not pay from their balance came from the mint (allowance or grant);
    // a revoke pays into the mint.
    const legs: { accountId: string; amount: number }[] = [];
    const mintOut = amount - fromBalanceDebit;
    if (fromId && fromBalanceDebit > 0) legs.push({ accountId: fromId, amount: -fromBalanceDebit });
    if (mintOut > 0) legs.push({ accountId: mintId, amount: -mintOut });
    legs.push(toId ? { accountId: toId, amount } : { accountId: mintId, amount });
    await tx.ledgerPosting.createMany({
      data: legs.map((leg) => ({ id: randomUUID(), communityId: request.communityId, transferId, ...leg })),
    });

    if (request.kind !== 'tip') {
      await tx.ledgerAudit.create({
        data: {
          communityId: request.communityId,
          transferId,
          moderatorId: request.actorId,
          action: request.kind,
          memberId: (request.kind === 'grant' ? request.toMemberId : request.fromMemberId) as string,
          amount,
          reason: request.reason ?? '',
          createdAt: request.at,
        },
      });
    }
    return { status: 'applied', transfer: toTransfer(row), fromBalance, toBalance };
  }

  async #existing(request: TransferRequest): Promise<Transfer | null> {
    const row = await this.db.ledgerTransfer.findUnique({
      where: {
        communityId_idempotencyKey: { communityId: request.communityId, idempotencyKey: request.idempotencyKey },
      },
    });
    return row ? toTransfer(row) : null;
  }

  async #account(communityId: string, key: string): Promise<string> {
    const cacheKey = `${communityId}|${key}`;
    const cached = this.#accounts.get(cacheKey);
    if (cached) return cached;
    const where = { communityId_key: { communityId, key } };
    let row = await this.db.ledgerAccount.findUnique({ where, select: { id: true } });
    if (!row) {
      try {
        row = await this.db.ledgerAccount.create({
          data: { communityId, key, memberId: key.startsWith('member:') ? key.slice('member:'.length) : null },
          select: { id: true },
        });
      } catch (error) {
        // Another process created it between our read and our insert.
        if (!isUniqueViolation(error)) throw error;
        row = await this.db.ledgerAccount.findUniqueOrThrow({ where, select: { id: true } });
      }
    }
    this.#accounts.set(cacheKey, row.id);
    return row.id;
  }

  async #pair(request: TransferRequest): Promise<void> {
    const key = `${request.communityId}|${request.fromMemberId}|${request.toMemberId}`;
    if (this.#pairs.has(key)) return;
    const id = {
      communityId: request.communityId,
      fromMemberId: request.fromMemberId as string,
      toMemberId: request.toMemberId as string,
    };
    const existing = await this.db.ledgerTipPair.findUnique({ where: { communityId_fromMemberId_toMemberId: id } });
    if (!existing) {
      try {
        await this.db.ledgerTipPair.create({ data: { ...id, lastTipAt: new Date(0) } });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    this.#pairs.add(key);
  }

  async account(communityId: string, memberId: string, dayKey: string): Promise<AccountState> {
    const row = await this.db.ledgerAccount.findUnique({
      where: { communityId_key: { communityId, key: memberKey(memberId) } },
    });
    if (!row) return { balance: 0, allowanceUsed: 0, sentToday: 0 };
    const today = row.day === dayKey;
    return { balance: row.balance, allowanceUsed: today ? row.allowanceUsed : 0, sentToday: today ? row.sentToday : 0 };
  }

  async history(communityId: string, memberId: string, limit: number): Promise<Transfer[]> {
    const rows = await this.db.ledgerTransfer.findMany({
      where: { communityId, OR: [{ fromMemberId: memberId }, { toMemberId: memberId }] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
    return rows.map(toTransfer);
  }

  async tipsAround(communityId: string, from: string, to: string, since: Date, limit: number): Promise<TipEdge[]> {
    const rows = await this.db.ledgerTransfer.findMany({
      where: { communityId, kind: 'tip', createdAt: { gte: since }, OR: [{ fromMemberId: to }, { toMemberId: from }] },
      orderBy: { createdAt: 'desc' },
      take: limit,
      select: { fromMemberId: true, toMemberId: true, amount: true, createdAt: true },
    });
    return rows.map((r) => ({
      fromMemberId: r.fromMemberId as string,
      toMemberId: r.toMemberId as string,
      amount: r.amount,
      createdAt: r.createdAt,
    }));
  }

  async addFlag(flag: Omit<LedgerFlag, 'id'> & { dedupKey: string }): Promise<boolean> {
    try {
      await this.db.ledgerFlag.create({
        data: {
          communityId: flag.communityId,
          kind: flag.kind,
          memberIds: flag.memberIds.join(','),
          transferId: flag.transferId,
          dedupKey: flag.dedupKey,
          createdAt: flag.createdAt,
        },
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async flags(communityId: string, limit: number): Promise<LedgerFlag[]> {
    const rows = await this.db.ledgerFlag.findMany({
      where: { communityId },
      orderBy: { createdAt: 'desc' },
      take: limit,
    });
    return rows.map((r) => ({
      id: r.id,
      communityId: r.communityId,
      kind: r.kind as FlagKind,
      memberIds: r.memberIds.split(',').filter(Boolean),
      transferId: r.transferId,
      createdAt: r.createdAt,
    }));
  }

  async audit(communityId: string, limit: number): Promise<AuditEntry[]> {
    const rows = await this.db.ledgerAudit.findMany({
      where: { communityId },
      orderBy: { createdAt: 'desc' },
      take: limit,
    });
    return rows.map((r) => ({ ...r, action: r.action as 'grant' | 'revoke' }));
  }

  async trialBalance(
    communityId: string,
  ): Promise<{ postingsSum: number; transfers: number; mismatchedAccounts: number }> {
    const [sum, transfers, perAccount, accounts] = await Promise.all([
      this.db.ledgerPosting.aggregate({ where: { communityId }, _sum: { amount: true } }),
      this.db.ledgerTransfer.count({ where: { communityId } }),
      this.db.ledgerPosting.groupBy({ by: ['accountId'], where: { communityId }, _sum: { amount: true } }),
      this.db.ledgerAccount.findMany({ where: { communityId }, select: { id: true, key: true, balance: true } }),
    ]);
    const sums = new Map(perAccount.map((p) => [p.accountId, p._sum.amount ?? 0]));
    let mismatchedAccounts = 0;
    for (const a of accounts) {
      if (a.key === MINT_KEY) continue;
      if ((sums.get(a.id) ?? 0) !== a.balance || a.balance < 0) mismatchedAccounts++;
    }
    return { postingsSum: sum._sum.amount ?? 0, transfers, mismatchedAccounts };
  }
}

function validate(request: TransferRequest): void {
  if (!Number.isSafeInteger(request.amount) || request.amount <= 0)
    throw new RangeError('amount must be a positive integer');
  const shapes: Record<TransferKind, boolean> = {
    tip: request.fromMemberId !== null && request.toMemberId !== null && request.limits !== undefined,
    grant: request.fromMemberId === null && request.toMemberId !== null,
    revoke: request.fromMemberId !== null && request.toMemberId === null,
  };
  if (!shapes[request.kind]) throw new RangeError(`malformed ${request.kind} transfer`);
  if (request.fromMemberId !== null && request.fromMemberId === request.toMemberId) {
    throw new RangeError('a transfer needs two different accounts');
  }
}
