import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import {
  type LedgerFlag,
  RING_LOOKUP_LIMIT,
  type TransferOutcome,
  type TransferRefusal,
  type TransferRequest,
} from '../../core/interactions/ledger-store.ts';
import type { Db } from './database.ts';
import { pgEventsParam, pgInsertEventsSql, pgTimestamp } from './event-rows.ts';
import { PrismaLedgerReads } from './ledger-reads.ts';
import {
  isDuplicateKey,
  isRetryable,
  MINT_KEY,
  memberKey,
  Refused,
  repeatOutcome,
  requestFingerprint,
  sleep,
  type TransferRow,
  toTransfer,
  validateTransfer,
} from './ledger-rows.ts';
import { isUniqueViolation } from './prisma-errors.ts';

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/**
 * The ledger on PostgreSQL, correct with several processes. A tip is one statement, sent as a named prepared
 * statement on the pool the Prisma client shares (parsed and planned once per connection, not on every tip), so it
 * costs one round trip and holds its row locks for microseconds. Moderator grants and revokes, which are rare, are an
 * interactive transaction through Prisma. Deadlocks and serialisation failures are retried with jitter.
 */
export class PostgresLedgerStore extends PrismaLedgerReads {
  /** Account ids by `${communityId}|${key}`: accounts are never deleted, so ensuring one is a one-time cost. */
  readonly #accounts = new Map<string, string>();

  constructor(
    db: Db,
    private readonly pool: pg.Pool,
    private readonly options: { maxAttempts?: number } = {},
  ) {
    super(db);
  }

  async transfer(request: TransferRequest): Promise<TransferOutcome> {
    validateTransfer(request);
    const fromId = request.fromMemberId
      ? await this.#account(request.communityId, memberKey(request.fromMemberId))
      : null;
    const toId = request.toMemberId ? await this.#account(request.communityId, memberKey(request.toMemberId)) : null;
    const mintId = await this.#account(request.communityId, MINT_KEY);
    const maxAttempts = this.options.maxAttempts ?? 12;
    for (let attempt = 1; ; attempt++) {
      try {
        if (request.kind === 'tip') return await this.#tip(request, fromId as string, toId as string, mintId);
        return await this.db.$transaction((tx) => this.#adjust(tx, request, fromId, toId, mintId), {
          maxWait: 30_000,
          timeout: 30_000,
        });
      } catch (error) {
        if (error instanceof Refused || isDuplicateKey(error)) {
          // A repeated delivery is answered as such, whatever limit it would now hit: the original may have
          // committed while this one waited for the row lock (a concurrent duplicate).
          const existing = await this.#existing(request);
          if (existing) return repeatOutcome(existing, request);
          if (error instanceof Refused) return { status: 'refused', reason: error.reason };
        }
        if (attempt < maxAttempts && (isRetryable(error) || isDuplicateKey(error))) {
          await sleep(Math.random() * 5 * attempt);
          continue;
        }
        throw error;
      }
    }
  }

  async #tip(request: TransferRequest, fromId: string, toId: string, mintId: string): Promise<TransferOutcome> {
    const limits = request.limits as NonNullable<TransferRequest['limits']>;
    const transferId = request.transferId ?? randomUUID();
    const ringSince = request.ringSince ?? null;
    const { rows } = await this.pool.query<TipRow>({
      name: TIP_STATEMENT_NAME,
      text: TIP_SQL,
      values: [
        fromId,
        toId,
        mintId,
        request.communityId,
        request.idempotencyKey,
        request.amount,
        limits.dayKey,
        limits.dailyAllowance,
        limits.dailySendCap,
        request.fromMemberId,
        request.toMemberId,
        pgTimestamp(request.at),
        pgTimestamp(limits.cooldownThreshold),
        transferId,
        request.reason,
        request.actorId,
        ringSince !== null,
        pgTimestamp(ringSince ?? request.at),
        requestFingerprint(request),
        pgEventsParam(request.events ?? []),
      ],
    });
    const row = rows[0];
    if (!row) throw new Error(`tip from an unknown account ${fromId}`);
    if (row.status === 'duplicate') {
      const existing = await this.#existing(request);
      if (existing) return repeatOutcome(existing, request);
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
            aroundLegs: (row.around ?? []).map(([fromMemberId, toMemberId, tips]) => ({
              fromMemberId,
              toMemberId,
              tips,
            })),
          }
        : {}),
    };
  }

  /** Flags ride the pool too (one round trip, no ORM work) when a busy ring raises them often. */
  override async addFlag(flag: Omit<LedgerFlag, 'id'> & { dedupKey: string }): Promise<boolean> {
    const { rowCount } = await this.pool.query({
      name: 'cohort_ledger_flag_v2',
      text: `INSERT INTO "LedgerFlag" ("id", "communityId", "kind", "memberIds", "transferId", "dedupKey", "createdAt",
        "details") VALUES ($1, $2, $3, $4, $5, $6, $7::TIMESTAMP(3), $8) ON CONFLICT ("communityId", "dedupKey") DO NOTHING`,
      values: [
        randomUUID(),
        flag.communityId,
        flag.kind,
        flag.memberIds.join(','),
        flag.transferId,
        flag.dedupKey,
        pgTimestamp(flag.createdAt),
        flag.details ? JSON.stringify(flag.details) : null,
      ],
    });
    return rowCount === 1;
  }

  /** Moderator grant (mint → member) or revoke (member → mint, never below zero), with its audit entry and events. */
  async #adjust(
    tx: Tx,
    request: TransferRequest,
    fromId: string | null,
    toId: string | null,
    mintId: string,
  ): Promise<TransferOutcome> {
    const existing = await this.#existing(request, tx);
    if (existing) return repeatOutcome(existing, request);
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
    const transfer = await tx.ledgerTransfer.create({
      data: {
        id: request.transferId ?? randomUUID(),
        communityId: request.communityId,
        idempotencyKey: request.idempotencyKey,
        kind: request.kind,
        fromMemberId: request.fromMemberId,
        toMemberId: request.toMemberId,
        amount,
        fromAllowance: 0,
        reason: request.reason,
        actorId: request.actorId,
        createdAt: request.at,
        requestHash: requestFingerprint(request),
        postings: {
          createMany: {
            data: [
              { communityId: request.communityId, accountId: fromId ?? mintId, amount: -amount },
              { communityId: request.communityId, accountId: toId ?? mintId, amount },
            ],
          },
        },
      },
    });
    await tx.ledgerAudit.create({
      data: {
        communityId: request.communityId,
        transferId: transfer.id,
        moderatorId: request.actorId,
        action: request.kind,
        memberId: (request.kind === 'grant' ? request.toMemberId : request.fromMemberId) as string,
        amount,
        reason: request.reason ?? '',
        createdAt: request.at,
      },
    });
    if (request.events?.length) await tx.$executeRawUnsafe(pgInsertEventsSql('$1'), pgEventsParam(request.events));
    return {
      status: 'applied',
      transfer: toTransfer(transfer),
      fromBalance,
      toBalance,
      senderAllowanceUsed: null,
    };
  }

  async #existing(request: TransferRequest, tx: Tx | Db = this.db): Promise<TransferRow | null> {
    return tx.ledgerTransfer.findUnique({
      where: {
        communityId_idempotencyKey: { communityId: request.communityId, idempotencyKey: request.idempotencyKey },
      },
    });
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
}

interface TipRow {
  status: string;
  from_allowance: number;
  sender_balance: number | null;
  sender_allowance_used: number | null;
  recipient_balance: number | null;
  legs: string | number;
  events: string | number;
  /** [from, to, tips] per leg. */
  around: Array<[string, string, number]> | null;
}

/** Changing TIP_SQL needs a new name: a connection keeps the statement it prepared under a name. */
export const TIP_STATEMENT_NAME = 'cohort_ledger_tip_v4';

/**
 * A tip in one statement. The steps, as data-modifying CTEs:
 *  - `locked` takes both account rows FOR UPDATE in id order (no deadlock between A→B and B→A) and yields their
 *    latest versions, so concurrent tips from one sender queue on the row lock and each sees the previous one's effect;
 *  - `checks` derives the allowance split, the daily cap and the balance check from those rows, and whether the
 *    key was used before;
 *  - `pair` upserts the cooldown row only if the checks pass, and only when the cooldown has elapsed;
 *  - the account updates, the transfer, its postings and its events (the outbox) all hang on `pair` having produced
 *    a row, so they commit together or not at all;
 *  - `around` reads the ring check's candidates (tips sent by the recipient or received by the sender, the latest
 *    RING_LOOKUP_LIMIT), only for an applied tip that asked for them, and counts them per leg: the check needs no
 *    more, and building and sending one JSON object per tip cost as much server time as the rest of the statement.
 * A concurrent delivery of the same key waits on the sender's lock and then fails the transfer's unique key, which
 * aborts the whole statement: the caller answers it as a repeat.
 * Parameters: $1 from account, $2 to account, $3 mint account, $4 community, $5 key, $6 amount, $7 day, $8 daily
 * allowance, $9 daily cap, $10 from member, $11 to member, $12 at, $13 cooldown threshold, $14 transfer id, $15 reason,
 * $16 actor, $17 read ring candidates?, $18 ring window start, $19 request fingerprint, $20 events (JSON).
 */
export const TIP_SQL = `
WITH
locked AS MATERIALIZED (
  SELECT "id", "balance", "day", "allowanceUsed", "sentToday" FROM "LedgerAccount"
  WHERE "id" IN ($1::TEXT, $2::TEXT) ORDER BY "id" FOR UPDATE
),
checks AS MATERIALIZED (
  SELECT s.*,
    EXISTS (
      SELECT 1 FROM "LedgerTransfer" WHERE "communityId" = $4::TEXT AND "idempotencyKey" = $5::TEXT
    ) AS dup,
    s.sent + $6::INTEGER > $9::INTEGER AS over_cap,
    s."balance" < $6::INTEGER - s.fa AS short
  FROM (
    SELECT u.*, LEAST($6::INTEGER, GREATEST(0, $8::INTEGER - u.used)) AS fa
    FROM (
      SELECT "balance",
        CASE WHEN "day" = $7::TEXT THEN "allowanceUsed" ELSE 0 END AS used,
        CASE WHEN "day" = $7::TEXT THEN "sentToday" ELSE 0 END AS sent
      FROM locked WHERE "id" = $1::TEXT
    ) u
  ) s
),
pair AS (
  INSERT INTO "LedgerTipPair" ("communityId", "fromMemberId", "toMemberId", "lastTipAt")
  SELECT $4::TEXT, $10::TEXT, $11::TEXT, $12::TIMESTAMP(3)
  FROM checks WHERE NOT dup AND NOT over_cap AND NOT short
  ON CONFLICT ("communityId", "fromMemberId", "toMemberId")
  DO UPDATE SET "lastTipAt" = EXCLUDED."lastTipAt"
  WHERE "LedgerTipPair"."lastTipAt" <= $13::TIMESTAMP(3)
  RETURNING 1 AS ok
),
debit AS (
  UPDATE "LedgerAccount" a SET
    "balance" = a."balance" - ($6::INTEGER - c.fa),
    "day" = $7::TEXT,
    "allowanceUsed" = c.used + c.fa,
    "sentToday" = c.sent + $6::INTEGER,
    "lastFromAllowance" = c.fa
  FROM checks c
  WHERE a."id" = $1::TEXT AND EXISTS (SELECT 1 FROM pair)
  RETURNING a."balance", a."allowanceUsed"
),
credit AS (
  UPDATE "LedgerAccount" SET "balance" = "balance" + $6::INTEGER
  WHERE "id" = $2::TEXT AND EXISTS (SELECT 1 FROM pair)
  RETURNING "balance"
),
transfer AS (
  INSERT INTO "LedgerTransfer" ("id", "communityId", "idempotencyKey", "kind", "fromMemberId", "toMemberId",
    "amount", "fromAllowance", "reason", "actorId", "createdAt", "requestHash")
  SELECT $14::TEXT, $4::TEXT, $5::TEXT, 'tip', $10::TEXT, $11::TEXT, $6::INTEGER, c.fa, $15::TEXT,
    $16::TEXT, $12::TIMESTAMP(3), $19::TEXT
  FROM checks c WHERE EXISTS (SELECT 1 FROM pair)
  RETURNING "id"
),
postings AS (
  INSERT INTO "LedgerPosting" ("communityId", "transferId", "accountId", "amount")
  SELECT $4::TEXT, t."id", leg.account, leg.amount
  FROM transfer t CROSS JOIN checks c
  CROSS JOIN LATERAL (VALUES
    ($1::TEXT, -($6::INTEGER - c.fa)),
    ($3::TEXT, -c.fa),
    ($2::TEXT, $6::INTEGER)
  ) AS leg(account, amount)
  WHERE leg.amount <> 0
  RETURNING 1
),
events AS (${pgInsertEventsSql('$20', 'EXISTS (SELECT 1 FROM transfer)')}),
around AS (
  SELECT json_agg(json_build_array(l."fromMemberId", l."toMemberId", l.tips)
    ORDER BY l.latest DESC, l."fromMemberId", l."toMemberId") AS edges
  FROM (
    SELECT r."fromMemberId", r."toMemberId", count(*)::INTEGER AS tips, max(r."createdAt") AS latest
    FROM (
      SELECT "fromMemberId", "toMemberId", "createdAt" FROM "LedgerTransfer"
      WHERE $17::BOOLEAN AND EXISTS (SELECT 1 FROM pair)
        AND "communityId" = $4::TEXT AND "kind" = 'tip'
        AND "createdAt" >= $18::TIMESTAMP(3)
        AND ("fromMemberId" = $11::TEXT OR "toMemberId" = $10::TEXT)
      ORDER BY "createdAt" DESC LIMIT ${RING_LOOKUP_LIMIT}
    ) r
    GROUP BY r."fromMemberId", r."toMemberId"
  ) l
)
SELECT
  CASE WHEN c.dup THEN 'duplicate' WHEN c.over_cap THEN 'DAILY_CAP' WHEN c.short THEN 'INSUFFICIENT_FUNDS'
       WHEN NOT EXISTS (SELECT 1 FROM pair) THEN 'COOLDOWN' ELSE 'applied' END AS status,
  c.fa AS from_allowance,
  (SELECT "balance" FROM debit) AS sender_balance,
  (SELECT "allowanceUsed" FROM debit) AS sender_allowance_used,
  (SELECT "balance" FROM credit) AS recipient_balance,
  (SELECT count(*) FROM postings) AS legs,
  (SELECT count(*) FROM events) AS events,
  (SELECT edges FROM around) AS around
FROM checks c`;
