import type { EffectEvents } from '../ports/stores.ts';
import type { CommunityPolicy } from './ledger-policy.ts';

/**
 * Storage port of the points ledger. Double-entry: every transfer writes postings that sum to zero over the
 * community's accounts (member accounts plus one `mint` account that issues allowances and grants).
 * adapters/storage/ledger-store-{sqlite,postgres}.ts implement it; every method is atomic, `transfer` also
 * idempotent (a key seen before with the same parameters is a duplicate, with others a conflict), and a transfer
 * commits together with the events that record it.
 */

export type TransferKind = 'tip' | 'grant' | 'revoke';

export interface Transfer {
  id: string;
  communityId: string;
  idempotencyKey: string;
  kind: TransferKind;
  /** null: the mint (grants, and the allowance part of a tip). */
  fromMemberId: string | null;
  /** null: the mint (revokes). */
  toMemberId: string | null;
  amount: number;
  /** Of a tip's amount, how much came from the sender's daily allowance (the rest from their balance). */
  fromAllowance: number;
  reason: string | null;
  /** Who asked for it: the tipper, or the moderator for grants and revokes. */
  actorId: string;
  createdAt: Date;
}

/** Limits a tip is checked against inside the store's transaction, so concurrent tips cannot overshoot them. */
export interface TipLimits {
  /** Community-local day of the tip, `YYYY-MM-DD`: allowance and send counters reset when it changes. */
  dayKey: string;
  dailyAllowance: number;
  dailySendCap: number;
  /** The previous tip between the same pair must be at or before this instant. */
  cooldownThreshold: Date;
}

export interface TransferRequest {
  communityId: string;
  idempotencyKey: string;
  kind: TransferKind;
  fromMemberId: string | null;
  toMemberId: string | null;
  amount: number;
  reason: string | null;
  actorId: string;
  at: Date;
  /** Required for tips. */
  limits?: TipLimits;
  /**
   * Tips: also return the tips since this instant that could close a ring with this one (the ones `tipsAround` would
   * read, at most `RING_LOOKUP_LIMIT`), counted per leg. A store that can read them in the same statement saves the
   * ring check a round trip; counts are all the check needs of them, and far cheaper to send than the tips.
   */
  ringSince?: Date;
  /** The id the transfer gets when applied, chosen by the caller so that its events can name it (default: random). */
  transferId?: string;
  /**
   * The events that record the transfer (`tip.sent`, `points.granted`…), written in the transfer's own transaction:
   * both commit or neither. Nothing is written for a repeat of a key already used.
   */
  events?: EffectEvents;
}

export const RING_LOOKUP_LIMIT = 500;

export type TransferRefusal = 'INSUFFICIENT_FUNDS' | 'DAILY_CAP' | 'COOLDOWN';

export type TransferOutcome =
  | {
      status: 'applied';
      transfer: Transfer;
      fromBalance: number | null;
      toBalance: number | null;
      /** Tips: the sender's allowance used today, after this tip. */
      senderAllowanceUsed: number | null;
      /**
       * Tips with `ringSince`, when the store read them with the transfer: those tips counted per leg (from → to),
       * legs in the order of their latest tip, newest first. Otherwise the caller asks `tipsAround`.
       */
      aroundLegs?: TipLegCount[];
    }
  | { status: 'duplicate'; transfer: Transfer }
  /** The key was used before for a different request (other members, amount or reason): nothing moved. */
  | { status: 'conflict'; transfer: Transfer }
  | { status: 'refused'; reason: TransferRefusal };

export interface AccountState {
  balance: number;
  /** Allowance already used on `dayKey` (0 when the stored day is an older one). */
  allowanceUsed: number;
  sentToday: number;
}

export type FlagKind = 'tip_ring' | 'new_accounts';

/** Why a flag was raised, shown to moderators beside it. Flags raised before this existed have none. */
export interface FlagDetails {
  /** Rings: each leg of the cycle and its tips within the window, the closing leg first. */
  legs?: Array<{ fromMemberId: string; toMemberId: string; tips: number }>;
  /** Rings: the community's thresholds when it was raised. */
  minTips?: number;
  windowDays?: number;
  /** New accounts: both had joined less than this many days before. */
  newAccountDays?: number;
}

export interface LedgerFlag {
  id: string;
  communityId: string;
  kind: FlagKind;
  /** Members involved, sorted. */
  memberIds: string[];
  transferId: string;
  createdAt: Date;
  details?: FlagDetails | null;
  /** A moderator's verdict, once given (`/points flag <id> ok|abuse`); open flags have none. */
  resolution?: FlagResolution | null;
}

export type FlagOutcome = 'ok' | 'abuse';

export interface FlagResolution {
  outcome: FlagOutcome;
  byMemberId: string;
  at: Date;
}

/** Tips from one member to another among a set of tips. */
export interface TipLegCount {
  fromMemberId: string;
  toMemberId: string;
  tips: number;
}

export interface TipEdge {
  fromMemberId: string;
  toMemberId: string;
  amount: number;
  createdAt: Date;
}

export interface AuditEntry {
  id: string;
  communityId: string;
  transferId: string;
  moderatorId: string;
  action: 'grant' | 'revoke';
  memberId: string;
  amount: number;
  reason: string;
  createdAt: Date;
}

/** The ledger's invariants, counted over one community. Every count but `transfers` must be 0. */
export interface LedgerIntegrityCounts {
  transfers: number;
  /** Sum of all postings (double entry: 0). */
  postingsSum: number;
  /** Transfers whose postings do not sum to zero, or that have none. */
  unbalancedTransfers: number;
  /** Member accounts whose cached balance differs from the sum of their postings, or is negative. */
  mismatchedAccounts: number;
  negativeAccounts: number;
  /** Transfers missing the event that records them (`tip.sent`, `points.granted`, `points.revoked`). */
  transfersWithoutEvent: number;
  /** Ledger events naming a transfer that does not exist. */
  eventsWithoutTransfer: number;
  /** Grants and revokes without their audit entry. */
  adjustmentsWithoutAudit: number;
}

export interface LedgerStore {
  transfer(request: TransferRequest): Promise<TransferOutcome>;
  account(communityId: string, memberId: string, dayKey: string): Promise<AccountState>;
  /** Newest first; transfers where the member sent or received. */
  history(communityId: string, memberId: string, limit: number, offset?: number): Promise<Transfer[]>;
  /**
   * Tips since `since` that could close a ring with a new tip from → to: those sent by `to` or received by `from`.
   * At most `limit`, newest first.
   */
  tipsAround(communityId: string, from: string, to: string, since: Date, limit: number): Promise<TipEdge[]>;
  /** How many tips went from → to since `since` (the ring check's closing leg; read only for a ring candidate). */
  tipsBetween(communityId: string, from: string, to: string, since: Date): Promise<number>;
  /** Returns false when the same flag (kind + members + local day) was raised already. */
  addFlag(flag: Omit<LedgerFlag, 'id'> & { dedupKey: string }): Promise<boolean>;
  /** Newest first, after skipping `offset`; only those without a verdict when `open`. */
  flags(communityId: string, limit: number, offset?: number, filter?: { open?: boolean }): Promise<LedgerFlag[]>;
  /**
   * Records a moderator's verdict on a flag, once: a flag already resolved keeps its first verdict and comes back
   * with `changed: false`. Null when the community has no such flag.
   */
  resolveFlag(
    communityId: string,
    id: string,
    resolution: FlagResolution,
  ): Promise<{ flag: LedgerFlag; changed: boolean } | null>;
  audit(communityId: string, limit: number): Promise<AuditEntry[]>;
  /**
   * Consistency check: the sum of all postings (must be 0), the number of transfers, and how many member accounts'
   * cached balance differs from the sum of their postings (must be 0).
   */
  trialBalance(communityId: string): Promise<{ postingsSum: number; transfers: number; mismatchedAccounts: number }>;
  /** Every invariant at once (the hourly check). */
  integrity(communityId: string): Promise<LedgerIntegrityCounts>;
  /** The community's tipping policy overrides (/points policy), or null when it runs on the defaults. */
  policy(communityId: string): Promise<CommunityPolicy | null>;
  /** Replaces the overrides (a field left out goes back to the default). */
  savePolicy(communityId: string, policy: CommunityPolicy, updatedBy: string, at: Date): Promise<void>;
}
