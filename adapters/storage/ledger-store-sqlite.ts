import { randomUUID } from 'node:crypto';
import { timeOrderedId } from '../../core/domain/time-ordered-id.ts';
import {
  type LedgerFlag,
  RING_LOOKUP_LIMIT,
  type TipEdge,
  type TransferOutcome,
  type TransferRequest,
} from '../../core/interactions/ledger-store.ts';
import { countLegs } from '../../core/interactions/tip-flags.ts';
import type { Db } from './database.ts';
import { insertEventsSqlite, SQLITE_INSERT_EVENT } from './event-rows.ts';
import { PrismaLedgerReads } from './ledger-reads.ts';
import {
  isRetryable,
  MINT_KEY,
  memberKey,
  Refused,
  repeatOutcome,
  requestFingerprint,
  sleep,
  type TransferRow,
  tipLegs,
  validateTransfer,
} from './ledger-rows.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import { sqliteTimestamp } from './sqlite-driver-adapter.ts';

/**
 * The ledger on SQLite. A transfer is one synchronous transaction on the shared connection (sqlite-connection.ts):
 * prepared statements, no await between them, BEGIN IMMEDIATE so another process's writer queues on SQLite's lock.
 * Inside it: the repeat check, the limits read from the sender's row, the pair cooldown, both balances, the
 * transfer with its postings and its events, and the ring candidates, so a tip costs one trip to the connection.
 * SQLite has one writer at a time, so what is read in the transaction stays true until it commits.
 */

/** The statements of a transfer; exported for the bench's raw-driver reference, which runs exactly these. */
export const SQLITE_LEDGER_SQL = {
  existing: `SELECT * FROM "LedgerTransfer" WHERE "communityId" = ? AND "idempotencyKey" = ?`,
  accountId: `SELECT "id" FROM "LedgerAccount" WHERE "communityId" = ? AND "key" = ?`,
  createAccount: `INSERT INTO "LedgerAccount" ("id", "communityId", "key", "memberId", "createdAt")
    VALUES (?, ?, ?, ?, ?) ON CONFLICT ("communityId", "key") DO NOTHING`,
  sender: `SELECT "balance", "day", "allowanceUsed", "sentToday" FROM "LedgerAccount" WHERE "id" = ?`,
  pair: `INSERT INTO "LedgerTipPair" ("communityId", "fromMemberId", "toMemberId", "lastTipAt") VALUES (?, ?, ?, ?)
    ON CONFLICT ("communityId", "fromMemberId", "toMemberId")
    DO UPDATE SET "lastTipAt" = excluded."lastTipAt" WHERE "LedgerTipPair"."lastTipAt" <= ?
    RETURNING 1 AS ok`,
  debitTip: `UPDATE "LedgerAccount" SET "balance" = "balance" - ?, "day" = ?, "allowanceUsed" = ?, "sentToday" = ?,
    "lastFromAllowance" = ? WHERE "id" = ? RETURNING "balance"`,
  credit: `UPDATE "LedgerAccount" SET "balance" = "balance" + ? WHERE "id" = ? RETURNING "balance"`,
  debit: `UPDATE "LedgerAccount" SET "balance" = "balance" - ? WHERE "id" = ? AND "balance" >= ? RETURNING "balance"`,
  transfer: `INSERT INTO "LedgerTransfer" ("id", "communityId", "idempotencyKey", "kind", "fromMemberId", "toMemberId",
    "amount", "fromAllowance", "reason", "actorId", "createdAt", "requestHash") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  posting: `INSERT INTO "LedgerPosting" ("communityId", "transferId", "accountId", "amount") VALUES (?, ?, ?, ?)`,
  audit: `INSERT INTO "LedgerAudit" ("id", "communityId", "transferId", "moderatorId", "action", "memberId", "amount",
    "reason", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  flag: `INSERT INTO "LedgerFlag" ("id", "communityId", "kind", "memberIds", "transferId", "dedupKey", "details",
    "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("communityId", "dedupKey") DO NOTHING`,
  around: `SELECT "fromMemberId", "toMemberId", "amount", "createdAt" FROM "LedgerTransfer"
    WHERE "communityId" = ? AND "kind" = 'tip' AND "createdAt" >= ? AND ("fromMemberId" = ? OR "toMemberId" = ?)
    ORDER BY "createdAt" DESC LIMIT ${RING_LOOKUP_LIMIT}`,
};

const SQL = SQLITE_LEDGER_SQL;

interface StoredTransfer extends Omit<TransferRow, 'createdAt'> {
  createdAt: string;
}

export class SqliteLedgerStore extends PrismaLedgerReads {
  /** Account ids by `${communityId}|${key}`, remembered once committed (accounts are never deleted). */
  readonly #accounts = new Map<string, string>();

  constructor(
    db: Db,
    private readonly connection: SqliteConnection,
    private readonly options: { maxAttempts?: number } = {},
  ) {
    super(db);
  }

  async transfer(request: TransferRequest): Promise<TransferOutcome> {
    validateTransfer(request);
    const maxAttempts = this.options.maxAttempts ?? 12;
    for (let attempt = 1; ; attempt++) {
      const created = new Map<string, string>();
      try {
        const outcome = await this.connection.transaction(() => this.#apply(request, created));
        for (const [key, id] of created) this.#accounts.set(key, id);
        return outcome;
      } catch (error) {
        if (error instanceof Refused) return { status: 'refused', reason: error.reason };
        // Another process held SQLite's write lock past the busy timeout.
        if (attempt < maxAttempts && isRetryable(error)) {
          await sleep(Math.random() * 5 * attempt);
          continue;
        }
        throw error;
      }
    }
  }

  #apply(request: TransferRequest, created: Map<string, string>): TransferOutcome {
    const c = this.connection;
    const existing = c.statement(SQL.existing).get(request.communityId, request.idempotencyKey) as
      | StoredTransfer
      | undefined;
    if (existing) return repeatOutcome({ ...existing, createdAt: new Date(existing.createdAt) }, request);

    const account = (key: string) => this.#accountIn(request.communityId, key, created);
    const fromId = request.fromMemberId ? account(memberKey(request.fromMemberId)) : null;
    const toId = request.toMemberId ? account(memberKey(request.toMemberId)) : null;
    const mintId = account(MINT_KEY);
    const transferId = request.transferId ?? timeOrderedId();
    const at = sqliteTimestamp(request.at);

    let fromAllowance = 0;
    let fromBalance: number | null = null;
    let toBalance: number | null = null;
    let senderAllowanceUsed: number | null = null;
    let legs: { accountId: string; amount: number }[];
    if (request.kind === 'tip') {
      const limits = request.limits as NonNullable<TransferRequest['limits']>;
      const sender = c.statement(SQL.sender).get(fromId) as
        | { balance: number; day: string; allowanceUsed: number; sentToday: number }
        | undefined;
      if (!sender) throw new Error(`tip from an unknown account ${fromId}`);
      const today = sender.day === limits.dayKey;
      const used = today ? sender.allowanceUsed : 0;
      const sent = today ? sender.sentToday : 0;
      fromAllowance = Math.min(request.amount, Math.max(0, limits.dailyAllowance - used));
      if (sent + request.amount > limits.dailySendCap) throw new Refused('DAILY_CAP');
      if (sender.balance < request.amount - fromAllowance) throw new Refused('INSUFFICIENT_FUNDS');
      const pair = c
        .statement(SQL.pair)
        .get(
          request.communityId,
          request.fromMemberId,
          request.toMemberId,
          at,
          sqliteTimestamp(limits.cooldownThreshold),
        );
      if (!pair) throw new Refused('COOLDOWN');
      fromBalance = (
        c
          .statement(SQL.debitTip)
          .get(
            request.amount - fromAllowance,
            limits.dayKey,
            used + fromAllowance,
            sent + request.amount,
            fromAllowance,
            fromId,
          ) as {
          balance: number;
        }
      ).balance;
      senderAllowanceUsed = used + fromAllowance;
      toBalance = this.#credit(toId as string, request.amount);
      legs = tipLegs({ fromId: fromId as string, toId: toId as string, mintId }, request.amount, fromAllowance);
    } else {
      if (toId) toBalance = this.#credit(toId, request.amount);
      if (fromId) {
        const row = c.statement(SQL.debit).get(request.amount, fromId, request.amount) as
          | { balance: number }
          | undefined;
        if (!row) throw new Refused('INSUFFICIENT_FUNDS');
        fromBalance = row.balance;
      }
      legs = [
        { accountId: fromId ?? mintId, amount: -request.amount },
        { accountId: toId ?? mintId, amount: request.amount },
      ];
    }

    c.statement(SQL.transfer).run(
      transferId,
      request.communityId,
      request.idempotencyKey,
      request.kind,
      request.fromMemberId,
      request.toMemberId,
      request.amount,
      fromAllowance,
      request.reason,
      request.actorId,
      at,
      requestFingerprint(request),
    );
    const posting = c.statement(SQL.posting);
    for (const leg of legs) posting.run(request.communityId, transferId, leg.accountId, leg.amount);
    if (request.kind !== 'tip') {
      c.statement(SQL.audit).run(
        randomUUID(),
        request.communityId,
        transferId,
        request.actorId,
        request.kind,
        (request.kind === 'grant' ? request.toMemberId : request.fromMemberId) as string,
        request.amount,
        request.reason ?? '',
        at,
      );
    }
    insertEventsSqlite(c.statement(SQLITE_INSERT_EVENT), request.events ?? []);

    const transfer = {
      id: transferId,
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
    };
    return {
      status: 'applied',
      transfer,
      fromBalance,
      toBalance,
      senderAllowanceUsed,
      ...(request.kind === 'tip' && request.ringSince
        ? { aroundLegs: countLegs(this.#around(request, request.ringSince)) }
        : {}),
    };
  }

  /** Flags share the tips' group commit (a Prisma insert outside it would cost a commit, an fsync, of its own). */
  override addFlag(flag: Omit<LedgerFlag, 'id'> & { dedupKey: string }): Promise<boolean> {
    return this.connection.transaction(
      () =>
        this.connection
          .statement(SQL.flag)
          .run(
            randomUUID(),
            flag.communityId,
            flag.kind,
            flag.memberIds.join(','),
            flag.transferId,
            flag.dedupKey,
            flag.details ? JSON.stringify(flag.details) : null,
            sqliteTimestamp(flag.createdAt),
          ).changes === 1,
    );
  }

  #credit(accountId: string, amount: number): number {
    const row = this.connection.statement(SQL.credit).get(amount, accountId) as { balance: number } | undefined;
    if (!row) throw new Error(`credit to an unknown account ${accountId}`);
    return row.balance;
  }

  /** The ring check's candidates, read in the tip's transaction (the same rows `tipsAround` returns). */
  #around(request: TransferRequest, since: Date): TipEdge[] {
    const rows = this.connection
      .statement(SQL.around)
      .all(request.communityId, sqliteTimestamp(since), request.toMemberId, request.fromMemberId) as {
      fromMemberId: string;
      toMemberId: string;
      amount: number;
      createdAt: string;
    }[];
    return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt) }));
  }

  /** The account's id, created in this transaction when new (and cached by the caller only once committed). */
  #accountIn(communityId: string, key: string, created: Map<string, string>): string {
    const cacheKey = `${communityId}|${key}`;
    const known = this.#accounts.get(cacheKey) ?? created.get(cacheKey);
    if (known) return known;
    const c = this.connection;
    c.statement(SQL.createAccount).run(
      randomUUID(),
      communityId,
      key,
      key.startsWith('member:') ? key.slice('member:'.length) : null,
      sqliteTimestamp(new Date()),
    );
    const row = c.statement(SQL.accountId).get(communityId, key) as { id: string };
    created.set(cacheKey, row.id);
    return row.id;
  }
}
