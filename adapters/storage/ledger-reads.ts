import type { CommunityPolicy } from '../../core/interactions/ledger-policy.ts';
import type {
  AccountState,
  AuditEntry,
  FlagDetails,
  FlagKind,
  FlagOutcome,
  FlagResolution,
  LedgerFlag,
  LedgerIntegrityCounts,
  LedgerStore,
  TipEdge,
  Transfer,
  TransferOutcome,
  TransferRequest,
} from '../../core/interactions/ledger-store.ts';
import type { Db } from './database.ts';
import { type LedgerFlag as LedgerFlagRow, Prisma } from './generated/sqlite/client.ts';
import { MINT_KEY, memberKey, toTransfer } from './ledger-rows.ts';
import { isUniqueViolation } from './prisma-errors.ts';

/**
 * What the ledger stores of both providers share: reads, flags, policy and the integrity check, on Prisma (one query
 * shape for SQLite and PostgreSQL). Only `transfer`, the hot path, is written per provider.
 */
export abstract class PrismaLedgerReads implements LedgerStore {
  constructor(protected readonly db: Db) {}

  abstract transfer(request: TransferRequest): Promise<TransferOutcome>;

  async account(communityId: string, memberId: string, dayKey: string): Promise<AccountState> {
    const row = await this.db.ledgerAccount.findUnique({
      where: { communityId_key: { communityId, key: memberKey(memberId) } },
    });
    if (!row) return { balance: 0, allowanceUsed: 0, sentToday: 0 };
    const today = row.day === dayKey;
    return { balance: row.balance, allowanceUsed: today ? row.allowanceUsed : 0, sentToday: today ? row.sentToday : 0 };
  }

  async history(communityId: string, memberId: string, limit: number, offset = 0): Promise<Transfer[]> {
    const rows = await this.db.ledgerTransfer.findMany({
      where: { communityId, OR: [{ fromMemberId: memberId }, { toMemberId: memberId }] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      skip: offset,
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

  tipsBetween(communityId: string, from: string, to: string, since: Date): Promise<number> {
    return this.db.ledgerTransfer.count({
      where: { communityId, kind: 'tip', fromMemberId: from, toMemberId: to, createdAt: { gte: since } },
    });
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
          details: flag.details ? JSON.stringify(flag.details) : null,
          createdAt: flag.createdAt,
        },
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async flags(communityId: string, limit: number, offset = 0, filter: { open?: boolean } = {}): Promise<LedgerFlag[]> {
    const rows = await this.db.ledgerFlag.findMany({
      where: { communityId, ...(filter.open ? { resolvedAt: null } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      skip: offset,
    });
    return rows.map(toFlag);
  }

  async resolveFlag(
    communityId: string,
    id: string,
    resolution: FlagResolution,
  ): Promise<{ flag: LedgerFlag; changed: boolean } | null> {
    // Only an open flag takes a verdict: two moderators at once, or a button pressed twice, leave the first one.
    const { count } = await this.db.ledgerFlag.updateMany({
      where: { id, communityId, resolvedAt: null },
      data: { resolution: resolution.outcome, resolvedById: resolution.byMemberId, resolvedAt: resolution.at },
    });
    const row = await this.db.ledgerFlag.findFirst({ where: { id, communityId } });
    return row ? { flag: toFlag(row), changed: count === 1 } : null;
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
    if (row.ringMinTips !== null) policy.ringMinTips = row.ringMinTips;
    if (row.ringWindowDays !== null) policy.ringWindowMs = row.ringWindowDays * 86_400_000;
    return policy;
  }

  async savePolicy(communityId: string, policy: CommunityPolicy, updatedBy: string, at: Date): Promise<void> {
    const data = {
      dailyAllowance: policy.dailyAllowance ?? null,
      dailySendCap: policy.dailySendCap ?? null,
      pairCooldownMs: policy.pairCooldownMs ?? null,
      ringMinTips: policy.ringMinTips ?? null,
      // Whole days: a window in milliseconds would overflow PostgreSQL's INTEGER past 24 days.
      ringWindowDays: policy.ringWindowMs !== undefined ? Math.round(policy.ringWindowMs / 86_400_000) : null,
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
    // Postings are read through the community's accounts: LedgerPosting keeps no index on its communityId (it is
    // written on every tip), and a posting belongs to its account's community.
    const [transfers, perAccount] = await Promise.all([
      this.db.ledgerTransfer.count({ where: { communityId } }),
      this.db.$queryRaw<{ key: string; balance: number; posted: number | bigint | null }[]>`
        SELECT a."key", a."balance",
          (SELECT sum(p."amount") FROM "LedgerPosting" p WHERE p."accountId" = a."id") AS posted
        FROM "LedgerAccount" a WHERE a."communityId" = ${communityId}`,
    ]);
    let postingsSum = 0;
    let mismatchedAccounts = 0;
    for (const a of perAccount) {
      const posted = Number(a.posted ?? 0);
      postingsSum += posted;
      if (a.key === MINT_KEY) continue;
      if (posted !== Number(a.balance) || Number(a.balance) < 0) mismatchedAccounts++;
    }
    return { postingsSum, transfers, mismatchedAccounts };
  }

  /**
   * Every invariant of the ledger, counted in SQL (aggregates over the community's rows, whatever their number).
   * The event checks read the dedup keys the ledger writes: `tip:<transfer id>` and `points:<transfer id>`; a
   * transfer whose actor's data was erased has no event any more, by design.
   */
  async integrity(communityId: string): Promise<LedgerIntegrityCounts> {
    const [trial, unbalanced, negative, missingEvents, orphanEvents, missingAudit] = await Promise.all([
      this.trialBalance(communityId),
      this.#count(Prisma.sql`SELECT count(*) AS n FROM "LedgerTransfer" t
         WHERE t."communityId" = ${communityId}
           AND COALESCE((SELECT sum(p."amount") FROM "LedgerPosting" p WHERE p."transferId" = t."id"), 1) <> 0`),
      this.#count(
        Prisma.sql`SELECT count(*) AS n FROM "LedgerAccount" WHERE "communityId" = ${communityId} AND "key" <> 'mint' AND "balance" < 0`,
      ),
      this.#count(Prisma.sql`SELECT count(*) AS n FROM "LedgerTransfer" t
         WHERE t."communityId" = ${communityId} AND t."erasedAt" IS NULL AND NOT EXISTS (
           SELECT 1 FROM "InteractionEvent" e
           WHERE e."dedupKey" = (CASE WHEN t."kind" = 'tip' THEN 'tip:' ELSE 'points:' END) || t."id")`),
      this.#count(Prisma.sql`SELECT count(*) AS n FROM "InteractionEvent" e
         WHERE e."communityId" = ${communityId} AND e."verb" IN ('tip.sent', 'points.granted', 'points.revoked')
           AND NOT EXISTS (SELECT 1 FROM "LedgerTransfer" t WHERE t."id" = e."objectId")`),
      this.#count(Prisma.sql`SELECT count(*) AS n FROM "LedgerTransfer" t
         WHERE t."communityId" = ${communityId} AND t."kind" <> 'tip'
           AND NOT EXISTS (SELECT 1 FROM "LedgerAudit" a WHERE a."transferId" = t."id")`),
    ]);
    return {
      transfers: trial.transfers,
      postingsSum: trial.postingsSum,
      mismatchedAccounts: trial.mismatchedAccounts,
      unbalancedTransfers: unbalanced,
      negativeAccounts: negative,
      transfersWithoutEvent: missingEvents,
      eventsWithoutTransfer: orphanEvents,
      adjustmentsWithoutAudit: missingAudit,
    };
  }

  async #count(sql: Prisma.Sql): Promise<number> {
    const rows = await this.db.$queryRaw<{ n: number | bigint }[]>(sql);
    return Number(rows[0]?.n ?? 0);
  }
}

/** A stored flag's details; a row written by hand into something else reads as none rather than failing the list. */
function parseFlagDetails(raw: string | null): FlagDetails | null {
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' ? (value as FlagDetails) : null;
  } catch {
    return null;
  }
}

function toFlag(r: LedgerFlagRow): LedgerFlag {
  return {
    id: r.id,
    communityId: r.communityId,
    kind: r.kind as FlagKind,
    memberIds: r.memberIds.split(',').filter(Boolean),
    transferId: r.transferId,
    createdAt: r.createdAt,
    details: parseFlagDetails(r.details),
    resolution:
      r.resolution && r.resolvedById && r.resolvedAt
        ? { outcome: r.resolution as FlagOutcome, byMemberId: r.resolvedById, at: r.resolvedAt }
        : null,
  };
}
