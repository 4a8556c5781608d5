import { UserError } from '../../errors.ts';
import { commandsFor } from '../../framework/command.ts';
import type { CommerceService } from '../commerce-service.ts';
import type { LevelService } from '../levels.ts';
import type { NoticeService } from '../notices.ts';
import type { CouponStore } from '../ports.ts';
import type { PromotionPublisher } from '../promotion-publisher.ts';
import type { PromotionService } from '../promotion-service.ts';
import type { RedemptionService } from '../redemption.ts';

/** The commerce feature's handles, as its commands see them in `ctx.services`. */
export interface CommerceHandles {
  /** Paid content: orders, entitlements, course access. */
  commerce: CommerceService;
  /** Discount codes. */
  coupons: CouponStore;
  /** Promotion channels, quotas, approvals. */
  promotions: PromotionService;
  /** Posts approved promotion cards in their channel. */
  promotionPublisher: PromotionPublisher;
  /** Messages owed to members (reminders, endings). */
  notices: NoticeService;
  /** Points into coupons. */
  redemption: RedemptionService;
  /** Levels from points earned and their rewards. */
  levels: LevelService;
}

/** defineCommand for the commerce feature's commands. */
export const defineCommerceCommand = commandsFor<CommerceHandles>();

/** A course reference as every command takes it. */
export const courseRefDescription = { en: 'Course #id (as on its card)', 'zh-CN': '课程 #编号（见课程卡片）' };

/** A course's topics as a creator types them (`ai, 投资、data`): lower case, at most 8. */
export function parseCourseTags(text: string | undefined): string[] {
  const tags = (text ?? '')
    .split(/[,，、]/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (tags.length > 8) throw new UserError('TOO_MANY_TAGS', 'commerce:errors.tooManyTags');
  return tags;
}

/** The catalogue language of a course: Chinese when its title or description has Chinese in it. */
export const courseLanguage = (title: string, description: string) =>
  /[\u4e00-\u9fff]/.test(`${title}${description}`) ? 'zh' : 'en';
