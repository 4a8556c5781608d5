import { z } from 'zod';

/**
 * The rules of tipping, one community-wide policy. Partial options from configuration are merged over these
 * documented defaults (parsed with Zod at the edge).
 */
export const ledgerPolicySchema = z.object({
  /** Points each member may give away per local day without spending their own balance. */
  dailyAllowance: z.number().int().min(0).max(1_000_000).default(20),
  /** Largest single tip. */
  maxPerTransfer: z.number().int().min(1).max(1_000_000_000).default(100),
  /** Largest single moderator grant or revoke. */
  maxGrant: z.number().int().min(1).max(1_000_000_000).default(100_000),
  /** Most a member may give per local day, allowance and own balance together. */
  dailySendCap: z.number().int().min(1).max(1_000_000_000).default(200),
  /** Minimum time between two tips from the same sender to the same recipient. */
  pairCooldownMs: z.number().int().min(0).default(60_000),
  /** Accounts younger than this are "new": new accounts tipping each other get flagged. */
  newAccountAgeMs: z
    .number()
    .int()
    .min(0)
    .default(7 * 86_400_000),
  /** How far back ring detection looks for tips closing a cycle. */
  ringWindowMs: z
    .number()
    .int()
    .min(0)
    .default(14 * 86_400_000),
  /**
   * Tips along every leg of a cycle within the window before it is flagged as a ring. Friends thank each other: one
   * mutual thank-you is not a ring, a pair swapping points again and again is.
   */
  ringMinTips: z.number().int().min(1).max(1000).default(3),
  /** Longest reason kept with a tip or grant. */
  maxReasonLength: z.number().int().min(1).max(500).default(200),
});

export type LedgerPolicy = z.infer<typeof ledgerPolicySchema>;

export function ledgerPolicy(options: Partial<LedgerPolicy> = {}): LedgerPolicy {
  return ledgerPolicySchema.parse(options);
}

/** Longest per-pair cooldown an admin may set: beyond a week it stops being a cooldown and becomes a ban. */
export const MAX_PAIR_COOLDOWN_MS = 7 * 86_400_000;

/** The ring window an admin may set: one day to a season. Stored in whole days. */
export const MIN_RING_WINDOW_MS = 86_400_000;
export const MAX_RING_WINDOW_MS = 90 * 86_400_000;

/**
 * What admins may change per community (/points policy), stored in the database. Absent fields keep the
 * configured defaults. The allowance can never exceed the daily cap: the allowance would be unusable.
 */
export const communityPolicySchema = z
  .object({
    dailyAllowance: z.number().int().min(0).max(1_000_000),
    dailySendCap: z.number().int().min(1).max(1_000_000),
    pairCooldownMs: z.number().int().min(0).max(MAX_PAIR_COOLDOWN_MS),
    ringMinTips: z.number().int().min(1).max(1000),
    ringWindowMs: z.number().int().min(MIN_RING_WINDOW_MS).max(MAX_RING_WINDOW_MS),
  })
  .partial();

/** The fields admins may override, in one list for code that walks them. */
export const COMMUNITY_POLICY_KEYS = [
  'dailyAllowance',
  'dailySendCap',
  'pairCooldownMs',
  'ringMinTips',
  'ringWindowMs',
] as const;

export type CommunityPolicy = z.infer<typeof communityPolicySchema>;

/** The policy a community runs under: its overrides over the base. Throws ZodError on an inconsistent result. */
export function effectivePolicy(base: LedgerPolicy, overrides: CommunityPolicy | null | undefined): LedgerPolicy {
  const clean = communityPolicySchema.parse(overrides ?? {});
  const merged: LedgerPolicy = { ...base };
  if (clean.dailyAllowance !== undefined) merged.dailyAllowance = clean.dailyAllowance;
  if (clean.dailySendCap !== undefined) merged.dailySendCap = clean.dailySendCap;
  if (clean.pairCooldownMs !== undefined) merged.pairCooldownMs = clean.pairCooldownMs;
  if (clean.ringMinTips !== undefined) merged.ringMinTips = clean.ringMinTips;
  if (clean.ringWindowMs !== undefined) merged.ringWindowMs = clean.ringWindowMs;
  return merged;
}
