import type { Platform } from '../domain/types.ts';
import type {
  Discrepancy,
  MoneyEntry,
  PaidSubscription,
  Payment,
  PaymentStatus,
  ProviderName,
  ProviderRecord,
} from './types.ts';

export type NewPayment = Omit<Payment, 'id' | 'createdAt' | 'fulfilledAt'> & { at: Date };

/** Storage of payments, provider events, subscriptions, the money ledger and reconciliation findings. */
export interface PaymentStore {
  /** True when this provider event was handled before (a replay or a retry). */
  seenEvent(provider: ProviderName, eventId: string): Promise<boolean>;
  markEvent(provider: ProviderName, eventId: string, type: string, at: Date): Promise<void>;
  /**
   * Records a payment with its ledger entries in one transaction, or finds the one with this provider id:
   * `created: false` then, and no entry is booked again.
   */
  recordPayment(payment: NewPayment, entries: readonly MoneyEntry[]): Promise<{ payment: Payment; created: boolean }>;
  findPayment(provider: ProviderName, providerRef: string): Promise<Payment | null>;
  paymentsForOrder(orderId: string): Promise<Payment[]>;
  /** Payments of the orders whose id starts with `ref` (the short reference people see), in one community. */
  paymentsForOrderRef(communityId: string, ref: string): Promise<Payment[]>;
  /** Moves a payment's status and books entries with it; false (nothing booked) when it already had `status`. */
  setPaymentStatus(id: string, status: PaymentStatus, entries: readonly MoneyEntry[], at: Date): Promise<boolean>;
  markFulfilled(id: string, at: Date): Promise<void>;
  /** The provider's customer id of a member's latest payment that has one (the customer portal). */
  customerOf(memberId: string, provider: ProviderName): Promise<string | null>;
  /** Payments taken but never turned into access (a crash in between), oldest first. */
  unfulfilled(before: Date, limit: number): Promise<Payment[]>;
  paymentsSince(provider: ProviderName, since: Date): Promise<Payment[]>;
  upsertSubscription(sub: Omit<PaidSubscription, 'id'>, at: Date): Promise<PaidSubscription>;
  findSubscription(provider: ProviderName, providerRef: string): Promise<PaidSubscription | null>;
  subscriptionForOrder(orderId: string): Promise<PaidSubscription | null>;
  /** Books entries outside a payment (payouts); an entry whose reference exists is skipped. Returns how many. */
  book(entries: readonly MoneyEntry[]): Promise<number>;
  /** Balance per currency of one creator's ledger (or the community's own, creatorId null). */
  balances(communityId: string, creatorId: string | null): Promise<{ currency: string; amountMinor: number }[]>;
  entries(communityId: string, filter: { creatorId?: string | null; limit?: number }): Promise<MoneyEntry[]>;
  /** Records a finding once per provider id and kind; returns false when it was already recorded. */
  recordDiscrepancy(discrepancy: Discrepancy): Promise<boolean>;
  discrepancies(communityId: string | null, status?: Discrepancy['status']): Promise<Discrepancy[]>;
  setSkuCourse(sku: { skuId: string; communityId: string; courseId: string }): Promise<void>;
  courseForSku(skuId: string): Promise<{ communityId: string; courseId: string } | null>;
  skuForCourse(courseId: string): Promise<string | null>;
}

export interface CheckoutRequest {
  orderId: string;
  communityId: string;
  memberId: string;
  platform: Platform;
  platformUserId: string;
  title: string;
  description: string;
  amountMinor: number;
  currency: string;
  /** Subscriptions and memberships renew every this many days; one-off purchases have none. */
  renewEveryDays: number | null;
  locale: string;
  /** The provider's idempotency key: the same order asks once. */
  idempotencyKey: string;
}

/**
 * A payment provider as core sees it (Stripe, Telegram Stars): adapters implement it with the provider's SDK.
 * Every request that moves money carries an idempotency key.
 */
export interface PaymentGateway {
  provider: ProviderName;
  /** Whether members on this platform can pay this currency here (Stars: Telegram and XTR only). */
  supports(platform: Platform, currency: string): boolean;
  checkout(request: CheckoutRequest): Promise<{ url: string }>;
  /** A self-service link (cancel, change card, invoices) for a customer, where the provider has one. */
  portal?(customerRef: string, locale: string): Promise<{ url: string }>;
  refund(payment: Payment, idempotencyKey: string): Promise<{ refundRef: string }>;
  /** The provider's payments since `since` (reconciliation). */
  records?(since: Date): Promise<ProviderRecord[]>;
}
