import { minorDigits } from '../domain/money.ts';
import type { Course } from '../domain/types.ts';
import { UserError } from '../errors.ts';
import type { Coupon, CourseAccess } from './types.ts';

/** Normalises what members type as a coupon code: letters, digits, dash and underscore, upper case. */
export function normalizeCode(raw: string): string | null {
  const code = raw.trim().toUpperCase();
  return /^[A-Z0-9][A-Z0-9_-]{2,31}$/.test(code) ? code : null;
}

/**
 * The discount a coupon gives on a course, in minor units, or a UserError saying why it does not apply. Percentages
 * round down (the buyer never gets more off than advertised; the creator never loses a fraction of a cent).
 */
export function couponDiscount(
  coupon: Coupon,
  course: Course,
  buyer: { memberId: string; hasPaidBefore: boolean },
  at: Date,
): number {
  const fail = (code: string, key: string) => {
    throw new UserError(code, `commerce:errors.${key}`, { code: coupon.code, title: course.title });
  };
  // What the coupon is for first (the most useful answer), then whether it is still good.
  if (coupon.memberId && coupon.memberId !== buyer.memberId) fail('COUPON_NOT_YOURS', 'couponNotYours');
  if (coupon.courseId && coupon.courseId !== course.id) fail('COUPON_OTHER_COURSE', 'couponOtherCourse');
  if (!coupon.courseId && coupon.creatorId && course.creatorId !== coupon.creatorId)
    fail('COUPON_OTHER_COURSE', 'couponOtherCourse');
  if (coupon.kind === 'fixed' && coupon.currency !== course.currency) fail('COUPON_CURRENCY', 'couponCurrency');
  if (coupon.pointsSpent > 0 && !coupon.fundedAt) fail('COUPON_UNKNOWN', 'couponUnfunded');
  if (coupon.expiresAt && coupon.expiresAt <= at) fail('COUPON_EXPIRED', 'couponExpired');
  if (coupon.maxUses !== null && coupon.uses >= coupon.maxUses) fail('COUPON_USED_UP', 'couponUsedUp');
  if (coupon.firstPurchaseOnly && buyer.hasPaidBefore) fail('COUPON_FIRST_ONLY', 'couponFirstOnly');
  const off = coupon.kind === 'percent' ? Math.floor((course.priceMinor * coupon.value) / 100) : coupon.value;
  return Math.min(course.priceMinor, off);
}

/**
 * What points may buy on a course: at most `pointsCapPercent` of the price, at `pointsPerUnit` points for one whole
 * unit of the currency. Returns the discount in minor units and the points it costs (rounded up, so a points
 * discount is never worth more than the points paid), for `points` offered at most.
 */
export function pointsDiscount(
  course: Course,
  access: Pick<CourseAccess, 'pointsPerUnit' | 'pointsCapPercent'>,
  points: number,
): { discountMinor: number; points: number } {
  if (access.pointsPerUnit <= 0 || access.pointsCapPercent <= 0 || points <= 0) return { discountMinor: 0, points: 0 };
  const unit = 10 ** minorDigits(course.currency);
  const cap = Math.floor((course.priceMinor * access.pointsCapPercent) / 100);
  const affordable = Math.floor((points * unit) / access.pointsPerUnit);
  const discountMinor = Math.min(cap, affordable);
  return { discountMinor, points: Math.ceil((discountMinor * access.pointsPerUnit) / unit) };
}
