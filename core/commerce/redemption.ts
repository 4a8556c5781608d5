import { createHash } from 'node:crypto';
import type { Community, Course, Member } from '../domain/types.ts';
import { UserError } from '../errors.ts';
import type { Logger } from '../ports/logger.ts';
import type { PointsWallet } from '../ports/points.ts';
import type { CommerceService } from './commerce-service.ts';
import type { CouponStore } from './ports.ts';
import { pointsDiscount } from './pricing.ts';
import type { Coupon } from './types.ts';

const DAY = 86_400_000;
/** A coupon bought with points lasts this long. */
export const POINTS_COUPON_DAYS = 30;

/**
 * Points that buy something: a member turns points into a one-use coupon for one course, at the course's rate and
 * up to its cap. Exactly once per request key, even across a crash: the coupon is written first (unusable, with
 * the points it costs), then the points leave through the ledger under a key derived from the request, then the
 * coupon is marked funded. A replay finds the coupon, repeats the spend (the ledger answers "duplicate" or applies
 * it for the first time), and funds it: points move once and one coupon exists.
 */
export class RedemptionService {
  constructor(
    private readonly deps: {
      commerce: CommerceService;
      coupons: CouponStore;
      wallet: () => PointsWallet | null;
      log: Logger;
    },
  ) {}

  async redeem(
    community: Community,
    member: Member,
    course: Course,
    requestKey: string,
    at: Date,
    wanted?: number,
  ): Promise<{ coupon: Coupon; created: boolean; balance: number | null }> {
    const wallet = this.deps.wallet();
    const settings = await this.deps.commerce.settings(course);
    if (!wallet || settings.pointsPerUnit <= 0 || settings.pointsCapPercent <= 0 || course.priceMinor === 0)
      throw new UserError('POINTS_NOT_ACCEPTED', 'commerce:errors.pointsNotAccepted', { title: course.title });
    await this.deps.commerce.assertOnSale(course);
    const sourceKey = `redeem:${requestKey}`;
    let coupon = await this.deps.coupons.bySourceKey(community.id, sourceKey);
    const created = !coupon;
    if (!coupon) {
      const balance = await wallet.balance(community, member, at);
      const { discountMinor, points } = pointsDiscount(course, settings, Math.min(balance, wanted ?? balance));
      if (points <= 0 || discountMinor <= 0)
        throw new UserError('POINTS_TOO_FEW', 'commerce:errors.pointsTooFew', {
          balance,
          rate: settings.pointsPerUnit,
          title: course.title,
        });
      coupon = await this.deps.coupons.create({
        id: crypto.randomUUID(),
        communityId: community.id,
        code: pointsCode(community.id, sourceKey),
        creatorId: course.creatorId,
        courseId: course.id,
        kind: 'fixed',
        value: discountMinor,
        currency: course.currency,
        expiresAt: new Date(at.getTime() + POINTS_COUPON_DAYS * DAY),
        maxUses: 1,
        uses: 0,
        firstPurchaseOnly: false,
        memberId: member.id,
        sourceKey,
        pointsSpent: points,
        fundedAt: null,
        createdAt: at,
      });
      if (!coupon) throw new Error('points coupon code collided');
    }
    if (coupon.fundedAt) return { coupon, created: false, balance: null };
    const spent = await wallet.spend({
      community,
      member,
      amount: coupon.pointsSpent,
      reason: `coupon ${coupon.code}`,
      idempotencyKey: sourceKey,
      now: at,
    });
    if (spent.status === 'refused') {
      // The points went elsewhere between the quote and the spend: the unfunded coupon never works; say so.
      await this.deps.coupons.expire(community.id, coupon.id, at);
      throw new UserError('POINTS_TOO_FEW', 'commerce:errors.pointsTooFew', {
        balance: spent.balance,
        rate: settings.pointsPerUnit,
        title: course.title,
      });
    }
    await this.deps.coupons.markFunded(coupon.id, at);
    this.deps.log.info(
      { coupon: coupon.id, points: coupon.pointsSpent, course: course.id },
      'points redeemed for a coupon',
    );
    return { coupon: { ...coupon, fundedAt: at }, created, balance: spent.balance };
  }
}

/** A readable code that is the same for the same redemption (so a replay cannot mint a second code). */
function pointsCode(communityId: string, sourceKey: string): string {
  const digest = createHash('sha256').update(`${communityId}\n${sourceKey}`).digest('hex').slice(0, 8).toUpperCase();
  return `PTS-${digest}`;
}
