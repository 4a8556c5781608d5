import { createHash } from 'node:crypto';
import type {
  Transfer,
  TransferKind,
  TransferOutcome,
  TransferRefusal,
  TransferRequest,
} from '../../core/interactions/ledger-store.ts';
import { isUniqueViolation } from './prisma-errors.ts';

/** What both providers' ledger stores share: row mapping, request checks, the idempotency fingerprint, errors. */

export const MINT_KEY = 'mint';
export const memberKey = (memberId: string) => `member:${memberId}`;

/** A limit a transfer hit; thrown inside a transaction to roll it back, answered as a refusal. */
export class Refused extends Error {
  constructor(readonly reason: TransferRefusal) {
    super(reason);
  }
}

export interface TransferRow {
  id: string;
  communityId: string;
  idempotencyKey: string;
  kind: string;
  fromMemberId: string | null;
  toMemberId: string | null;
  amount: number;
  fromAllowance: number;
  reason: string | null;
  actorId: string;
  createdAt: Date;
  requestHash: string | null;
}

export const toTransfer = (row: TransferRow): Transfer => ({
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

/**
 * The parameters an idempotency key stands for: what was asked (kind, who, to whom, how much, why), not when or
 * under which limits. A key seen before with another fingerprint is a conflict, never a silent replay.
 */
export function requestFingerprint(request: TransferRequest): string {
  const asked = [request.kind, request.fromMemberId, request.toMemberId, request.amount, request.reason];
  return createHash('sha256').update(JSON.stringify(asked)).digest('hex').slice(0, 32);
}

/**
 * How a request whose key exists is answered: a replay of the same request gets the original transfer, a
 * different one a conflict. A null fingerprint (a transfer from before fingerprints, or one whose reason was erased
 * for privacy) cannot be compared and is answered as a replay.
 */
export function repeatOutcome(existing: TransferRow, request: TransferRequest): TransferOutcome {
  const transfer = toTransfer(existing);
  if (existing.requestHash !== null && existing.requestHash !== requestFingerprint(request)) {
    return { status: 'conflict', transfer };
  }
  return { status: 'duplicate', transfer };
}

export function validateTransfer(request: TransferRequest): void {
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

/** Contention a retry resolves: PostgreSQL deadlocks and serialisation failures, SQLite's busy lock. */
export function isRetryable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; meta?: unknown };
  if (e?.code === 'P2034' || e?.code === '40001' || e?.code === '40P01' || e?.code === 'SQLITE_BUSY') return true;
  const text = `${String(e?.message ?? '')} ${JSON.stringify(e?.meta ?? '')}`;
  return /deadlock|could not serialize|40P01|40001|write conflict|SQLITE_BUSY|database is locked/i.test(text);
}

/** A unique violation, as Prisma reports it (P2002, or a database error from raw SQL) or as the drivers do. */
export function isDuplicateKey(error: unknown): boolean {
  if (isUniqueViolation(error)) return true;
  const e = error as { code?: unknown; message?: unknown; meta?: unknown };
  if (e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return true;
  }
  return /23505|unique constraint|UNIQUE constraint failed/i.test(
    `${String(e?.message ?? '')} ${JSON.stringify(e?.meta ?? '')}`,
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Postings of a tip: the balance part from the sender, the allowance part from the mint, all to the recipient. */
export function tipLegs(
  ids: { fromId: string; toId: string; mintId: string },
  amount: number,
  fromAllowance: number,
): { accountId: string; amount: number }[] {
  const legs: { accountId: string; amount: number }[] = [];
  if (amount - fromAllowance > 0) legs.push({ accountId: ids.fromId, amount: -(amount - fromAllowance) });
  if (fromAllowance > 0) legs.push({ accountId: ids.mintId, amount: -fromAllowance });
  legs.push({ accountId: ids.toId, amount });
  return legs;
}
