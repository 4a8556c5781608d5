import { randomUUID } from 'node:crypto';
import { formatPrice, isCurrency, parsePrice } from '../../domain/money.ts';
import { hasPermission } from '../../domain/types.ts';
import { UserError } from '../../errors.ts';
import { option } from '../../framework/options.ts';
import type { Translate } from '../../i18n/translate.ts';
import { formatDate } from '../course-card.ts';
import { normalizeCode } from '../pricing.ts';
import type { Coupon } from '../types.ts';
import { courseRefDescription, defineCommerceCommand } from './shared.ts';

const DAY = 86_400_000;

/** `2026-12-31` (end of that day in the community's zone is close enough: the end of that UTC day) or `30d`. */
export function parseExpiry(raw: string, now: Date): Date | null {
  const days = /^(\d{1,4})d$/i.exec(raw.trim());
  if (days) return new Date(now.getTime() + Number(days[1]) * DAY);
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  if (!date) return null;
  const end = new Date(`${date[1]}-${date[2]}-${date[3]}T23:59:59.999Z`);
  return Number.isNaN(end.getTime()) || end.getUTCDate() !== Number(date[3]) ? null : end;
}

export const couponCreateCommand = defineCommerceCommand({
  name: 'coupon create',
  description: {
    en: 'Make a coupon: percent or amount off, expiry, uses',
    'zh-CN': '创建优惠码：折扣或减免金额、有效期、次数',
  },
  permission: 'creator',
  options: {
    code: option.string({
      description: { en: 'The code members type', 'zh-CN': '成员输入的优惠码' },
      required: true,
      maxLength: 32,
    }),
    off: option.string({
      description: { en: '20% or an amount such as 10', 'zh-CN': '20% 或金额如 10' },
      required: true,
      maxLength: 16,
    }),
    course: option.string({ description: courseRefDescription, maxLength: 40 }),
    expires: option.string({
      description: { en: 'Last day (2026-12-31) or 30d', 'zh-CN': '截止日期（2026-12-31）或 30d' },
      maxLength: 16,
    }),
    uses: option.integer({
      description: { en: 'Most uses in all', 'zh-CN': '总使用次数上限' },
      min: 1,
      max: 1_000_000,
    }),
    first: option.boolean({ description: { en: 'First purchase only', 'zh-CN': '仅限首单' } }),
    currency: option.string({
      description: {
        en: 'Currency of an amount (default: the course’s, or CNY)',
        'zh-CN': '金额币种（默认课程币种或 CNY）',
      },
      maxLength: 3,
    }),
  },
  async handler({ input, member, community, services, t, locale, clock }) {
    const now = clock.now();
    const code = normalizeCode(input.code);
    if (!code) throw new UserError('COUPON_CODE_INVALID', 'commerce:errors.couponCodeInvalid', { code: input.code });
    const course = input.course ? await services.commerce.findCourse(community.id, input.course) : null;
    if (course) services.commerce.assertManages(member, course);
    const percent = /^(\d{1,3})%$/.exec(input.off.trim());
    const currency = (input.currency ?? course?.currency ?? 'CNY').toUpperCase();
    if (!percent && !isCurrency(currency))
      throw new UserError('CURRENCY_INVALID', 'commerce:errors.currencyInvalid', { currency: input.currency });
    const value = percent ? Number(percent[1]) : parsePrice(input.off, currency);
    if (value === null || value <= 0 || (percent && value > 100))
      throw new UserError('COUPON_OFF_INVALID', 'commerce:errors.couponOffInvalid', { off: input.off });
    const expiresAt = input.expires ? parseExpiry(input.expires, now) : null;
    if (input.expires && (!expiresAt || expiresAt <= now))
      throw new UserError('COUPON_EXPIRY_INVALID', 'commerce:errors.couponExpiryInvalid', { expires: input.expires });
    // A moderator's coupon without a course works on every course; a creator's on all of theirs.
    const moderatorWide = !course && hasPermission(member.role, 'moderator');
    const coupon = await services.coupons.create({
      id: randomUUID(),
      communityId: community.id,
      code,
      creatorId: moderatorWide ? null : member.id,
      courseId: course?.id ?? null,
      kind: percent ? 'percent' : 'fixed',
      value,
      currency: percent ? null : currency,
      expiresAt,
      maxUses: input.uses ?? null,
      uses: 0,
      firstPurchaseOnly: input.first ?? false,
      memberId: null,
      sourceKey: null,
      pointsSpent: 0,
      fundedAt: null,
      createdAt: now,
    });
    if (!coupon) throw new UserError('COUPON_CODE_TAKEN', 'commerce:errors.couponCodeTaken', { code });
    const scope = course
      ? t('commerce:couponScopeCourse', { title: course.title })
      : t(moderatorWide ? 'commerce:couponScopeEverything' : 'commerce:couponScopeAll');
    return {
      text: t('commerce:couponCreated', {
        code,
        off: offText(coupon, locale),
        scope,
        limits: limitsText(coupon, t, locale, community.timezone),
      }),
      tone: 'success',
    };
  },
});

export const couponsCommand = defineCommerceCommand({
  name: 'coupons',
  description: { en: 'Your coupons and how often they were used', 'zh-CN': '你的优惠码及使用情况' },
  permission: 'creator',
  options: {},
  async handler({ member, community, services, t, locale }) {
    const all = hasPermission(member.role, 'moderator')
      ? (await services.coupons.list(community.id, {})).filter((c) => !c.memberId)
      : await services.coupons.list(community.id, { creatorId: member.id });
    const mine = all.filter((c) => !c.memberId);
    if (mine.length === 0) return { text: t('commerce:couponsEmpty'), ephemeral: true };
    return {
      title: t('commerce:couponsTitle'),
      items: mine.slice(0, 20).map((c) => ({
        title: c.code,
        description: t('commerce:couponLine', {
          off: offText(c, locale),
          uses: c.uses,
          max: c.maxUses === null ? '' : `/${c.maxUses}`,
          expiry: c.expiresAt
            ? t('commerce:couponExpires', { date: formatDate(c.expiresAt, locale, community.timezone) })
            : '',
          first: c.firstPurchaseOnly ? t('commerce:couponFirst') : '',
        }),
      })),
      ephemeral: true,
    };
  },
});

function offText(coupon: Coupon, locale: 'en' | 'zh-CN'): string {
  return coupon.kind === 'percent' ? `${coupon.value}%` : formatPrice(coupon.value, coupon.currency ?? 'CNY', locale);
}

function limitsText(coupon: Coupon, t: Translate, locale: 'en' | 'zh-CN', timeZone: string): string {
  return [
    coupon.expiresAt ? t('commerce:couponExpires', { date: formatDate(coupon.expiresAt, locale, timeZone) }) : '',
    coupon.maxUses !== null ? t('commerce:couponUses', { uses: coupon.maxUses }) : '',
    coupon.firstPurchaseOnly ? t('commerce:couponFirst') : '',
  ].join('');
}
