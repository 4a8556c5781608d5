import { randomUUID } from 'node:crypto';
import type { CommunityPolicy } from '../../core/interactions/ledger-policy.ts';
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
import { RING_LOOKUP_LIMIT } from '../../core/interactions/ledger-store.ts';
import type { Db } from './database.ts';
import { Prisma, type LedgerTransfer as TransferRow } from './generated/sqlite/client.ts';
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

/** Prisma reports a unique violation as P2002 from model queries, and as a database error from raw ones. */
function isDuplicateKey(error: unknown): boolean {
  if (isUniqueViolation(error)) return true;
  const e = error as { message?: unknown; meta?: unknown };
  return /23505|unique constraint|UNIQUE constraint failed/i.test(
    `${String(e?.message ?? '')} ${JSON.stringify(e?.meta ?? '')}`,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class PrismaLedgerStore implements LedgerStore {
  /** Account ids by `${communityId}|${key}`: accounts are never deleted, so ensuring one is a one-time cost. */
  readonly #accounts = new Map<string, string>();

  constructor(
    private readonly db: Db,
    private readonly options: {
      maxAttempts?: number;
      /** On PostgreSQL a tip is a single statement (see #tipPostgres); SQLite uses an interactive transaction. */
      provider?: 'sqlite' | 'postgresql';
    } = {},
  ) {}

  async transfer(request: TransferRequest): Promise<TransferOutcome> {
    validate(request);
    const fromId = request.fromMemberId
      ? await this.#account(request.communityId, memberKey(request.fromMemberId))
      : null;
    const toId = request.toMemberId ? await this.#account(request.communityId, memberKey(request.toMemberId)) : null;
    const mintId = await this.#account(request.communityId, MINT_KEY);

    const maxAttempts = this.options.maxAttempts ?? 12;
    for (let attempt = 1; ; attempt++) {
      try {
        if (request.kind === 'tip' && this.options.provider === 'postgresql') {
          return await this.#tipPostgres(request, fromId as string, toId as string, mintId);
        }
        return await this.db.$transaction(
          (tx) =>
            request.kind === 'tip'
              ? this.#applyTip(tx, request, fromId as string, toId as string, mintId)
              : this.#applyAdjustment(tx, request, fromId, toId, mintId),
          { maxWait: 30_000, timeout: 30_000 },
        );
      } catch (error) {
        if (error instanceof Refused || isDuplicateKey(error)) {
          // A repeated delivery is answered as such, whatever limit it would now hit: the original may have
          // committed before this attempt (a retry) or while it waited for the row lock (a concurrent duplicate).
          const existing = await this.#existing(request);
          if (existing) return { status: 'duplicate', transfer: existing };
          if (error instanceof Refused) return { status: 'refused', reason: await this.#refusalReason(request, error) };
        }
        if (attempt < maxAttempts && (isRetryable(error) || isDuplicateKey(error))) {
          await sleep(Math.random() * 5 * attempt);
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * A tip in five statements: the two account updates in id order (no deadlock between A→B and B→A), the
   * pair cooldown as a conditional upsert, then the transfer with its postings. The sender's UPDATE checks the
   * daily cap and the balance in its WHERE and computes the allowance/balance split in its SET (which sees the
   * row as it was), so concurrent tips from one sender queue on the row lock and each sees the previous one's effect.
   */
  async #applyTip(
    tx: Tx,
    request: TransferRequest,
    fromId: string,
    toId: string,
    mintId: string,
  ): Promise<TransferOutcome> {
    const limits = request.limits as NonNullable<TransferRequest['limits']>;
    const amount = Prisma.sql`CAST(${request.amount} AS INTEGER)`;
    const allowance = Prisma.sql`CAST(${limits.dailyAllowance} AS INTEGER)`;
    const used = Prisma.sql`(CASE WHEN "day" = ${limits.dayKey} THEN "allowanceUsed" ELSE 0 END)`;
    const sent = Prisma.sql`(CASE WHEN "day" = ${limits.dayKey} THEN "sentToday" ELSE 0 END)`;
    const fromAllowance = Prisma.sql`(CASE WHEN ${allowance} - ${used} <= 0 THEN 0 WHEN ${allowance} - ${used} < ${amount} THEN ${allowance} - ${used} ELSE ${amount} END)`;

    let sender: { balance: number; allowanceUsed: number; fromAllowance: number } | null = null;
    let toBalance: number | null = null;
    for (const id of [fromId, toId].sort()) {
      if (id === fromId) {
        const rows = await tx.$queryRaw<{ balance: number; allowanceUsed: number; lastFromAllowance: number }[]>`
          UPDATE "LedgerAccount" SET
            "lastFromAllowance" = ${fromAllowance},
            "balance" = "balance" - (${amount} - ${fromAllowance}),
            "allowanceUsed" = ${used} + ${fromAllowance},
            "sentToday" = ${sent} + ${amount},
            "day" = ${limits.dayKey}
          WHERE "id" = ${fromId}
            AND ${sent} + ${amount} <= CAST(${limits.dailySendCap} AS INTEGER)
            AND "balance" >= ${amount} - ${fromAllowance}
          RETURNING "balance", "allowanceUsed", "lastFromAllowance"`;
        const row = rows[0];
        if (!row) throw new Refused('INSUFFICIENT_FUNDS');
        sender = {
          balance: Number(row.balance),
          allowanceUsed: Number(row.allowanceUsed),
          fromAllowance: Number(row.lastFromAllowance),
        };
      } else {
        const rows = await tx.$queryRaw<{ balance: number }[]>`
          UPDATE "LedgerAccount" SET "balance" = "balance" + ${amount} WHERE "id" = ${toId} RETURNING "balance"`;
        toBalance = Number(rows[0]?.balance);
      }
    }
    const pair = await tx.$queryRaw<{ ok: number }[]>`
      INSERT INTO "LedgerTipPair" ("communityId", "fromMemberId", "toMemberId", "lastTipAt")
      VALUES (${request.communityId}, ${request.fromMemberId}, ${request.toMemberId}, ${request.at})
      ON CONFLICT ("communityId", "fromMemberId", "toMemberId")
      DO UPDATE SET "lastTipAt" = excluded."lastTipAt" WHERE "LedgerTipPair"."lastTipAt" <= ${limits.cooldownThreshold}
      RETURNING 1 AS ok`;
    if (pair.length === 0) throw new Refused('COOLDOWN');

    const s = sender as NonNullable<typeof sender>;
    const fromBalanceDebit = request.amount - s.fromAllowance;
    const legs: { accountId: string; amount: number }[] = [];
    if (fromBalanceDebit > 0) legs.push({ accountId: fromId, amount: -fromBalanceDebit });
    if (s.fromAllowance > 0) legs.push({ accountId: mintId, amount: -s.fromAllowance });
    legs.push({ accountId: toId, amount: request.amount });
    const row = await this.#createTransfer(tx, request, s.fromAllowance, legs);
    return {
      status: 'applied',
      transfer: toTransfer(row),
      fromBalance: s.balance,
      toBalance,
      senderAllowanceUsed: s.allowanceUsed,
    };
  }

  /**
   * A tip in one statement on PostgreSQL (one round trip, row locks held for microseconds, which is what keeps
   * throughput up when many tips touch the same members). The same steps as #applyTip, as data-modifying CTEs:
   *  - `locked` takes both account rows FOR UPDATE in id order and yields their latest versions;
   *  - `checks` derives the allowance split, the daily cap and the balance check from those rows;
   *  - `pair` upserts the cooldown row only if the checks pass, and only when the cooldown has elapsed;
   *  - the account updates, the transfer and its postings all hang on `pair` having produced a row.
   * A concurrent delivery of the same tip waits on the sender's lock and then fails the transfer's unique key,
   * which aborts the whole statement: it is answered as a duplicate by the caller.
   */
  async #tipPostgres(request: TransferRequest, fromId: string, toId: string, mintId: string): Promise<TransferOutcome> {
    const limits = request.limits as NonNullable<TransferRequest['limits']>;
    const transferId = randomUUID();
    const amount = Prisma.sql`${request.amount}::INTEGER`;
    const ringSince = request.ringSince ?? null;
    const rows = await this.db.$queryRaw<
      {
        status: string;
        from_allowance: number;
        sender_balance: number | null;
        sender_allowance_used: number | null;
        recipient_balance: number | null;
        legs: bigint | number;
        around: Array<{ f: string; t: string; a: number; c: string }> | null;
      }[]
    >`
      WITH
      locked AS MATERIALIZED (
        SELECT "id", "balance", "day", "allowanceUsed", "sentToday" FROM "LedgerAccount"
        WHERE "id" IN (${fromId}::TEXT, ${toId}::TEXT) ORDER BY "id" FOR UPDATE
      ),
      checks AS MATERIALIZED (
        SELECT s.*,
          EXISTS (
            SELECT 1 FROM "LedgerTransfer"
            WHERE "communityId" = ${request.communityId}::TEXT AND "idempotencyKey" = ${request.idempotencyKey}::TEXT
          ) AS dup,
          s.sent + ${amount} > ${limits.dailySendCap}::INTEGER AS over_cap,
          s."balance" < ${amount} - s.fa AS short
        FROM (
          SELECT u.*, LEAST(${amount}, GREATEST(0, ${limits.dailyAllowance}::INTEGER - u.used)) AS fa
          FROM (
            SELECT "balance",
              CASE WHEN "day" = ${limits.dayKey}::TEXT THEN "allowanceUsed" ELSE 0 END AS used,
              CASE WHEN "day" = ${limits.dayKey}::TEXT THEN "sentToday" ELSE 0 END AS sent
            FROM locked WHERE "id" = ${fromId}::TEXT
          ) u
        ) s
      ),
      pair AS (
        INSERT INTO "LedgerTipPair" ("communityId", "fromMemberId", "toMemberId", "lastTipAt")
        SELECT ${request.communityId}::TEXT, ${request.fromMemberId}::TEXT, ${request.toMemberId}::TEXT, ${request.at}::TIMESTAMP(3)
        FROM checks WHERE NOT dup AND NOT over_cap AND NOT short
        ON CONFLICT ("communityId", "fromMemberId", "toMemberId")
        DO UPDATE SET "lastTipAt" = EXCLUDED."lastTipAt"
        WHERE "LedgerTipPair"."lastTipAt" <= ${limits.cooldownThreshold}::TIMESTAMP(3)
        RETURNING 1 AS ok
      ),
      debit AS (
        UPDATE "LedgerAccount" a SET
          "balance" = a."balance" - (${amount} - c.fa),
          "day" = ${limits.dayKey}::TEXT,
          "allowanceUsed" = c.used + c.fa,
          "sentToday" = c.sent + ${amount},
          "lastFromAllowance" = c.fa
        FROM checks c
        WHERE a."id" = ${fromId}::TEXT AND EXISTS (SELECT 1 FROM pair)
        RETURNING a."balance", a."allowanceUsed"
      ),
      credit AS (
        UPDATE "LedgerAccount" SET "balance" = "balance" + ${amount}
        WHERE "id" = ${toId}::TEXT AND EXISTS (SELECT 1 FROM pair)
        RETURNING "balance"
      ),
      transfer AS (
        INSERT INTO "LedgerTransfer" ("id", "communityId", "idempotencyKey", "kind", "fromMemberId", "toMemberId",
          "amount", "fromAllowance", "reason", "actorId", "createdAt")
        SELECT ${transferId}::TEXT, ${request.communityId}::TEXT, ${request.idempotencyKey}::TEXT, 'tip',
          ${request.fromMemberId}::TEXT, ${request.toMemberId}::TEXT, ${amount}, c.fa, ${request.reason}::TEXT,
          ${request.actorId}::TEXT, ${request.at}::TIMESTAMP(3)
        FROM checks c WHERE EXISTS (SELECT 1 FROM pair)
        RETURNING "id"
      ),
      postings AS (
        INSERT INTO "LedgerPosting" ("id", "communityId", "transferId", "accountId", "amount")
        SELECT gen_random_uuid()::TEXT, ${request.communityId}::TEXT, t."id", leg.account, leg.amount
        FROM transfer t CROSS JOIN checks c
        CROSS JOIN LATERAL (VALUES
          (${fromId}::TEXT, -(${amount} - c.fa)),
          (${mintId}::TEXT, -c.fa),
          (${toId}::TEXT, ${amount})
        ) AS leg(account, amount)
        WHERE leg.amount <> 0
        RETURNING 1
      ),
      -- The ring check's candidates (tips sent by the recipient or received by the sender), read in this statement
      -- instead of a query of their own; only for an applied tip that asked for them.
      around AS (
        SELECT json_agg(json_build_object('f', r."fromMemberId", 't', r."toMemberId", 'a', r."amount", 'c', r."createdAt")
          ORDER BY r."createdAt" DESC) AS edges
        FROM (
          SELECT "fromMemberId", "toMemberId", "amount", "createdAt" FROM "LedgerTransfer"
          WHERE ${ringSince !== null}::BOOLEAN AND EXISTS (SELECT 1 FROM pair)
            AND "communityId" = ${request.communityId}::TEXT AND "kind" = 'tip'
            AND "createdAt" >= ${ringSince ?? request.at}::TIMESTAMP(3)
            AND ("fromMemberId" = ${request.toMemberId}::TEXT OR "toMemberId" = ${request.fromMemberId}::TEXT)
          ORDER BY "createdAt" DESC LIMIT ${RING_LOOKUP_LIMIT}::INTEGER
        ) r
      )
      SELECT
        CASE WHEN c.dup THEN 'duplicate' WHEN c.over_cap THEN 'DAILY_CAP' WHEN c.short THEN 'INSUFFICIENT_FUNDS'
             WHEN NOT EXISTS (SELECT 1 FROM pair) THEN 'COOLDOWN' ELSE 'applied' END AS status,
        c.fa AS from_allowance,
        (SELECT "balance" FROM debit) AS sender_balance,
        (SELECT "allowanceUsed" FROM debit) AS sender_allowance_used,
        (SELECT "balance" FROM credit) AS recipient_balance,
        (SELECT count(*) FROM postings) AS legs,
        (SELECT edges FROM around) AS around
      FROM checks c`;
    const row = rows[0];
    if (!row) throw new Error(`tip from an unknown account ${fromId}`);
    if (row.status === 'duplicate') {
      const existing = await this.#existing(request);
      if (existing) return { status: 'duplicate', transfer: existing };
    }
    if (row.status !== 'applied') throw new Refused(row.status as TransferRefusal);
    if (Number(row.legs) < 2) throw new Error('tip wrote no postings');
    return {
      status: 'applied',
      transfer: {
        id: transferId,
        communityId: request.communityId,
        idempotencyKey: request.idempotencyKey,
        kind: 'tip',
        fromMemberId: request.fromMemberId,
        toMemberId: request.toMemberId,
        amount: request.amount,
        fromAllowance: Number(row.from_allowance),
        reason: request.reason,
        actorId: request.actorId,
        createdAt: request.at,
      },
      fromBalance: Number(row.sender_balance),
      toBalance: Number(row.recipient_balance),
      senderAllowanceUsed: Number(row.sender_allowance_used),
      ...(ringSince
        ? {
            // json_build_object renders TIMESTAMP(3) without a zone; the column holds UTC.
            around: (row.around ?? []).map((e) => ({
              fromMemberId: e.f,
              toMemberId: e.t,
              amount: e.a,
              createdAt: new Date(`${e.c}Z`),
            })),
          }
        : {}),
    };
  }

  /** Moderator grant (mint → member) or revoke (member → mint, never below zero), with its audit entry. */
  async #applyAdjustment(
    tx: Tx,
    request: TransferRequest,
    fromId: string | null,
    toId: string | null,
    mintId: string,
  ): Promise<TransferOutcome> {
    const { amount } = request;
    let fromBalance: number | null = null;
    let toBalance: number | null = null;
    if (toId) {
      toBalance = (await tx.ledgerAccount.update({ where: { id: toId }, data: { balance: { increment: amount } } }))
        .balance;
    }
    if (fromId) {
      const rows = await tx.$queryRaw<{ balance: number }[]>`
        UPDATE "LedgerAccount" SET "balance" = "balance" - CAST(${amount} AS INTEGER)
        WHERE "id" = ${fromId} AND "balance" >= CAST(${amount} AS INTEGER)
        RETURNING "balance"`;
      if (!rows[0]) throw new Refused('INSUFFICIENT_FUNDS');
      fromBalance = Number(rows[0].balance);
    }
    const legs = [
      { accountId: fromId ?? mintId, amount: -amount },
      { accountId: toId ?? mintId, amount },
    ];
    const row = await this.#createTransfer(tx, request, 0, legs);
    await tx.ledgerAudit.create({
      data: {
        communityId: request.communityId,
        transferId: row.id,
        moderatorId: request.actorId,
        action: request.kind,
        memberId: (request.kind === 'grant' ? request.toMemberId : request.fromMemberId) as string,
        amount,
        reason: request.reason ?? '',
        createdAt: request.at,
      },
    });
    return { status: 'applied', transfer: toTransfer(row), fromBalance, toBalance, senderAllowanceUsed: null };
  }

  /** The transfer row and its postings in one call; its unique idempotency key rejects a second delivery. */
  #createTransfer(
    tx: Tx,
    request: TransferRequest,
    fromAllowance: number,
    legs: { accountId: string; amount: number }[],
  ): Promise<TransferRow> {
    return tx.ledgerTransfer.create({
      data: {
        id: randomUUID(),
        communityId: request.communityId,
        idempotencyKey: request.idempotencyKey,
        kind: request.kind,
        fromMemberId: request.fromMemberId,
        toMemberId: request.toMemberId,
        amount: request.amount,
        fromAllowance,
        reason: request.reason,
        actorId: request.actorId,
        createdAt: request.at,
        postings: {
          createMany: {
            data: legs.map((leg) => ({ id: randomUUID(), communityId: request.communityId, ...leg })),
          },
        },
      },
    });
  }

  /** Which limit a refused tip hit, read after the rollback (the refusal itself came from a WHERE clause). */
  async #refusalReason(request: TransferRequest, refused: Refused): Promise<TransferRefusal> {
    if (refused.reason !== 'INSUFFICIENT_FUNDS' || request.kind !== 'tip' || !request.limits || !request.fromMemberId) {
      return refused.reason;
    }
    const state = await this.account(request.communityId, request.fromMemberId, request.limits.dayKey);
    return state.sentToday + request.amount > request.limits.dailySendCap ? 'DAILY_CAP' : 'INSUFFICIENT_FUNDS';
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

  async policy(communityId: string): Promise<CommunityPolicy | null> {
    const row = await this.db.ledgerPolicySetting.findUnique({ where: { communityId } });
    if (!row) return null;
    const policy: CommunityPolicy = {};
    if (row.dailyAllowance !== null) policy.dailyAllowance = row.dailyAllowance;
    if (row.dailySendCap !== null) policy.dailySendCap = row.dailySendCap;
    if (row.pairCooldownMs !== null) policy.pairCooldownMs = row.pairCooldownMs;
    return policy;
  }

  async savePolicy(communityId: string, policy: CommunityPolicy, updatedBy: string, at: Date): Promise<void> {
    const data = {
      dailyAllowance: policy.dailyAllowance ?? null,
      dailySendCap: policy.dailySendCap ?? null,
      pairCooldownMs: policy.pairCooldownMs ?? null,
      updatedBy,
      updatedAt: at,
    };
    await this.db.ledgerPolicySetting.upsert({
      where: { communityId },
      create: { communityId, ...data },
      update: data,
    });
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
