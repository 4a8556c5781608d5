import { randomUUID } from 'node:crypto';
import { timeOrderedId } from '../domain/time-ordered-id.ts';
import type { Community, Member, NewInteractionEvent, Platform } from '../domain/types.ts';
import { idempotencyKeyReused, UserError } from '../errors.ts';
import type { Logger } from '../ports/logger.ts';
import { parsePointAmount } from './amount.ts';
import { dayKey, nextLocalMidnight, safeTimeZone } from './community-day.ts';
import {
  COMMUNITY_POLICY_KEYS,
  type CommunityPolicy,
  effectivePolicy,
  type LedgerPolicy,
  ledgerPolicy,
} from './ledger-policy.ts';
import {
  type AuditEntry,
  type FlagOutcome,
  type LedgerFlag,
  type LedgerStore,
  RING_LOOKUP_LIMIT,
  type TipLegCount,
  type Transfer,
  type TransferOutcome,
} from './ledger-store.ts';
import { confirmRings, countLegs, newAccountFlag, ringCandidatesOfLegs } from './tip-flags.ts';

/**
 * Tipping and moderator adjustments. Validation that needs no database happens here (amount, self, bots,
 * reason); limits that concurrent tips could race on (balance, allowance, daily cap, cooldown) are checked by the
 * store inside one transaction with conditional updates. The events that record a transfer (`tip.sent` for the
 * graph, profiles and leaderboards; `points.granted` / `points.revoked`) are handed to the store and commit with it.
 */

export interface TipInput {
  community: Community;
  sender: Member;
  /** null when the mentioned member is unknown to the community. */
  recipient: Member | null;
  amount: string | number | undefined;
  reason?: string | null;
  /** The platform interaction id; a retried delivery with the same key transfers nothing new. */
  idempotencyKey: string | null;
  now: Date;
  platform: Platform;
}

export interface TipReceipt {
  transfer: Transfer;
  duplicate: boolean;
  /** The recipient's balance after the tip (null on a duplicate). */
  recipientBalance: number | null;
  allowanceLeft: number;
  /** The community's daily allowance the tip was made under. */
  allowanceTotal: number;
  flagged: boolean;
}

export interface AdjustInput {
  community: Community;
  moderator: Member;
  member: Member | null;
  action: 'grant' | 'revoke';
  amount: string | number | undefined;
  reason: string | null | undefined;
  idempotencyKey: string | null;
  now: Date;
  /** Where the moderator asked (the event records it); the console when unknown. */
  platform?: Platform;
}

export interface BalanceView {
  balance: number;
  allowanceLeft: number;
  allowanceTotal: number;
  sentToday: number;
  sendCap: number;
  /** When today's allowance resets: the next midnight in the community's zone. */
  resetsAt: Date;
  timeZone: string;
}

export const LEDGER_ERRORS = {
  unknownMember: 'TIP_UNKNOWN_MEMBER',
  toBot: 'TIP_TO_BOT',
  fromBot: 'TIP_FROM_BOT',
  self: 'TIP_SELF',
  insufficient: 'TIP_INSUFFICIENT_FUNDS',
  dailyCap: 'TIP_DAILY_CAP',
  cooldown: 'TIP_COOLDOWN',
  reasonRequired: 'POINTS_REASON_REQUIRED',
  policyInvalid: 'POINTS_POLICY_INVALID',
  revokeInsufficient: 'POINTS_REVOKE_INSUFFICIENT',
  selfGrant: 'POINTS_SELF_GRANT',
} as const;

export interface LedgerServiceDeps {
  store: LedgerStore;
  log: Logger;
  policy?: Partial<LedgerPolicy>;
}

/** How long a community's policy is reused before it is read again. */
export const POLICY_CACHE_MS = 30_000;

export class LedgerService {
  /** The configured defaults; each community may override part of it (`policyFor`, `setPolicy`). */
  readonly policy: LedgerPolicy;
  readonly #store: LedgerStore;
  readonly #log: Logger;
  /** Flags already raised (their dedup keys): a busy ring would otherwise re-insert the same flag on every tip. */
  readonly #raised = new Set<string>();
  /**
   * Communities' effective policies, kept for a short while so a tip costs no extra read. A change made in this
   * process applies at once; one made in another process within POLICY_CACHE_MS.
   */
  readonly #policies = new Map<string, { policy: LedgerPolicy; until: number }>();

  constructor(deps: LedgerServiceDeps) {
    this.policy = ledgerPolicy(deps.policy);
    this.#store = deps.store;
    this.#log = deps.log.child({ ns: 'core:ledger' });
  }

  get store(): LedgerStore {
    return this.#store;
  }

  /** The policy this community's tips run under: its stored overrides over the configured defaults. */
  async policyFor(community: Community, now: Date): Promise<LedgerPolicy> {
    const cached = this.#policies.get(community.id);
    if (cached && cached.until > now.getTime()) return cached.policy;
    const overrides = await this.#store.policy(community.id);
    let policy: LedgerPolicy;
    try {
      policy = effectivePolicy(this.policy, overrides);
    } catch (err) {
      // A row edited by hand into nonsense must not stop tipping: fall back to the defaults, loudly.
      this.#log.error({ err, community: community.id }, 'stored ledger policy is invalid; using defaults');
      policy = this.policy;
    }
    this.#policies.set(community.id, { policy, until: now.getTime() + POLICY_CACHE_MS });
    return policy;
  }

  /** The stored overrides alone (what admins changed), for showing the policy. */
  overrides(community: Community): Promise<CommunityPolicy | null> {
    return this.#store.policy(community.id);
  }

  /**
   * Admins change part of the policy; fields not given keep their current value, `null` puts one back to the
   * default. Refused when the result is inconsistent (an allowance above the daily cap could never be spent).
   */
  async setPolicy(
    community: Community,
    admin: Member,
    change: { [K in keyof CommunityPolicy]?: CommunityPolicy[K] | null },
    now: Date,
  ): Promise<LedgerPolicy> {
    const next: CommunityPolicy = { ...(await this.#store.policy(community.id)) };
    for (const key of COMMUNITY_POLICY_KEYS) {
      const value = change[key];
      if (value === null) delete next[key];
      else if (value !== undefined) next[key] = value;
    }
    // The ring window is kept in whole days (what the store holds): `36h` becomes 2 days now, not after a restart.
    if (next.ringWindowMs !== undefined) {
      next.ringWindowMs = Math.max(1, Math.round(next.ringWindowMs / 86_400_000)) * 86_400_000;
    }
    let policy: LedgerPolicy;
    try {
      policy = effectivePolicy(this.policy, next);
    } catch {
      throw new UserError(LEDGER_ERRORS.policyInvalid, 'interactions:points.policyInvalid');
    }
    if (policy.dailyAllowance > policy.dailySendCap) {
      throw new UserError(LEDGER_ERRORS.policyInvalid, 'interactions:points.policyAllowanceOverCap', {
        allowance: policy.dailyAllowance,
        cap: policy.dailySendCap,
      });
    }
    await this.#store.savePolicy(community.id, next, admin.id, now);
    this.#policies.set(community.id, { policy, until: now.getTime() + POLICY_CACHE_MS });
    this.#log.info({ community: community.id, by: admin.id, policy: next }, 'ledger policy changed');
    return policy;
  }

  async tip(input: TipInput): Promise<TipReceipt> {
    const { sender, recipient, community, now } = input;
    if (!recipient) throw new UserError(LEDGER_ERRORS.unknownMember, 'interactions:tip.unknownMember');
    if (sender.isBot) throw new UserError(LEDGER_ERRORS.fromBot, 'interactions:tip.fromBot');
    if (recipient.isBot) {
      throw new UserError(LEDGER_ERRORS.toBot, 'interactions:tip.toBot', { member: recipient.displayName });
    }
    if (recipient.id === sender.id) throw new UserError(LEDGER_ERRORS.self, 'interactions:tip.self');
    // The largest tip is not per community: bad input is refused before any read.
    const amount = parsePointAmount(input.amount, this.policy.maxPerTransfer);
    const reason = this.#reason(input.reason);
    const policy = await this.policyFor(community, now);
    const timeZone = safeTimeZone(community.timezone);
    const today = dayKey(now, timeZone);
    // Time-ordered: the transfer, its postings and its event go to the end of their indexes (time-ordered-id.ts).
    const transferId = timeOrderedId();
    const outcome = await this.#store.transfer({
      transferId,
      communityId: community.id,
      idempotencyKey: input.idempotencyKey ?? `tip:${randomUUID()}`,
      kind: 'tip',
      fromMemberId: sender.id,
      toMemberId: recipient.id,
      amount,
      reason,
      actorId: sender.id,
      at: now,
      limits: {
        dayKey: today,
        dailyAllowance: policy.dailyAllowance,
        dailySendCap: policy.dailySendCap,
        cooldownThreshold: new Date(now.getTime() - policy.pairCooldownMs),
      },
      ringSince: new Date(now.getTime() - policy.ringWindowMs),
      events: [
        transferEvent('tip.sent', transferId, {
          communityId: community.id,
          actorId: sender.id,
          targetMemberId: recipient.id,
          platform: input.platform,
          at: now,
          amount,
        }),
      ],
    });
    if (outcome.status === 'refused')
      throw await this.#refusal(policy, outcome.reason, amount, sender, recipient, now, timeZone);
    if (outcome.status === 'conflict') throw this.#conflict(outcome.transfer, input.idempotencyKey);
    const transfer = outcome.transfer;
    // A fresh tip reports the sender's allowance itself; only a duplicate needs to read it.
    const allowanceUsed =
      outcome.status === 'applied' && outcome.senderAllowanceUsed !== null
        ? outcome.senderAllowanceUsed
        : (await this.#store.account(community.id, sender.id, today)).allowanceUsed;
    const flagged =
      outcome.status === 'applied'
        ? await this.#flag(policy, sender, recipient, transfer, now, timeZone, outcome.aroundLegs)
        : false;
    if (outcome.status === 'applied') {
      this.#log.info({ transferId: transfer.id, amount, from: sender.id, to: recipient.id }, 'tip applied');
    }
    return {
      transfer,
      duplicate: outcome.status === 'duplicate',
      recipientBalance: outcome.status === 'applied' ? outcome.toBalance : null,
      allowanceLeft: Math.max(0, policy.dailyAllowance - allowanceUsed),
      allowanceTotal: policy.dailyAllowance,
      flagged,
    };
  }

  /** Moderator grant or revoke: a reason is mandatory and an audit entry is written in the same transaction. */
  async adjust(input: AdjustInput): Promise<{ transfer: Transfer; duplicate: boolean; balance: number | null }> {
    if (!input.member) throw new UserError(LEDGER_ERRORS.unknownMember, 'interactions:tip.unknownMember');
    if (input.member.isBot) {
      throw new UserError(LEDGER_ERRORS.toBot, 'interactions:tip.toBot', { member: input.member.displayName });
    }
    // Staff hand out points to others; granting to oneself is minting, whatever the reason (HeyTaco, Bonusly alike).
    if (input.action === 'grant' && input.member.id === input.moderator.id) {
      throw new UserError(LEDGER_ERRORS.selfGrant, 'interactions:points.selfGrant');
    }
    const amount = parsePointAmount(input.amount, this.policy.maxGrant);
    const reason = this.#reason(input.reason);
    if (!reason) throw new UserError(LEDGER_ERRORS.reasonRequired, 'interactions:points.reasonRequired');
    const grant = input.action === 'grant';
    const transferId = timeOrderedId();
    const outcome: TransferOutcome = await this.#store.transfer({
      transferId,
      communityId: input.community.id,
      idempotencyKey: input.idempotencyKey ?? `${input.action}:${randomUUID()}`,
      kind: input.action,
      fromMemberId: grant ? null : input.member.id,
      toMemberId: grant ? input.member.id : null,
      amount,
      reason,
      actorId: input.moderator.id,
      at: input.now,
      events: [
        transferEvent(grant ? 'points.granted' : 'points.revoked', transferId, {
          communityId: input.community.id,
          actorId: input.moderator.id,
          targetMemberId: input.member.id,
          platform: input.platform ?? input.community.platform,
          at: input.now,
          amount,
        }),
      ],
    });
    if (outcome.status === 'conflict') throw this.#conflict(outcome.transfer, input.idempotencyKey);
    if (outcome.status === 'refused') {
      const { balance } = await this.#store.account(input.community.id, input.member.id, '');
      throw new UserError(LEDGER_ERRORS.revokeInsufficient, 'interactions:points.revokeInsufficient', {
        member: input.member.displayName,
        balance,
        amount,
      });
    }
    if (outcome.status === 'applied') {
      this.#log.info(
        {
          transferId: outcome.transfer.id,
          action: input.action,
          amount,
          member: input.member.id,
          by: input.moderator.id,
        },
        'points adjusted by a moderator',
      );
    }
    return {
      transfer: outcome.transfer,
      duplicate: outcome.status === 'duplicate',
      balance: outcome.status === 'applied' ? (grant ? outcome.toBalance : outcome.fromBalance) : null,
    };
  }

  async balance(community: Community, member: Member, now: Date): Promise<BalanceView> {
    const timeZone = safeTimeZone(community.timezone);
    const policy = await this.policyFor(community, now);
    const account = await this.#store.account(community.id, member.id, dayKey(now, timeZone));
    return {
      balance: account.balance,
      allowanceLeft: Math.max(0, policy.dailyAllowance - account.allowanceUsed),
      allowanceTotal: policy.dailyAllowance,
      sentToday: account.sentToday,
      sendCap: policy.dailySendCap,
      resetsAt: nextLocalMidnight(now, timeZone),
      timeZone,
    };
  }

  history(community: Community, member: Member, limit = 10, offset = 0): Promise<Transfer[]> {
    return this.#store.history(community.id, member.id, Math.min(Math.max(1, limit), 51), Math.max(0, offset));
  }

  flags(community: Community, limit = 10, offset = 0, filter: { open?: boolean } = {}): Promise<LedgerFlag[]> {
    return this.#store.flags(community.id, limit, Math.max(0, offset), filter);
  }

  /** A moderator's verdict on a flag (the first one stands); FLAG_NOT_FOUND for an id not of this community. */
  async resolveFlag(
    community: Community,
    moderator: Member,
    id: string,
    outcome: FlagOutcome,
    at: Date,
  ): Promise<{ flag: LedgerFlag; changed: boolean }> {
    const resolved = await this.#store.resolveFlag(community.id, id.trim(), { outcome, byMemberId: moderator.id, at });
    if (!resolved) throw new UserError('FLAG_NOT_FOUND', 'interactions:flags.notFound', { id });
    return resolved;
  }

  audit(community: Community, limit = 10): Promise<AuditEntry[]> {
    return this.#store.audit(community.id, limit);
  }

  #reason(raw: string | null | undefined): string | null {
    const text = (raw ?? '').replace(/\s+/g, ' ').trim();
    return text ? Array.from(text).slice(0, this.policy.maxReasonLength).join('') : null;
  }

  /**
   * The refusal names the limit that was actually hit and what is left under it, read after the fact (the store
   * refused inside its transaction; these numbers only explain, they decide nothing).
   */
  async #refusal(
    policy: LedgerPolicy,
    reason: 'INSUFFICIENT_FUNDS' | 'DAILY_CAP' | 'COOLDOWN',
    amount: number,
    sender: Member,
    recipient: Member,
    now: Date,
    timeZone: string,
  ): Promise<UserError> {
    const account = await this.#store.account(sender.communityId, sender.id, dayKey(now, timeZone));
    const allowanceLeft = Math.max(0, policy.dailyAllowance - account.allowanceUsed);
    const resetsAt = nextLocalMidnight(now, timeZone).toISOString();
    switch (reason) {
      case 'INSUFFICIENT_FUNDS':
        return new UserError(LEDGER_ERRORS.insufficient, 'interactions:tip.insufficient', {
          amount,
          allowanceLeft,
          allowanceTotal: policy.dailyAllowance,
          balance: account.balance,
          available: allowanceLeft + account.balance,
        });
      case 'DAILY_CAP': {
        const left = Math.max(0, policy.dailySendCap - account.sentToday);
        return new UserError(
          LEDGER_ERRORS.dailyCap,
          left === 0 ? 'interactions:tip.dailyCapReached' : 'interactions:tip.dailyCap',
          { amount, cap: policy.dailySendCap, sent: account.sentToday, left, resetsAt, zone: timeZone },
        );
      }
      case 'COOLDOWN': {
        const last = (await this.#store.history(sender.communityId, sender.id, 50)).find(
          (x) => x.kind === 'tip' && x.fromMemberId === sender.id && x.toMemberId === recipient.id,
        );
        const waitMs = last ? last.createdAt.getTime() + policy.pairCooldownMs - now.getTime() : policy.pairCooldownMs;
        return new UserError(LEDGER_ERRORS.cooldown, 'interactions:tip.cooldown', {
          member: recipient.displayName,
          seconds: Math.ceil(policy.pairCooldownMs / 1000),
          wait: Math.max(1, Math.ceil(waitMs / 1000)),
          sender: sender.displayName,
        });
      }
    }
  }

  #conflict(existing: Transfer, key: string | null): UserError {
    this.#log.warn(
      { idempotencyKey: key, transferId: existing.id, community: existing.communityId },
      'idempotency key reused with other parameters; refused',
    );
    return idempotencyKeyReused();
  }

  async #flag(
    policy: LedgerPolicy,
    sender: Member,
    recipient: Member,
    transfer: Transfer,
    now: Date,
    timeZone: string,
    /** The ring candidates counted per leg, when the store read them with the transfer. */
    known: TipLegCount[] | undefined,
  ): Promise<boolean> {
    const since = new Date(now.getTime() - policy.ringWindowMs);
    const legs =
      known ??
      countLegs(await this.#store.tipsAround(transfer.communityId, sender.id, recipient.id, since, RING_LOOKUP_LIMIT));
    const rule = { minTipsEachWay: policy.ringMinTips, windowMs: policy.ringWindowMs };
    const candidates = ringCandidatesOfLegs(sender.id, recipient.id, legs, rule.minTipsEachWay);
    // The closing leg's own count costs a read: only when the other legs already repeat enough.
    const forward =
      candidates.length > 0 ? await this.#store.tipsBetween(transfer.communityId, sender.id, recipient.id, since) : 0;
    const flags = [
      ...confirmRings(candidates, forward, rule),
      ...newAccountFlag(sender, recipient, now, policy.newAccountAgeMs),
    ];
    let raised = false;
    for (const flag of flags) {
      const dedupKey = `${flag.kind}:${flag.memberIds.join(',')}:${dayKey(now, timeZone)}`;
      if (this.#raised.has(`${transfer.communityId}|${dedupKey}`)) continue;
      if (this.#raised.size > 10_000) this.#raised.clear();
      this.#raised.add(`${transfer.communityId}|${dedupKey}`);
      const created = await this.#store.addFlag({
        communityId: transfer.communityId,
        kind: flag.kind,
        memberIds: flag.memberIds,
        transferId: transfer.id,
        createdAt: now,
        dedupKey,
        details: flag.details,
      });
      if (created) {
        raised = true;
        this.#log.warn({ kind: flag.kind, members: flag.memberIds, transferId: transfer.id }, 'tipping flagged');
      }
    }
    return raised;
  }
}

/**
 * The interaction event that records a transfer, keyed by it (`tip:<id>`, `points:<id>`: the ledger's integrity
 * check looks them up by these keys). Amounts only: free-text reasons stay in the ledger, where erasure finds them.
 */
function transferEvent(
  verb: 'tip.sent' | 'points.granted' | 'points.revoked',
  transferId: string,
  e: { communityId: string; actorId: string; targetMemberId: string; platform: Platform; at: Date; amount: number },
): NewInteractionEvent {
  return {
    communityId: e.communityId,
    actorId: e.actorId,
    verb,
    objectType: 'transfer',
    objectId: transferId,
    targetMemberId: e.targetMemberId,
    channelId: null,
    platform: e.platform,
    occurredAt: e.at,
    metadata: { amount: e.amount },
    dedupKey: `${verb === 'tip.sent' ? 'tip' : 'points'}:${transferId}`,
  };
}
