/** Payment providers Cohort takes money through. Manual `/order confirm` remains for communities with none. */
export type ProviderName = 'stripe' | 'telegram' | 'discord';
/** Where a ledger entry came from: a provider, or the operator's own bookkeeping (payouts). */
export type LedgerSource = ProviderName | 'manual';

export type PaymentStatus = 'paid' | 'refunded' | 'disputed' | 'flagged';

export interface Payment {
  id: string;
  communityId: string;
  provider: ProviderName;
  providerRef: string;
  orderId: string | null;
  memberId: string;
  courseId: string;
  creatorId: string | null;
  kind: 'purchase' | 'renewal';
  amountMinor: number;
  currency: string;
  status: PaymentStatus;
  fulfilledAt: Date | null;
  customerRef: string | null;
  subscriptionRef: string | null;
  payerRef: string | null;
  createdAt: Date;
}

export type MoneyEntryKind = 'payment' | 'fee' | 'refund' | 'fee_refund' | 'dispute' | 'payout';

/** One signed line of a creator's money ledger, in minor units of its currency (creator's view). */
export interface MoneyEntry {
  communityId: string;
  creatorId: string | null;
  paymentId: string | null;
  kind: MoneyEntryKind;
  amountMinor: number;
  currency: string;
  provider: LedgerSource;
  /** Unique: the same notice books nothing twice. */
  reference: string;
  occurredAt: Date;
}

export interface PaidSubscription {
  id: string;
  communityId: string;
  provider: ProviderName;
  providerRef: string;
  orderId: string;
  memberId: string;
  status: 'active' | 'past_due' | 'ended';
  currentPeriodEnd: Date | null;
  graceUntil: Date | null;
  customerRef: string | null;
}

export type DiscrepancyKind =
  | 'missing_here'
  | 'missing_there'
  | 'amount_mismatch'
  | 'refund_missing'
  | 'unfulfilled'
  | 'cancelled_order_paid'
  | 'unknown_order';

export interface Discrepancy {
  communityId: string | null;
  provider: ProviderName;
  providerRef: string;
  kind: DiscrepancyKind;
  detail: string;
  status: 'healed' | 'open';
  foundAt: Date;
}

/** A payment as the provider's own records show it (reconciliation reads these). */
export interface ProviderRecord {
  provider: ProviderName;
  providerRef: string;
  orderId: string | null;
  amountMinor: number;
  currency: string;
  /** Refunded in full at the provider. */
  refunded: boolean;
  paidAt: Date;
  customerRef?: string | null;
  subscriptionRef?: string | null;
  payerRef?: string | null;
}

/** Integer minor units: the operator's share of `amountMinor` at `feeBps` basis points, rounded down. */
export function operatorFee(amountMinor: number, feeBps: number): number {
  return Math.floor((amountMinor * feeBps) / 10_000);
}
