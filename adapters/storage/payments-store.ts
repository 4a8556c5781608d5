import type { NewPayment, PaymentStore } from '../../core/payments/ports.ts';
import type {
  Discrepancy,
  MoneyEntry,
  PaidSubscription,
  Payment,
  PaymentStatus,
  ProviderName,
} from '../../core/payments/types.ts';
import type { Db } from './database.ts';
import { isUniqueViolation } from './prisma-errors.ts';

type PaymentRow = Awaited<ReturnType<Db['payment']['findUniqueOrThrow']>>;
type SubscriptionRow = Awaited<ReturnType<Db['paidSubscription']['findUniqueOrThrow']>>;

const toPayment = (row: PaymentRow): Payment => ({
  id: row.id,
  communityId: row.communityId,
  provider: row.provider as ProviderName,
  providerRef: row.providerRef,
  orderId: row.orderId,
  memberId: row.memberId,
  courseId: row.courseId,
  creatorId: row.creatorId,
  kind: row.kind as Payment['kind'],
  amountMinor: row.amountMinor,
  currency: row.currency,
  status: row.status as PaymentStatus,
  fulfilledAt: row.fulfilledAt,
  customerRef: row.customerRef,
  subscriptionRef: row.subscriptionRef,
  payerRef: row.payerRef,
  createdAt: row.createdAt,
});

const toSubscription = (row: SubscriptionRow): PaidSubscription => ({
  id: row.id,
  communityId: row.communityId,
  provider: row.provider as ProviderName,
  providerRef: row.providerRef,
  orderId: row.orderId,
  memberId: row.memberId,
  status: row.status as PaidSubscription['status'],
  currentPeriodEnd: row.currentPeriodEnd,
  graceUntil: row.graceUntil,
  customerRef: row.customerRef,
});

/** Payments, provider events, subscriptions, the money ledger and reconciliation findings. */
export class PrismaPaymentStore implements PaymentStore {
  constructor(private readonly db: Db) {}

  async seenEvent(provider: ProviderName, eventId: string): Promise<boolean> {
    return (await this.db.providerEvent.findUnique({ where: { provider_eventId: { provider, eventId } } })) !== null;
  }

  async markEvent(provider: ProviderName, eventId: string, type: string, at: Date): Promise<void> {
    try {
      await this.db.providerEvent.create({ data: { provider, eventId, type, receivedAt: at } });
    } catch (error) {
      // Two deliveries handled at once: both did idempotent work, one marks it.
      if (!isUniqueViolation(error)) throw error;
    }
  }

  async recordPayment(
    payment: NewPayment,
    entries: readonly MoneyEntry[],
  ): Promise<{ payment: Payment; created: boolean }> {
    const key = { provider_providerRef: { provider: payment.provider, providerRef: payment.providerRef } };
    const found = await this.db.payment.findUnique({ where: key });
    if (found) return { payment: toPayment(found), created: false };
    const { at, ...fields } = payment;
    try {
      const row = await this.db.$transaction(async (tx) => {
        const created = await tx.payment.create({ data: { ...fields, createdAt: at, updatedAt: at } });
        for (const entry of entries) await tx.moneyEntry.create({ data: { ...entry, paymentId: created.id } });
        return created;
      });
      return { payment: toPayment(row), created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return { payment: toPayment(await this.db.payment.findUniqueOrThrow({ where: key })), created: false };
    }
  }

  async findPayment(provider: ProviderName, providerRef: string): Promise<Payment | null> {
    const row = await this.db.payment.findUnique({ where: { provider_providerRef: { provider, providerRef } } });
    return row ? toPayment(row) : null;
  }

  async paymentsForOrder(orderId: string): Promise<Payment[]> {
    const rows = await this.db.payment.findMany({ where: { orderId }, orderBy: { createdAt: 'asc' } });
    return rows.map(toPayment);
  }

  async paymentsForOrderRef(communityId: string, ref: string): Promise<Payment[]> {
    const rows = await this.db.payment.findMany({
      where: { communityId, orderId: { startsWith: ref } },
      orderBy: { createdAt: 'asc' },
      take: 50,
    });
    return rows.map(toPayment);
  }

  async setPaymentStatus(
    id: string,
    status: PaymentStatus,
    entries: readonly MoneyEntry[],
    at: Date,
  ): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      let booked = 0;
      for (const entry of entries) {
        // A refund notice seen before books nothing: its reference is already there.
        if (await tx.moneyEntry.findUnique({ where: { reference: entry.reference } })) continue;
        await tx.moneyEntry.create({ data: { ...entry, paymentId: id } });
        booked++;
      }
      const { count } = await tx.payment.updateMany({
        where: { id, status: { not: status } },
        data: { status, updatedAt: at },
      });
      return count > 0 || booked > 0;
    });
  }

  async markFulfilled(id: string, at: Date): Promise<void> {
    await this.db.payment.updateMany({ where: { id, fulfilledAt: null }, data: { fulfilledAt: at, updatedAt: at } });
  }

  async customerOf(memberId: string, provider: ProviderName): Promise<string | null> {
    const row = await this.db.payment.findFirst({
      where: { memberId, provider, customerRef: { not: null } },
      orderBy: { createdAt: 'desc' },
      select: { customerRef: true },
    });
    return row?.customerRef ?? null;
  }

  async unfulfilled(before: Date, limit: number): Promise<Payment[]> {
    const rows = await this.db.payment.findMany({
      where: { fulfilledAt: null, orderId: { not: null }, createdAt: { lte: before } },
      orderBy: { createdAt: 'asc' },
      take: limit,
    });
    return rows.map(toPayment);
  }

  async paymentsSince(provider: ProviderName, since: Date): Promise<Payment[]> {
    const rows = await this.db.payment.findMany({
      where: { provider, createdAt: { gte: since } },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(toPayment);
  }

  async upsertSubscription(sub: Omit<PaidSubscription, 'id'>, at: Date): Promise<PaidSubscription> {
    const { provider, providerRef } = sub;
    const data = { ...sub, updatedAt: at };
    const row = await this.db.paidSubscription.upsert({
      where: { provider_providerRef: { provider, providerRef } },
      create: data,
      update: data,
    });
    return toSubscription(row);
  }

  async findSubscription(provider: ProviderName, providerRef: string): Promise<PaidSubscription | null> {
    const row = await this.db.paidSubscription.findUnique({
      where: { provider_providerRef: { provider, providerRef } },
    });
    return row ? toSubscription(row) : null;
  }

  async subscriptionForOrder(orderId: string): Promise<PaidSubscription | null> {
    const row = await this.db.paidSubscription.findFirst({ where: { orderId }, orderBy: { updatedAt: 'desc' } });
    return row ? toSubscription(row) : null;
  }

  async book(entries: readonly MoneyEntry[]): Promise<number> {
    let booked = 0;
    for (const entry of entries) {
      try {
        await this.db.moneyEntry.create({ data: { ...entry } });
        booked++;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    return booked;
  }

  async balances(communityId: string, creatorId: string | null): Promise<{ currency: string; amountMinor: number }[]> {
    const groups = await this.db.moneyEntry.groupBy({
      by: ['currency'],
      where: { communityId, creatorId },
      _sum: { amountMinor: true },
      orderBy: { currency: 'asc' },
    });
    return groups.map((g) => ({ currency: g.currency, amountMinor: g._sum.amountMinor ?? 0 }));
  }

  async entries(communityId: string, filter: { creatorId?: string | null; limit?: number }): Promise<MoneyEntry[]> {
    const rows = await this.db.moneyEntry.findMany({
      where: { communityId, ...(filter.creatorId !== undefined ? { creatorId: filter.creatorId } : {}) },
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      take: filter.limit ?? 50,
    });
    return rows.map((r) => ({
      communityId: r.communityId,
      creatorId: r.creatorId,
      paymentId: r.paymentId,
      kind: r.kind as MoneyEntry['kind'],
      amountMinor: r.amountMinor,
      currency: r.currency,
      provider: r.provider as MoneyEntry['provider'],
      reference: r.reference,
      occurredAt: r.occurredAt,
    }));
  }

  async recordDiscrepancy(d: Discrepancy): Promise<boolean> {
    const key = { provider_providerRef_kind: { provider: d.provider, providerRef: d.providerRef, kind: d.kind } };
    const found = await this.db.paymentDiscrepancy.findUnique({ where: key });
    if (found) {
      if (found.status !== d.status)
        await this.db.paymentDiscrepancy.update({ where: key, data: { status: d.status, detail: d.detail } });
      return false;
    }
    try {
      await this.db.paymentDiscrepancy.create({ data: { ...d } });
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return false;
    }
  }

  async discrepancies(communityId: string | null, status?: Discrepancy['status']): Promise<Discrepancy[]> {
    const rows = await this.db.paymentDiscrepancy.findMany({
      where: { ...(communityId !== null ? { communityId } : {}), ...(status ? { status } : {}) },
      orderBy: { foundAt: 'desc' },
      take: 100,
    });
    return rows.map((r) => ({
      communityId: r.communityId,
      provider: r.provider as ProviderName,
      providerRef: r.providerRef,
      kind: r.kind as Discrepancy['kind'],
      detail: r.detail,
      status: r.status as Discrepancy['status'],
      foundAt: r.foundAt,
    }));
  }

  async setSkuCourse(sku: { skuId: string; communityId: string; courseId: string }): Promise<void> {
    await this.db.premiumSku.upsert({ where: { skuId: sku.skuId }, create: sku, update: sku });
  }

  async courseForSku(skuId: string): Promise<{ communityId: string; courseId: string } | null> {
    return this.db.premiumSku.findUnique({ where: { skuId }, select: { communityId: true, courseId: true } });
  }

  async skuForCourse(courseId: string): Promise<string | null> {
    return (await this.db.premiumSku.findFirst({ where: { courseId }, select: { skuId: true } }))?.skuId ?? null;
  }
}
