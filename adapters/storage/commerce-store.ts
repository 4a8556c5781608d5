import type {
  CommerceIntegrityCounts,
  CommerceStore,
  NewEntitlement,
  NewNotice,
  NewOrder,
} from '../../core/commerce/ports.ts';
import type { CourseAccess, CourseOrder, Entitlement, OrderStatus } from '../../core/commerce/types.ts';
import type { PaymentModel } from '../../core/domain/types.ts';
import { UserError } from '../../core/errors.ts';
import type { EffectEvents } from '../../core/ports/stores.ts';
import type { Db } from './database.ts';
import { insertEventsPrisma } from './event-rows.ts';
import type {
  CourseAccess as AccessRow,
  Entitlement as EntitlementRow,
  CourseOrder as OrderRow,
  Prisma,
} from './generated/sqlite/client.ts';
import { isUniqueViolation } from './prisma-errors.ts';

const toOrder = (row: OrderRow): CourseOrder => ({
  id: row.id,
  communityId: row.communityId,
  courseId: row.courseId,
  memberId: row.memberId,
  status: row.status as OrderStatus,
  amountMinor: row.amountMinor,
  discountMinor: row.discountMinor,
  couponId: row.couponId,
  promotionId: row.promotionId,
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

const toAccess = (row: AccessRow): CourseAccess => ({ ...row });

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/** Notices written inside the change that causes them; a key already written is skipped (each notice exists once). */
export async function insertNotices(tx: Tx | Db, notices: readonly NewNotice[] = []): Promise<number> {
  let added = 0;
  for (const n of notices) {
    const exists = await tx.memberNotice.findUnique({ where: { key: n.key }, select: { id: true } });
    if (exists) continue;
    await tx.memberNotice.create({ data: { ...n, params: n.params as Prisma.InputJsonValue, createdAt: n.dueAt } });
    added++;
  }
  return added;
}

/** Grants for good (not purchases or trials) are one per member and course, enforced by a unique key. */
const holdKeyOf = (e: NewEntitlement): string | null =>
  e.expiresAt === null && (e.source === 'grant' || e.source === 'level')
    ? `${e.communityId}:${e.memberId}:${e.courseId}`
    : null;

export class PrismaCommerceStore implements CommerceStore {
  constructor(private readonly db: Db) {}

  async createOrder(
    order: NewOrder,
    events: EffectEvents,
  ): Promise<{ order: CourseOrder; created: boolean; conflict: boolean }> {
    const where = { communityId_requestKey: { communityId: order.communityId, requestKey: order.requestKey } };
    const existing = await this.db.courseOrder.findUnique({ where });
    if (existing) return this.#replayed(existing, order);
    try {
      const row = await this.db.$transaction(async (tx) => {
        if (order.couponId) {
          // Conditional take: two buyers racing for a coupon's last use cannot both get it.
          const coupon = await tx.courseCoupon.findUniqueOrThrow({ where: { id: order.couponId } });
          const { count } = await tx.courseCoupon.updateMany({
            where: { id: order.couponId, ...(coupon.maxUses === null ? {} : { uses: { lt: coupon.maxUses } }) },
            data: { uses: { increment: 1 } },
          });
          if (count === 0) throw new UserError('COUPON_USED_UP', 'commerce:errors.couponUsedUp', { code: coupon.code });
        }
        const created = await tx.courseOrder.create({ data: order });
        await insertEventsPrisma(tx, events);
        return created;
      });
      return { order: toOrder(row), created: true, conflict: false };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const raced = await this.db.courseOrder.findUnique({ where });
      if (!raced) throw error;
      return this.#replayed(raced, order);
    }
  }

  /** The key stands for one course bought by one member; anything else under it is a conflict, not a replay. */
  #replayed(existing: OrderRow, order: NewOrder) {
    const conflict = existing.courseId !== order.courseId || existing.memberId !== order.memberId;
    return { order: toOrder(existing), created: false, conflict };
  }

  async hasPaidOrder(communityId: string, memberId: string): Promise<boolean> {
    const row = await this.db.courseOrder.findFirst({
      where: { communityId, memberId, status: { in: ['paid', 'refunded'] } },
      select: { id: true },
    });
    return row !== null;
  }

  async getOrder(communityId: string, id: string): Promise<CourseOrder | null> {
    const row = await this.db.courseOrder.findFirst({ where: { communityId, id } });
    return row ? toOrder(row) : null;
  }

  async listOrders(
    communityId: string,
    filter: { status?: OrderStatus; memberId?: string; courseIds?: string[]; since?: Date },
  ): Promise<CourseOrder[]> {
    const rows = await this.db.courseOrder.findMany({
      where: {
        communityId,
        status: filter.status,
        memberId: filter.memberId,
        courseId: filter.courseIds ? { in: filter.courseIds } : undefined,
        // Decided orders count when they were decided (a payment, a refund), pending ones when they were made.
        ...(filter.since ? { OR: [{ createdAt: { gte: filter.since } }, { decidedAt: { gte: filter.since } }] } : {}),
      },
      orderBy: { createdAt: 'desc' },
      take: filter.since ? 5000 : 200,
    });
    return rows.map(toOrder);
  }

  async decideOrder(
    id: string,
    decision: { status: 'paid' | 'cancelled'; by: string | null; at: Date; entitlement?: NewEntitlement },
    events: EffectEvents,
    notices: readonly NewNotice[] = [],
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
      // A cancelled order gives its coupon use back.
      if (decision.status === 'cancelled' && order.couponId)
        await tx.courseCoupon.updateMany({
          where: { id: order.couponId, uses: { gt: 0 } },
          data: { uses: { decrement: 1 } },
        });
      await insertEventsPrisma(tx, events);
      await insertNotices(tx, notices);
      return { order, entitlement };
    });
  }

  async grant(
    entitlement: NewEntitlement,
    events: EffectEvents,
  ): Promise<{ entitlement: Entitlement; created: boolean }> {
    return this.db
      .$transaction(async (tx) => {
        // Granting what the member holds is the same entitlement: for good over for good, timed over any access that
        // is still running (a gift for good on top of a subscription is an upgrade, so it is written).
        const held = await tx.entitlement.findFirst({
          where: {
            communityId: entitlement.communityId,
            memberId: entitlement.memberId,
            courseId: entitlement.courseId,
            revokedAt: null,
            OR:
              entitlement.expiresAt === null
                ? [{ expiresAt: null }]
                : [{ expiresAt: null }, { expiresAt: { gt: entitlement.startsAt } }],
          },
          orderBy: { startsAt: 'desc' },
        });
        if (held) return { entitlement: toEntitlement(held), created: false };
        const row = await tx.entitlement.create({ data: { ...entitlement, holdKey: holdKeyOf(entitlement) } });
        await insertEventsPrisma(tx, events);
        return { entitlement: toEntitlement(row), created: true };
      })
      .catch(async (error: unknown) => {
        // Two grants for good at once (PostgreSQL, read committed): the other one's row is the entitlement.
        const key = holdKeyOf(entitlement);
        if (!key || !isUniqueViolation(error)) throw error;
        const row = await this.db.entitlement.findUnique({ where: { holdKey: key } });
        if (!row) throw error;
        return { entitlement: toEntitlement(row), created: false };
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

  async setEntitlementExpiry(id: string, expiresAt: Date, options: { regrant?: boolean } = {}): Promise<void> {
    // A new end means the expiry job looks at it again when it comes.
    await this.db.entitlement.update({
      where: { id },
      data: { expiresAt, accessEndedAt: null, ...(options.regrant ? { accessGrantedAt: null } : {}) },
    });
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
      // A refunded order keeps its entitlement row, revoked: only live purchases need a paid order.
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

  async endingBetween(from: Date, until: Date, limit: number): Promise<Entitlement[]> {
    const rows = await this.db.entitlement.findMany({
      where: { expiresAt: { gt: from, lte: until }, revokedAt: null },
      orderBy: { expiresAt: 'asc' },
      take: limit,
    });
    return rows.map(toEntitlement);
  }

  async hadTrial(communityId: string, memberId: string, courseId: string): Promise<boolean> {
    const row = await this.db.entitlement.findFirst({
      where: { communityId, memberId, courseId, source: 'trial' },
      select: { id: true },
    });
    return row !== null;
  }

  async markAccessEnded(id: string, at: Date, notices: readonly NewNotice[] = []): Promise<void> {
    await this.db.$transaction(async (tx) => {
      await tx.entitlement.update({ where: { id }, data: { accessEndedAt: at } });
      await insertNotices(tx, notices);
    });
  }

  async awaitingAccess(at: Date, created: { from: Date; until: Date }, limit: number): Promise<Entitlement[]> {
    const rows = await this.db.entitlement.findMany({
      where: {
        accessGrantedAt: null,
        revokedAt: null,
        startsAt: { lte: at },
        createdAt: { gte: created.from, lt: created.until },
        OR: [{ expiresAt: null }, { expiresAt: { gt: at } }],
      },
      orderBy: { createdAt: 'asc' },
      take: limit,
    });
    return rows.map(toEntitlement);
  }

  async markAccessGranted(id: string, at: Date): Promise<void> {
    await this.db.entitlement.update({ where: { id }, data: { accessGrantedAt: at } });
  }

  async getAccess(courseId: string): Promise<CourseAccess | null> {
    const row = await this.db.courseAccess.findUnique({ where: { courseId } });
    return row ? toAccess(row) : null;
  }

  async setAccess(access: CourseAccess): Promise<CourseAccess> {
    return toAccess(
      await this.db.courseAccess.upsert({ where: { courseId: access.courseId }, create: access, update: access }),
    );
  }

  async accesses(communityId: string): Promise<CourseAccess[]> {
    return (await this.db.courseAccess.findMany({ where: { communityId } })).map(toAccess);
  }
}
