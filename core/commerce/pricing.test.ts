import { describe, expect, it } from 'vitest';
import type { Course } from '../domain/types.ts';
import type { UserError } from '../errors.ts';
import { couponDiscount, normalizeCode, pointsDiscount } from './pricing.ts';
import type { Coupon } from './types.ts';

const AT = new Date('2026-11-20T00:00:00Z');
const course: Course = {
  id: 'c1',
  communityId: 'k',
  creatorId: 'lin',
  title: 'Course',
  description: '',
  tags: [],
  language: 'en',
  priceMinor: 9900,
  currency: 'USD',
  paymentModel: 'one_off',
  url: null,
  createdAt: AT,
};
const coupon = (patch: Partial<Coupon>): Coupon => ({
  id: 'x',
  communityId: 'k',
  code: 'SAVE',
  creatorId: 'lin',
  courseId: null,
  kind: 'percent',
  value: 15,
  currency: null,
  expiresAt: null,
  maxUses: null,
  uses: 0,
  firstPurchaseOnly: false,
  memberId: null,
  sourceKey: null,
  pointsSpent: 0,
  fundedAt: null,
  createdAt: AT,
  ...patch,
});
const buyer = { memberId: 'alice', hasPaidBefore: false };
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return (error as UserError).code;
  }
  return 'OK';
};

describe('coupons', () => {
  it('takes percentages down and fixed amounts off, never below zero', () => {
    expect(couponDiscount(coupon({ value: 15 }), course, buyer, AT)).toBe(1485);
    expect(couponDiscount(coupon({ value: 33 }), { ...course, priceMinor: 999 }, buyer, AT)).toBe(329);
    expect(couponDiscount(coupon({ kind: 'fixed', value: 2000, currency: 'USD' }), course, buyer, AT)).toBe(2000);
    expect(couponDiscount(coupon({ kind: 'fixed', value: 20000, currency: 'USD' }), course, buyer, AT)).toBe(9900);
  });

  it('refuses expired, used-up, foreign, first-purchase and other-currency coupons', () => {
    expect(codeOf(() => couponDiscount(coupon({ expiresAt: AT }), course, buyer, AT))).toBe('COUPON_EXPIRED');
    expect(codeOf(() => couponDiscount(coupon({ maxUses: 3, uses: 3 }), course, buyer, AT))).toBe('COUPON_USED_UP');
    expect(codeOf(() => couponDiscount(coupon({ memberId: 'bob' }), course, buyer, AT))).toBe('COUPON_NOT_YOURS');
    expect(codeOf(() => couponDiscount(coupon({ courseId: 'c2' }), course, buyer, AT))).toBe('COUPON_OTHER_COURSE');
    expect(codeOf(() => couponDiscount(coupon({ creatorId: 'chen' }), course, buyer, AT))).toBe('COUPON_OTHER_COURSE');
    expect(
      codeOf(() => couponDiscount(coupon({ firstPurchaseOnly: true }), course, { ...buyer, hasPaidBefore: true }, AT)),
    ).toBe('COUPON_FIRST_ONLY');
    expect(codeOf(() => couponDiscount(coupon({ kind: 'fixed', value: 5, currency: 'EUR' }), course, buyer, AT))).toBe(
      'COUPON_CURRENCY',
    );
    expect(codeOf(() => couponDiscount(coupon({ firstPurchaseOnly: true }), course, buyer, AT))).toBe('OK');
  });

  it('normalises codes and refuses odd ones', () => {
    expect(normalizeCode(' spring-25 ')).toBe('SPRING-25');
    expect(normalizeCode('ab')).toBeNull();
    expect(normalizeCode('春季')).toBeNull();
  });
});

describe('points discounts', () => {
  it('stops at the cap and costs whole points rounded up', () => {
    // 10 points per dollar, at most half the price: $49.50 for 495 points.
    expect(pointsDiscount(course, { pointsPerUnit: 10, pointsCapPercent: 50 }, 10_000)).toEqual({
      discountMinor: 4950,
      points: 495,
    });
    // 7 points buy 70 cents at 10 points per dollar.
    expect(pointsDiscount(course, { pointsPerUnit: 10, pointsCapPercent: 50 }, 7)).toEqual({
      discountMinor: 70,
      points: 7,
    });
    // 3 points per dollar: 10 points buy 333 cents, which cost 10 points (9.99 rounded up).
    expect(pointsDiscount(course, { pointsPerUnit: 3, pointsCapPercent: 50 }, 10)).toEqual({
      discountMinor: 333,
      points: 10,
    });
    expect(pointsDiscount(course, { pointsPerUnit: 0, pointsCapPercent: 50 }, 10)).toEqual({
      discountMinor: 0,
      points: 0,
    });
    expect(
      pointsDiscount({ ...course, currency: 'JPY', priceMinor: 1000 }, { pointsPerUnit: 1, pointsCapPercent: 20 }, 500),
    ).toEqual({ discountMinor: 200, points: 200 });
  });
});
