import type { Course, Locale } from '../domain/types.ts';
import { UserError } from '../errors.ts';
import type { Translator } from '../i18n/translate.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { PaidAccess, PaidOrderView } from '../ports/paid-access.ts';
import type { CourseStore } from '../ports/stores.ts';
import type { PaymentGateway, PaymentStore } from './ports.ts';
import {
  type Discrepancy,
  type MoneyEntry,
  operatorFee,
  type Payment,
  type ProviderName,
  type ProviderRecord,
} from './types.ts';

const DAY = 86_400_000;

export interface PaymentSettings {
  /** The operator's fee on every payment, in basis points (250 = 2.5 %). */
  operatorFeeBps: number;
  /** How long a subscription keeps access after a failed renewal, while the provider retries. */
  graceDays: number;
}

/** A provider says money arrived for an order (a checkout completed, a Stars payment). */
export interface PaidNotice {
  provider: ProviderName;
  /** The provider's id of the payment: the key of everything that follows. */
  providerRef: string;
  orderId: string;
  amountMinor: number;
  currency: string;
  at: Date;
  customerRef?: string | null;
  subscriptionRef?: string | null;
  /** Subscriptions: paid until (the provider's current period end). */
  periodEnd?: Date | null;
  payerRef?: string | null;
}

export type PaidOutcome =
  /** Access granted now. */
  | 'granted'
  /** Seen before: nothing new. */
  | 'already'
  /** The order had been cancelled: the money went back. */
  | 'refunded'
  /** The order had been cancelled and the refund failed: flagged for the operator. */
  | 'flagged'
  /** Not for an order we know, or not its price: nothing granted, the operator is told. */
  | 'rejected';

export interface RenewalNotice {
  provider: ProviderName;
  providerRef: string;
  subscriptionRef: string;
  amountMinor: number;
  currency: string;
  periodEnd: Date;
  at: Date;
}

export interface RefundNotice {
  provider: ProviderName;
  /** The refunded payment's provider id. */
  providerRef: string;
  /** Fallback when the provider id is not one we recorded (a renewal's charge): the order in its metadata. */
  orderId?: string | null;
  /** The refund's (or dispute's) own id: its ledger entries are keyed by it. */
  refundRef: string;
  amountMinor: number;
  at: Date;
}

export interface ReconciliationReport {
  provider: ProviderName;
  checked: number;
  healed: Discrepancy[];
  open: Discrepancy[];
}

/** Raised when a notice arrives before the one it depends on (a renewal before its checkout): retry later. */
export class NotYetKnownError extends Error {
  readonly code = 'PAYMENT_NOT_YET_KNOWN';
}

/**
 * Payments from every provider, made idempotent and kept in step with access. A provider's notice is keyed by its
 * own ids (event id for de-duplication, payment id for the payment, refund id for the refund), so at-least-once
 * delivery never grants, books or revokes twice. Access moves only through commerce (the `paidAccess` port); money
 * lands in the creator's ledger in the payment's own transaction. A crash between "paid" and "access granted"
 * leaves a payment without `fulfilledAt`, which reconciliation finishes.
 */
export class PaymentService {
  readonly #gateways = new Map<ProviderName, PaymentGateway>();

  constructor(
    private readonly deps: {
      store: PaymentStore;
      access: () => PaidAccess;
      clock: Clock;
      log: Logger;
      settings: PaymentSettings;
      courses: CourseStore;
      translator: Translator;
    },
  ) {}

  /** Adds a configured provider (Stripe at composition, Telegram Stars when the bot starts). */
  register(gateway: PaymentGateway): void {
    this.#gateways.set(gateway.provider, gateway);
  }

  gateway(provider: ProviderName): PaymentGateway | null {
    return this.#gateways.get(provider) ?? null;
  }

  gateways(): PaymentGateway[] {
    return [...this.#gateways.values()];
  }

  /** A line in the member's language, for adapters that answer a provider's update themselves (Stars). */
  text(locale: Locale, key: string, params?: Record<string, unknown>): string {
    return this.deps.translator.forLocale(locale)(key, params);
  }

  get settings(): PaymentSettings {
    return this.deps.settings;
  }

  /** Runs `work` once per provider event id: a replayed or retried delivery is skipped. */
  async once<T>(
    provider: ProviderName,
    eventId: string,
    type: string,
    work: () => Promise<T>,
  ): Promise<{ duplicate: true } | { duplicate: false; outcome: T }> {
    if (await this.deps.store.seenEvent(provider, eventId)) {
      this.deps.log.info({ provider, eventId, type }, 'provider event already handled');
      return { duplicate: true };
    }
    const outcome = await work();
    // Marked after the work: a crash in between means the provider's retry does the (idempotent) work again.
    await this.deps.store.markEvent(provider, eventId, type, this.deps.clock.now());
    return { duplicate: false, outcome };
  }

  order(orderId: string): Promise<PaidOrderView | null> {
    return this.deps.access().order(orderId);
  }

  /** How far back reconciliation looks at the providers' records. */
  readonly reconcileWindowMs = 3 * DAY;

  pendingOrders(communityId: string, memberId: string): Promise<PaidOrderView[]> {
    return this.deps.access().pendingOrders(communityId, memberId);
  }

  async ledger(communityId: string, creatorId: string | null) {
    const [balances, entries] = await Promise.all([
      this.deps.store.balances(communityId, creatorId),
      this.deps.store.entries(communityId, { creatorId, limit: 50 }),
    ]);
    return { balances, entries };
  }

  discrepancies(communityId: string | null, status?: Discrepancy['status']): Promise<Discrepancy[]> {
    return this.deps.store.discrepancies(communityId, status);
  }

  /** A Discord premium SKU sells this course: its entitlements become the course's access. */
  async setPremiumSku(communityId: string, courseRef: string, skuId: string): Promise<Course> {
    const wanted = courseRef.trim().replace(/^#/, '');
    const courses = await this.deps.courses.list(communityId);
    const course =
      courses.find((c) => c.id === wanted) ??
      (wanted.length >= 6 ? courses.filter((c) => c.id.startsWith(wanted)) : []).find((_, __, all) => all.length === 1);
    if (!course) throw new UserError('COURSE_UNKNOWN', 'commerce:errors.courseUnknown', { ref: wanted });
    await this.deps.store.setSkuCourse({ skuId, communityId, courseId: course.id });
    return course;
  }

  /** Money arrived for an order: record it, book it, grant access (or refund a cancelled order). */
  async paid(notice: PaidNotice): Promise<PaidOutcome> {
    const { store, log } = this.deps;
    const existing = await store.findPayment(notice.provider, notice.providerRef);
    if (existing?.fulfilledAt) return 'already';
    const order = await this.deps.access().order(notice.orderId);
    if (!order) {
      await this.#discrepancy(null, notice, 'unknown_order', `order ${notice.orderId} not found`, 'open');
      log.warn({ provider: notice.provider, ref: notice.providerRef }, 'payment for an unknown order: not granted');
      return 'rejected';
    }
    if (order.amountMinor !== notice.amountMinor || order.currency !== notice.currency.toUpperCase()) {
      await this.#discrepancy(
        order.communityId,
        notice,
        'amount_mismatch',
        `paid ${notice.amountMinor} ${notice.currency}, order is ${order.amountMinor} ${order.currency}`,
        'open',
      );
      log.warn({ provider: notice.provider, ref: notice.providerRef, order: order.id }, 'payment does not match');
      return 'rejected';
    }
    const { payment } = await store.recordPayment(
      {
        communityId: order.communityId,
        provider: notice.provider,
        providerRef: notice.providerRef,
        orderId: order.id,
        memberId: order.memberId,
        courseId: order.courseId,
        creatorId: order.creatorId,
        kind: 'purchase',
        amountMinor: notice.amountMinor,
        currency: order.currency,
        status: 'paid',
        customerRef: notice.customerRef ?? null,
        subscriptionRef: notice.subscriptionRef ?? null,
        payerRef: notice.payerRef ?? null,
        at: notice.at,
      },
      this.#paymentEntries(order, notice.provider, notice.providerRef, notice.amountMinor, notice.at),
    );
    if (notice.subscriptionRef)
      await store.upsertSubscription(
        {
          communityId: order.communityId,
          provider: notice.provider,
          providerRef: notice.subscriptionRef,
          orderId: order.id,
          memberId: order.memberId,
          status: 'active',
          currentPeriodEnd: notice.periodEnd ?? null,
          graceUntil: null,
          customerRef: notice.customerRef ?? null,
        },
        notice.at,
      );
    return this.#fulfil(payment, notice.periodEnd ?? null);
  }

  /** Turns a recorded payment into access; the step reconciliation repeats after a crash. */
  async #fulfil(payment: Payment, periodEnd: Date | null): Promise<PaidOutcome> {
    const { store, log } = this.deps;
    const at = this.deps.clock.now();
    if (!payment.orderId) return 'rejected';
    const outcome = await this.deps.access().fulfil(payment.orderId, `provider:${payment.provider}`, at);
    if (outcome.kind === 'cancelled') return this.#refundCancelled(payment);
    // The provider's period end is the truth for a subscription's access.
    if (periodEnd && outcome.kind !== 'refunded') await this.deps.access().extend(payment.orderId, periodEnd);
    await store.markFulfilled(payment.id, at);
    log.info(
      { provider: payment.provider, ref: payment.providerRef, order: payment.orderId, outcome: outcome.kind },
      'payment fulfilled',
    );
    return outcome.kind === 'fulfilled' ? 'granted' : 'already';
  }

  /** Money for an order the buyer or a moderator cancelled: refund it, or flag it when the refund fails. */
  async #refundCancelled(payment: Payment): Promise<PaidOutcome> {
    const { store, log } = this.deps;
    const at = this.deps.clock.now();
    const gateway = this.gateway(payment.provider);
    try {
      if (!gateway) throw new Error(`no ${payment.provider} gateway configured`);
      const { refundRef } = await gateway.refund(payment, `refund-cancelled:${payment.id}`);
      await store.setPaymentStatus(payment.id, 'refunded', this.#refundEntries(payment, refundRef, at), at);
      await store.markFulfilled(payment.id, at);
      await this.#discrepancy(
        payment.communityId,
        payment,
        'cancelled_order_paid',
        `order ${payment.orderId} was cancelled: refunded (${refundRef})`,
        'healed',
      );
      log.warn({ provider: payment.provider, order: payment.orderId }, 'payment for a cancelled order refunded');
      return 'refunded';
    } catch (error) {
      await store.setPaymentStatus(payment.id, 'flagged', [], at);
      await store.markFulfilled(payment.id, at);
      await this.#discrepancy(
        payment.communityId,
        payment,
        'cancelled_order_paid',
        `order ${payment.orderId} was cancelled and the refund failed: refund it by hand`,
        'open',
      );
      log.error(
        { err: error, provider: payment.provider, order: payment.orderId },
        'refund of a cancelled order failed',
      );
      return 'flagged';
    }
  }

  /** A subscription renewed: book it and extend access to the new period end. */
  async renewed(notice: RenewalNotice): Promise<'extended' | 'already'> {
    const { store } = this.deps;
    const sub = await store.findSubscription(notice.provider, notice.subscriptionRef);
    if (!sub) throw new NotYetKnownError(`subscription ${notice.subscriptionRef} not recorded yet`);
    if ((await store.findPayment(notice.provider, notice.providerRef))?.fulfilledAt) return 'already';
    const order = await this.deps.access().order(sub.orderId);
    if (!order) throw new NotYetKnownError(`order ${sub.orderId} not found`);
    const { payment } = await store.recordPayment(
      {
        communityId: order.communityId,
        provider: notice.provider,
        providerRef: notice.providerRef,
        orderId: order.id,
        memberId: order.memberId,
        courseId: order.courseId,
        creatorId: order.creatorId,
        kind: 'renewal',
        amountMinor: notice.amountMinor,
        currency: notice.currency.toUpperCase(),
        status: 'paid',
        customerRef: sub.customerRef,
        subscriptionRef: sub.providerRef,
        payerRef: null,
        at: notice.at,
      },
      this.#paymentEntries(order, notice.provider, notice.providerRef, notice.amountMinor, notice.at),
    );
    await store.upsertSubscription(
      { ...sub, status: 'active', currentPeriodEnd: notice.periodEnd, graceUntil: null },
      notice.at,
    );
    await this.deps.access().extend(order.id, notice.periodEnd);
    await store.markFulfilled(payment.id, notice.at);
    return 'extended';
  }

  /** A renewal failed: access lasts through the grace period while the provider retries, then ends. */
  async renewalFailed(provider: ProviderName, subscriptionRef: string, at: Date): Promise<Date | null> {
    const { store } = this.deps;
    const sub = await store.findSubscription(provider, subscriptionRef);
    if (!sub || sub.status === 'ended') return null;
    if (sub.status === 'past_due' && sub.graceUntil) return sub.graceUntil; // a retry failed again: no new grace
    const graceUntil = new Date(
      Math.max(at.getTime(), sub.currentPeriodEnd?.getTime() ?? 0) + this.deps.settings.graceDays * DAY,
    );
    await store.upsertSubscription({ ...sub, status: 'past_due', graceUntil }, at);
    await this.deps.access().extend(sub.orderId, graceUntil);
    this.deps.log.info({ provider, subscription: subscriptionRef, graceUntil }, 'renewal failed: grace period');
    return graceUntil;
  }

  /** The subscription ended (cancelled, or retries exhausted): access ends now. */
  async subscriptionEnded(provider: ProviderName, subscriptionRef: string, at: Date): Promise<boolean> {
    const { store } = this.deps;
    const sub = await store.findSubscription(provider, subscriptionRef);
    if (!sub || sub.status === 'ended') return false;
    await store.upsertSubscription({ ...sub, status: 'ended', graceUntil: null }, at);
    await this.deps.access().end(sub.orderId, at);
    return true;
  }

  /** A refund (full: access revoked) or a dispute (always revoked while the money is held). */
  async refunded(notice: RefundNotice, kind: 'refund' | 'dispute'): Promise<'revoked' | 'booked' | 'unknown'> {
    const { store, log } = this.deps;
    let payment = await store.findPayment(notice.provider, notice.providerRef);
    if (!payment && notice.orderId) payment = (await store.paymentsForOrder(notice.orderId)).at(-1) ?? null;
    if (!payment) {
      await this.#discrepancy(
        null,
        notice,
        'missing_here',
        `${kind} ${notice.refundRef} for an unknown payment`,
        'open',
      );
      log.warn({ provider: notice.provider, ref: notice.providerRef }, `${kind} for an unknown payment`);
      return 'unknown';
    }
    const full = notice.amountMinor >= payment.amountMinor;
    const entries =
      kind === 'dispute'
        ? [
            this.#entry(
              payment,
              'dispute',
              -notice.amountMinor,
              `${payment.provider}:dispute:${notice.refundRef}`,
              notice.at,
            ),
          ]
        : this.#refundEntries(payment, notice.refundRef, notice.at, notice.amountMinor);
    const status = kind === 'dispute' ? 'disputed' : full ? 'refunded' : 'paid';
    const changed = await store.setPaymentStatus(payment.id, status, entries, notice.at);
    if (kind === 'refund' && !full) return changed ? 'booked' : 'booked';
    if (payment.orderId) await this.deps.access().revoke(payment.orderId, `provider:${payment.provider}`, notice.at);
    return 'revoked';
  }

  /**
   * Refunds an order's online payment through its provider (a creator's or moderator's decision) and revokes its
   * access. The provider's own refund notice that follows books nothing twice: both use the refund's id.
   */
  async refundOrder(
    communityId: string,
    orderRef: string,
    by: { memberId: string; moderator: boolean },
  ): Promise<{ payment: Payment; title: string } | null> {
    const wanted = orderRef.trim().replace(/^#/, '');
    const payments = (await this.deps.store.paymentsForOrderRef(communityId, wanted)).filter(
      (p) => p.status === 'paid',
    );
    const orderIds = new Set(payments.map((p) => p.orderId));
    const payment = orderIds.size === 1 ? payments.at(-1) : undefined;
    if (!payment?.orderId) return null;
    if (!by.moderator && payment.creatorId !== by.memberId)
      throw new UserError('NOT_COURSE_OWNER', 'payments:errors.notYourSale');
    const gateway = this.gateway(payment.provider);
    if (!gateway) return null;
    const { refundRef } = await gateway.refund(payment, `refund:${payment.id}`);
    await this.refunded(
      {
        provider: payment.provider,
        providerRef: payment.providerRef,
        refundRef,
        amountMinor: payment.amountMinor,
        at: this.deps.clock.now(),
      },
      'refund',
    );
    return { payment, title: (await this.order(payment.orderId))?.courseTitle ?? '' };
  }

  /**
   * A Discord premium entitlement for a SKU linked to a course: created (or updated) gives the course's access until
   * its end, deleted (refunded, or a test entitlement removed) revokes it. Keyed by the entitlement id. The ledger
   * books the course's price: Discord pays out on its own schedule, and its payout report is the authority.
   */
  async premiumEntitlement(
    kind: 'create' | 'update' | 'delete',
    e: {
      entitlementId: string;
      skuId: string;
      platformUserId: string;
      endsAt: Date | null;
      deleted: boolean;
      test: boolean;
      at: Date;
    },
  ): Promise<string> {
    const sku = await this.deps.store.courseForSku(e.skuId);
    if (!sku) return 'unknown-sku';
    const existing = await this.deps.store.findPayment('discord', e.entitlementId);
    if (kind === 'delete' || e.deleted) {
      if (!existing) return 'unknown';
      const outcome = await this.refunded(
        {
          provider: 'discord',
          providerRef: e.entitlementId,
          refundRef: `deleted:${e.entitlementId}`,
          amountMinor: existing.amountMinor,
          at: e.at,
        },
        'refund',
      );
      return outcome;
    }
    if (existing?.orderId) {
      if (e.endsAt) await this.deps.access().extend(existing.orderId, e.endsAt);
      return existing.fulfilledAt ? 'updated' : await this.#fulfil(existing, e.endsAt);
    }
    const order = await this.deps
      .access()
      .openOrder(sku.communityId, e.platformUserId, sku.courseId, `discord:${e.entitlementId}`, e.at);
    if (!order) return 'already-owned';
    return this.paid({
      provider: 'discord',
      providerRef: e.entitlementId,
      orderId: order.id,
      amountMinor: order.amountMinor,
      currency: order.currency,
      at: e.at,
      payerRef: e.platformUserId,
      periodEnd: e.endsAt,
    });
  }

  /** The SKU that sells a course on Discord, if one was set (the premium button). */
  premiumSkuFor(courseId: string): Promise<string | null> {
    return this.deps.store.skuForCourse(courseId);
  }

  /** A self-service link for the member's subscription, when a provider offers one. */
  async portalLink(memberId: string, locale: string): Promise<{ url: string } | null> {
    for (const gateway of this.gateways()) {
      if (!gateway.portal) continue;
      const customer = await this.#customerOf(memberId, gateway.provider);
      if (customer) return gateway.portal(customer, locale);
    }
    return null;
  }

  #customerOf(memberId: string, provider: ProviderName): Promise<string | null> {
    return this.deps.store.customerOf(memberId, provider);
  }

  /** A payout to a creator (money sent to them outside the provider), booked by the operator. */
  async payout(
    community: string,
    creatorId: string,
    amountMinor: number,
    currency: string,
    reference: string,
    at: Date,
  ): Promise<void> {
    if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0)
      throw new UserError('PAYOUT_INVALID', 'payments:errors.payoutInvalid');
    await this.deps.store.book([
      {
        communityId: community,
        creatorId,
        paymentId: null,
        kind: 'payout',
        amountMinor: -amountMinor,
        currency,
        provider: 'manual',
        reference: `payout:${reference}`,
        occurredAt: at,
      },
    ]);
  }

  /**
   * Compares a provider's records since `since` with ours: a payment we never recorded is recorded and fulfilled,
   * a refund we missed is applied, a payment left unfulfilled by a crash is fulfilled; what cannot be healed is
   * recorded as an open discrepancy (the hourly integrity check alerts moderators) and logged for the operator.
   */
  async reconcile(since: Date): Promise<ReconciliationReport[]> {
    const reports: ReconciliationReport[] = [];
    const now = this.deps.clock.now();
    for (const gateway of this.gateways()) {
      const report: ReconciliationReport = { provider: gateway.provider, checked: 0, healed: [], open: [] };
      const note = async (
        communityId: string | null,
        subject: { provider: ProviderName; providerRef: string },
        kind: Discrepancy['kind'],
        detail: string,
        status: Discrepancy['status'],
      ) => {
        const d = await this.#discrepancy(communityId, subject, kind, detail, status);
        (status === 'healed' ? report.healed : report.open).push(d);
      };
      if (gateway.records) {
        let records: ProviderRecord[] | null = null;
        try {
          records = await gateway.records(since);
        } catch (error) {
          this.deps.log.error({ err: error, provider: gateway.provider }, 'reconciliation could not read the provider');
        }
        const seen = new Set<string>();
        for (const record of records ?? []) {
          report.checked++;
          seen.add(record.providerRef);
          const ours = await this.deps.store.findPayment(record.provider, record.providerRef);
          if (!ours) {
            if (!record.orderId) {
              await note(null, record, 'missing_here', 'a provider payment without an order id', 'open');
              continue;
            }
            const outcome = await this.paid({ ...record, orderId: record.orderId, at: record.paidAt });
            const order = await this.order(record.orderId);
            if (outcome === 'granted' || outcome === 'already' || outcome === 'refunded')
              await note(order?.communityId ?? null, record, 'missing_here', `recorded late: ${outcome}`, 'healed');
            continue;
          }
          if (ours.amountMinor !== record.amountMinor)
            await note(
              ours.communityId,
              record,
              'amount_mismatch',
              `${ours.amountMinor} here, ${record.amountMinor} there`,
              'open',
            );
          if (record.refunded && ours.status === 'paid') {
            await this.refunded(
              {
                provider: record.provider,
                providerRef: record.providerRef,
                refundRef: `reconciled:${record.providerRef}`,
                amountMinor: ours.amountMinor,
                at: now,
              },
              'refund',
            );
            await note(ours.communityId, record, 'refund_missing', 'refunded at the provider: applied here', 'healed');
          }
        }
        for (const ours of records ? await this.deps.store.paymentsSince(gateway.provider, since) : []) {
          // Renewals are invoices, not checkouts: the provider's checkout records cannot vouch for them.
          if (ours.kind === 'purchase' && ours.orderId && !seen.has(ours.providerRef) && ours.createdAt <= now)
            await note(ours.communityId, ours, 'missing_there', 'recorded here, unknown to the provider', 'open');
        }
      }
      // Paid but never turned into access (a crash in between, a provider that gave up retrying).
      for (const payment of await this.deps.store.unfulfilled(now, 200)) {
        if (payment.provider !== gateway.provider) continue;
        const sub = payment.subscriptionRef
          ? await this.deps.store.findSubscription(payment.provider, payment.subscriptionRef)
          : null;
        const outcome = await this.#fulfil(payment, sub?.currentPeriodEnd ?? null);
        await note(payment.communityId, payment, 'unfulfilled', `paid, access was missing: ${outcome}`, 'healed');
      }
      for (const d of report.open)
        this.deps.log.warn(
          { provider: d.provider, ref: d.providerRef, kind: d.kind, detail: d.detail },
          'payment discrepancy',
        );
      this.deps.log.info(
        { provider: gateway.provider, checked: report.checked, healed: report.healed.length, open: report.open.length },
        'reconciliation done',
      );
      reports.push(report);
    }
    return reports;
  }

  async #discrepancy(
    communityId: string | null,
    subject: { provider: ProviderName; providerRef: string },
    kind: Discrepancy['kind'],
    detail: string,
    status: Discrepancy['status'],
  ): Promise<Discrepancy> {
    const d: Discrepancy = {
      communityId,
      provider: subject.provider,
      providerRef: subject.providerRef,
      kind,
      detail,
      status,
      foundAt: this.deps.clock.now(),
    };
    await this.deps.store.recordDiscrepancy(d);
    return d;
  }

  #paymentEntries(order: PaidOrderView, provider: ProviderName, ref: string, amount: number, at: Date): MoneyEntry[] {
    const base = {
      communityId: order.communityId,
      creatorId: order.creatorId,
      paymentId: null,
      currency: order.currency,
      provider,
      occurredAt: at,
    };
    const fee = operatorFee(amount, this.deps.settings.operatorFeeBps);
    return [
      { ...base, kind: 'payment', amountMinor: amount, reference: `${provider}:${ref}:payment` },
      ...(fee > 0 ? [{ ...base, kind: 'fee' as const, amountMinor: -fee, reference: `${provider}:${ref}:fee` }] : []),
    ];
  }

  #refundEntries(payment: Payment, refundRef: string, at: Date, amount = payment.amountMinor): MoneyEntry[] {
    // The operator's fee goes back in proportion to what was refunded.
    const fee = operatorFee(amount, this.deps.settings.operatorFeeBps);
    return [
      this.#entry(payment, 'refund', -amount, `${payment.provider}:refund:${refundRef}`, at),
      ...(fee > 0 ? [this.#entry(payment, 'fee_refund', fee, `${payment.provider}:refund:${refundRef}:fee`, at)] : []),
    ];
  }

  #entry(payment: Payment, kind: MoneyEntry['kind'], amountMinor: number, reference: string, at: Date): MoneyEntry {
    return {
      communityId: payment.communityId,
      creatorId: payment.creatorId,
      paymentId: payment.id,
      kind,
      amountMinor,
      currency: payment.currency,
      provider: payment.provider,
      reference,
      occurredAt: at,
    };
  }
}
