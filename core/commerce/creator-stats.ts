import type { Course } from '../domain/types.ts';
import type { EventStore } from '../ports/stores.ts';
import type { CommerceService } from './commerce-service.ts';
import type { PromotionService } from './promotion-service.ts';

export interface FunnelRow {
  course: Course;
  impressions: number;
  clicks: number;
  orders: number;
  paid: number;
  refunded: number;
}

export interface CreatorFunnel {
  since: Date;
  until: Date;
  rows: FunnelRow[];
  totals: Omit<FunnelRow, 'course'>;
  /** Net revenue (paid less refunded) per currency, in minor units, largest first. */
  revenue: { currency: string; minor: number }[];
}

/**
 * A creator's funnel per course over a window: impressions (promotion cards posted), clicks (views that came
 * from a card's button), orders made, orders paid, orders refunded, and net revenue per currency. Money is summed in
 * minor units per currency and never converted.
 */
export async function creatorFunnel(
  deps: { commerce: CommerceService; promotions: PromotionService; events: EventStore },
  input: { communityId: string; courses: readonly Course[]; since: Date; until: Date },
): Promise<CreatorFunnel> {
  const ids = input.courses.map((c) => c.id);
  const within = (d: Date | null) => d !== null && d >= input.since && d <= input.until;
  const [promotions, views, orders] = await Promise.all([
    deps.promotions.list(input.communityId, { status: 'posted', since: input.since, courseIds: ids }),
    deps.events.query({
      communityId: input.communityId,
      since: input.since,
      until: new Date(input.until.getTime() + 1),
      verbs: ['course.viewed'],
    }),
    deps.commerce.listOrders(input.communityId, { courseIds: ids, since: input.since }),
  ]);
  const rows = new Map<string, FunnelRow>(
    input.courses.map((course) => [course.id, { course, impressions: 0, clicks: 0, orders: 0, paid: 0, refunded: 0 }]),
  );
  for (const p of promotions) if (within(p.decidedAt ?? p.requestedAt)) rows.get(p.courseId)!.impressions++;
  for (const v of views) {
    const row = rows.get(v.objectId);
    if (row && typeof (v.metadata as { promotionId?: unknown }).promotionId === 'string') row.clicks++;
  }
  const revenue = new Map<string, number>();
  for (const o of orders) {
    const row = rows.get(o.courseId);
    if (!row) continue;
    if (within(o.createdAt)) row.orders++;
    // A refunded order was paid first; its money comes back out of revenue.
    if ((o.status === 'paid' || o.status === 'refunded') && within(o.decidedAt)) {
      row.paid++;
      revenue.set(o.currency, (revenue.get(o.currency) ?? 0) + o.amountMinor);
    }
    if (o.status === 'refunded' && within(o.decidedAt)) {
      row.refunded++;
      revenue.set(o.currency, (revenue.get(o.currency) ?? 0) - o.amountMinor);
    }
  }
  const list = [...rows.values()]
    .filter((r) => r.impressions + r.clicks + r.orders + r.paid + r.refunded > 0)
    .sort(
      (a, b) =>
        b.paid - a.paid || b.orders - a.orders || b.clicks - a.clicks || a.course.title.localeCompare(b.course.title),
    );
  const totals = { impressions: 0, clicks: 0, orders: 0, paid: 0, refunded: 0 };
  for (const r of list) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r[k];
  return {
    since: input.since,
    until: input.until,
    rows: list,
    totals,
    revenue: [...revenue.entries()].map(([currency, minor]) => ({ currency, minor })).sort((a, b) => b.minor - a.minor),
  };
}
