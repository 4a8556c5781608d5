import type { CommerceIntegrityCounts, CommerceStore, NewEntitlement } from '../../core/commerce/ports.ts';
import type { CourseAccess, CourseOrder, Entitlement, OrderStatus } from '../../core/commerce/types.ts';
import type { PaymentModel } from '../../core/domain/types.ts';
import type { EffectEvents } from '../../core/ports/stores.ts';
import type { Db } from './database.ts';
import { insertEventsPrisma } from './event-rows.ts';
import type { Entitlement as EntitlementRow, CourseOrder as OrderRow } from './generated/sqlite/client.ts';
import { isUniqueViolation } from './prisma-errors.ts';

const toOrder = (row: OrderRow): CourseOrder => ({
  id: row.id,
  communityId: row.communityId,
  courseId: row.courseId,
  memberId: row.memberId,
  status: row.status as OrderStatus,
  amountMinor: row.amountMinor,
  currency: row.currency,
  paymentModel: row.paymentModel as PaymentModel,
  createdAt: row.createdAt,
  decidedAt: row.decidedAt,
  decidedById: row.decidedById,
});

const toEntitlement = (row: EntitlementRow): Entitlement => ({
  id: row.id,
  communityId: row.communityId,
  memberId: row.memberId,
  courseId: row.courseId,
  source: row.source as Entitlement['source'],
  orderId: row.orderId,
  startsAt: row.startsAt,
  expiresAt: row.expiresAt,
  revokedAt: row.revokedAt,
});

export class PrismaCommerceStore implements CommerceStore {
  constructor(private readonly db: Db) {}

  async createOrder(
    order: Omit<CourseOrder, 'status' | 'decidedAt' | 'decidedById'> & { requestKey: string },
    events: EffectEvents,
  ): Promise<{ order: CourseOrder; created: boolean; conflict: boolean }> {
    const where = { communityId_requestKey: { communityId: order.communityId, requestKey: order.requestKey } };
    try {
      const row = await this.db.$transaction(async (tx) => {
        const created = await tx.courseOrder.create({ data: order });
        await insertEventsPrisma(tx, events);
        return created;
      });
      return { order: toOrder(row), created: true, conflict: false };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.db.courseOrder.findUnique({ where });
      if (!existing) throw error;
      // The key stands for one course bought by one member; anything else under it is a conflict, not a replay.
      const conflict = existing.courseId !== order.courseId || existing.memberId !== order.memberId;
      return { order: toOrder(existing), created: false, conflict };
    }
  }

  async getOrder(communityId: string, id: string): Promise<CourseOrder | null> {
    const row = await this.db.courseOrder.findFirst({ where: { communityId, id } });
    return row ? toOrder(row) : null;
  }

  async listOrders(
    communityId: string,
    filter: { status?: OrderStatus; memberId?: string; courseIds?: string[] },
  ): Promise<CourseOrder[]> {
    const rows = await this.db.courseOrder.findMany({
      where: {
        communityId,
        status: filter.status,
        memberId: filter.memberId,
        courseId: filter.courseIds ? { in: filter.courseIds } : undefined,
      },
      orderBy: { createdAt: 'desc' },
      take: 200,
    });
    return rows.map(toOrder);
  }

  async decideOrder(
    id: string,
    decision: { status: 'paid' | 'cancelled'; by: string; at: Date; entitlement?: NewEntitlement },
    events: EffectEvents,
  ): Promise<{ order: CourseOrder; entitlement: Entitlement | null } | null> {
    return this.db.$transaction(async (tx) => {
      // Conditional update: only one of two concurrent confirmations sees the order pending.
      const { count } = await tx.courseOrder.updateMany({
        where: { id, status: 'pending' },
        data: { status: decision.status, decidedAt: decision.at, decidedById: decision.by },
      });
      if (count === 0) return null;
      const order = toOrder(await tx.courseOrder.findUniqueOrThrow({ where: { id } }));
      const entitlement = decision.entitlement
        ? toEntitlement(await tx.entitlement.create({ data: decision.entitlement }))
        : null;
      await insertEventsPrisma(tx, events);
      return { order, entitlement };
    });
  }

  async grant(entitlement: NewEntitlement, events: EffectEvents): Promise<Entitlement> {
    return this.db.$transaction(async (tx) => {
      const row = await tx.entitlement.create({ data: entitlement });
      await insertEventsPrisma(tx, events);
      return toEntitlement(row);
    });
  }

  async orderById(id: string): Promise<CourseOrder | null> {
    const row = await this.db.courseOrder.findUnique({ where: { id } });
    return row ? toOrder(row) : null;
  }

  async entitlementForOrder(orderId: string): Promise<Entitlement | null> {
    const row = await this.db.entitlement.findUnique({ where: { orderId } });
    return row ? toEntitlement(row) : null;
  }

  async setEntitlementExpiry(id: string, expiresAt: Date): Promise<void> {
    // A new end means the expiry job looks at it again when it comes.
    await this.db.entitlement.update({ where: { id }, data: { expiresAt, accessEndedAt: null } });
  }

  async refundOrder(
    id: string,
    refund: { by: string; at: Date },
  ): Promise<{ order: CourseOrder; entitlement: Entitlement | null } | null> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.courseOrder.updateMany({
        where: { id, status: 'paid' },
        data: { status: 'refunded', decidedAt: refund.at, decidedById: refund.by },
      });
      if (count === 0) return null;
      const order = toOrder(await tx.courseOrder.findUniqueOrThrow({ where: { id } }));
      await tx.entitlement.updateMany({ where: { orderId: id, revokedAt: null }, data: { revokedAt: refund.at } });
      const row = await tx.entitlement.findUnique({ where: { orderId: id } });
      return { order, entitlement: row ? toEntitlement(row) : null };
    });
  }

  async integrity(communityId: string): Promise<CommerceIntegrityCounts> {
    const [paid, purchases] = await Promise.all([
      this.db.courseOrder.findMany({ where: { communityId, status: 'paid' }, select: { id: true } }),
      this.db.entitlement.findMany({
        where: { communityId, source: 'purchase', revokedAt: null },
        select: { orderId: true },
      }),
    ]);
    const paidIds = new Set(paid.map((o) => o.id));
    const entitled = new Set(purchases.map((e) => e.orderId));
    return {
      paidWithoutEntitlement: paid.filter((o) => !entitled.has(o.id)).length,
      entitlementsWithoutPaidOrder: purchases.filter((e) => !e.orderId || !paidIds.has(e.orderId)).length,
    };
  }

  async entitlements(communityId: string, memberId: string): Promise<Entitlement[]> {
    const rows = await this.db.entitlement.findMany({
      where: { communityId, memberId },
      orderBy: { startsAt: 'desc' },
    });
    return rows.map(toEntitlement);
  }

  async endedWithAccess(at: Date, limit: number): Promise<Entitlement[]> {
    const rows = await this.db.entitlement.findMany({
      where: { expiresAt: { lte: at }, accessEndedAt: null },
      orderBy: { expiresAt: 'asc' },
      take: limit,
    });
    return rows.map(toEntitlement);
  }

  async markAccessEnded(id: string, at: Date): Promise<void> {
    await this.db.entitlement.update({ where: { id }, data: { accessEndedAt: at } });
  }

  async getAccess(courseId: string): Promise<CourseAccess | null> {
    return this.db.courseAccess.findUnique({ where: { courseId } });
  }

  async setAccess(access: CourseAccess): Promise<CourseAccess> {
    return this.db.courseAccess.upsert({ where: { courseId: access.courseId }, create: access, update: access });
  }
}
