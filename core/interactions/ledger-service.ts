import { randomUUID } from 'node:crypto';
import type { Community, Member, Platform } from '../domain/types.ts';
import { UserError } from '../errors.ts';
import type { Logger } from '../ports/logger.ts';
import type { EventLog } from '../ports/stores.ts';
import { parsePointAmount } from './amount.ts';
import { dayKey, nextLocalMidnight, safeTimeZone } from './community-day.ts';
import { type LedgerPolicy, ledgerPolicy } from './ledger-policy.ts';
import type { AuditEntry, LedgerFlag, LedgerStore, Transfer, TransferOutcome } from './ledger-store.ts';
import { tipFlags } from './tip-flags.ts';

/**
 * Tipping and moderator adjustments. Validation that needs no database happens here (amount, self, bots,
 * reason); limits that concurrent tips could race on (balance, allowance, daily cap, cooldown) are checked by the
 * store inside one transaction with conditional updates.
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
  revokeInsufficient: 'POINTS_REVOKE_INSUFFICIENT',
} as const;

export interface LedgerServiceDeps {
  store: LedgerStore;
  events: EventLog;
  log: Logger;
  policy?: Partial<LedgerPolicy>;
}

export class LedgerService {
  readonly policy: LedgerPolicy;
  readonly #store: LedgerStore;
  readonly #events: EventLog;
  readonly #log: Logger;
  /** Flags already raised (their dedup keys): a busy ring would otherwise re-insert the same flag on every tip. */
  readonly #raised = new Set<string>();

  constructor(deps: LedgerServiceDeps) {
    this.policy = ledgerPolicy(deps.policy);
    this.#store = deps.store;
    this.#events = deps.events;
    this.#log = deps.log.child({ ns: 'core:ledger' });
  }

  get store(): LedgerStore {
    return this.#store;
  }

  async tip(input: TipInput): Promise<TipReceipt> {
    const { sender, recipient, community, now } = input;
    if (!recipient) throw new UserError(LEDGER_ERRORS.unknownMember, 'interactions:tip.unknownMember');
    if (sender.isBot) throw new UserError(LEDGER_ERRORS.fromBot, 'interactions:tip.fromBot');
    if (recipient.isBot) {
      throw new UserError(LEDGER_ERRORS.toBot, 'interactions:tip.toBot', { member: recipient.displayName });
    }
    if (recipient.id === sender.id) throw new UserError(LEDGER_ERRORS.self, 'interactions:tip.self');
    const amount = parsePointAmount(input.amount, this.policy.maxPerTransfer);
    const reason = this.#reason(input.reason);
    const timeZone = safeTimeZone(community.timezone);
    const today = dayKey(now, timeZone);
    const outcome = await this.#store.transfer({
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
        dailyAllowance: this.policy.dailyAllowance,
        dailySendCap: this.policy.dailySendCap,
        cooldownThreshold: new Date(now.getTime() - this.policy.pairCooldownMs),
      },
    });
    if (outcome.status === 'refused') throw this.#refusal(outcome.reason, amount, sender, recipient, now, timeZone);
    const transfer = outcome.transfer;
    await this.#recordTipEvent(transfer, input.platform);
    // A fresh tip reports the sender's allowance itself; only a duplicate needs to read it.
    const allowanceUsed =
      outcome.status === 'applied' && outcome.senderAllowanceUsed !== null
        ? outcome.senderAllowanceUsed
        : (await this.#store.account(community.id, sender.id, today)).allowanceUsed;
    const flagged = outcome.status === 'applied' ? await this.#flag(sender, recipient, transfer, now, timeZone) : false;
    if (outcome.status === 'applied') {
      this.#log.info({ transferId: transfer.id, amount, from: sender.id, to: recipient.id }, 'tip applied');
    }
    return {
      transfer,
      duplicate: outcome.status === 'duplicate',
      recipientBalance: outcome.status === 'applied' ? outcome.toBalance : null,
      allowanceLeft: Math.max(0, this.policy.dailyAllowance - allowanceUsed),
      flagged,
    };
  }

  /** Moderator grant or revoke: a reason is mandatory and an audit entry is written in the same transaction. */
  async adjust(input: AdjustInput): Promise<{ transfer: Transfer; duplicate: boolean; balance: number | null }> {
    if (!input.member) throw new UserError(LEDGER_ERRORS.unknownMember, 'interactions:tip.unknownMember');
    if (input.member.isBot) {
      throw new UserError(LEDGER_ERRORS.toBot, 'interactions:tip.toBot', { member: input.member.displayName });
    }
    const amount = parsePointAmount(input.amount, this.policy.maxGrant);
    const reason = this.#reason(input.reason);
    if (!reason) throw new UserError(LEDGER_ERRORS.reasonRequired, 'interactions:points.reasonRequired');
    const grant = input.action === 'grant';
    const outcome: TransferOutcome = await this.#store.transfer({
      communityId: input.community.id,
      idempotencyKey: input.idempotencyKey ?? `${input.action}:${randomUUID()}`,
      kind: input.action,
      fromMemberId: grant ? null : input.member.id,
      toMemberId: grant ? input.member.id : null,
      amount,
      reason,
      actorId: input.moderator.id,
      at: input.now,
    });
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
    const account = await this.#store.account(community.id, member.id, dayKey(now, timeZone));
    return {
      balance: account.balance,
      allowanceLeft: Math.max(0, this.policy.dailyAllowance - account.allowanceUsed),
      allowanceTotal: this.policy.dailyAllowance,
      sentToday: account.sentToday,
      sendCap: this.policy.dailySendCap,
      resetsAt: nextLocalMidnight(now, timeZone),
      timeZone,
    };
  }

  history(community: Community, member: Member, limit = 10): Promise<Transfer[]> {
    return this.#store.history(community.id, member.id, Math.min(Math.max(1, limit), 50));
  }

  flags(community: Community, limit = 10): Promise<LedgerFlag[]> {
    return this.#store.flags(community.id, limit);
  }

  audit(community: Community, limit = 10): Promise<AuditEntry[]> {
    return this.#store.audit(community.id, limit);
  }

  #reason(raw: string | null | undefined): string | null {
    const text = (raw ?? '').replace(/\s+/g, ' ').trim();
    return text ? Array.from(text).slice(0, this.policy.maxReasonLength).join('') : null;
  }

  #refusal(
    reason: 'INSUFFICIENT_FUNDS' | 'DAILY_CAP' | 'COOLDOWN',
    amount: number,
    sender: Member,
    recipient: Member,
    now: Date,
    timeZone: string,
  ): UserError {
    switch (reason) {
      case 'INSUFFICIENT_FUNDS':
        return new UserError(LEDGER_ERRORS.insufficient, 'interactions:tip.insufficient', { amount });
      case 'DAILY_CAP':
        return new UserError(LEDGER_ERRORS.dailyCap, 'interactions:tip.dailyCap', {
          cap: this.policy.dailySendCap,
          resetsAt: nextLocalMidnight(now, timeZone).toISOString(),
        });
      case 'COOLDOWN':
        return new UserError(LEDGER_ERRORS.cooldown, 'interactions:tip.cooldown', {
          member: recipient.displayName,
          seconds: Math.ceil(this.policy.pairCooldownMs / 1000),
          sender: sender.displayName,
        });
    }
  }

  async #recordTipEvent(transfer: Transfer, platform: Platform): Promise<void> {
    try {
      // Keyed by the transfer, so a retried delivery (duplicate outcome) re-appends harmlessly and heals a lost write.
      await this.#events.append({
        communityId: transfer.communityId,
        actorId: transfer.actorId,
        verb: 'tip.sent',
        objectType: 'transfer',
        objectId: transfer.id,
        targetMemberId: transfer.toMemberId,
        channelId: null,
        platform,
        occurredAt: transfer.createdAt,
        metadata: { amount: transfer.amount },
        dedupKey: `tip:${transfer.id}`,
      });
    } catch (error) {
      // The points moved; only the graph misses one edge. Loud, but not the member's problem.
      this.#log.error({ err: error, transferId: transfer.id }, 'could not log tip.sent event');
    }
  }

  async #flag(sender: Member, recipient: Member, transfer: Transfer, now: Date, timeZone: string): Promise<boolean> {
    const since = new Date(now.getTime() - this.policy.ringWindowMs);
    const around = await this.#store.tipsAround(transfer.communityId, sender.id, recipient.id, since, 500);
    const flags = tipFlags(sender, recipient, around, now, this.policy.newAccountAgeMs);
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
      });
      if (created) {
        raised = true;
        this.#log.warn({ kind: flag.kind, members: flag.memberIds, transferId: transfer.id }, 'tipping flagged');
      }
    }
    return raised;
  }
}
