import { defineFeature, type FeatureContext } from '../framework/feature.ts';
import type { PaidAccess } from '../ports/paid-access.ts';
import { buyCommand, myCoursesCommand, redeemCommand, trialCommand } from './commands/buy.ts';
import { couponCreateCommand, couponsCommand } from './commands/coupon.ts';
import { courseAddCommand } from './commands/course-add.ts';
import { courseArchiveCommand, courseEditCommand, courseRestoreCommand } from './commands/course-edit.ts';
import { courseGrantCommand } from './commands/course-grant.ts';
import { courseAccessCommand, coursePromoteCommand, courseShowCommand } from './commands/course-show.ts';
import { creatorStatsCommand } from './commands/creator-stats.ts';
import { levelCommand, levelsRewardCommand, levelsToggleCommand } from './commands/levels.ts';
import { orderCancelCommand, orderConfirmCommand, orderReceiptCommand, ordersCommand } from './commands/orders.ts';
import {
  promoAllowCommand,
  promoApproveCommand,
  promoDenyCommand,
  promoListCommand,
  promoRejectCommand,
} from './commands/promo.ts';
import type { CommerceHandles } from './commands/shared.ts';
import { CommerceService } from './commerce-service.ts';
import { commerceIntegrityCheck } from './integrity.ts';
import { LevelService } from './levels.ts';
import { commerceMessages } from './messages.ts';
import { NoticeService } from './notices.ts';
import { paidAccessOf } from './paid-access.ts';
import type { CommerceStores } from './ports.ts';
import { PromotionPublisher } from './promotion-publisher.ts';
import { PromotionService } from './promotion-service.ts';
import { RedemptionService } from './redemption.ts';

const MINUTE = 60_000;

/**
 * Paid content: creators list, price and promote courses (in channels moderators opened, within quotas); members
 * buy with coupons or points, or try; creators (or a payment provider) confirm; entitlements unlock access, end on
 * time and tell the member; levels from points earned give roles and courses.
 */
export const commerceFeature = defineFeature<CommerceStores, CommerceHandles & { paidAccess: PaidAccess }>({
  name: 'commerce',
  messages: commerceMessages,
  services: (ctx: FeatureContext<CommerceStores>): CommerceHandles & { paidAccess: PaidAccess } => {
    const settings = ctx.settings.commerce;
    const commerce = new CommerceService({
      store: ctx.stores.orders,
      coupons: ctx.stores.coupons,
      notices: ctx.stores.notices,
      courses: ctx.core.courses,
      members: ctx.core.members,
      communities: ctx.core.communities,
      access: ctx.access,
      log: ctx.log,
      now: () => ctx.clock.now(),
    });
    return {
      commerce,
      paidAccess: paidAccessOf(commerce, ctx.stores.orders, ctx.core.courses, ctx.core.members, ctx.core.communities),
      coupons: ctx.stores.coupons,
      promotions: new PromotionService({
        store: ctx.stores.promotions,
        log: ctx.log,
        policy: { defaultWeeklyQuota: settings?.promoWeeklyQuota ?? 2 },
      }),
      promotionPublisher: new PromotionPublisher(ctx.messenger),
      notices: new NoticeService({
        notices: ctx.stores.notices,
        members: ctx.core.members,
        communities: ctx.core.communities,
        translator: ctx.core.translator,
        messenger: ctx.messenger,
        log: ctx.log,
      }),
      redemption: new RedemptionService({
        commerce,
        coupons: ctx.stores.coupons,
        // Points come from the interactions feature when it is installed; without it, courses take no points.
        wallet: () => {
          try {
            return ctx.port('points');
          } catch {
            return null;
          }
        },
        log: ctx.log,
      }),
      levels: new LevelService({
        store: ctx.stores.levels,
        events: ctx.core.events,
        members: ctx.core.members,
        courses: ctx.core.courses,
        communities: ctx.core.communities,
        commerce,
        access: ctx.access,
        log: ctx.log,
        basePoints: settings?.levelBasePoints ?? 10,
      }),
    };
  },
  // Payment providers (the payments feature) move orders and access through this port.
  provides: ({ paidAccess }) => ({ paidAccess }),
  integrity: (_handles, { stores }) => [commerceIntegrityCheck(stores.orders)],
  commands: [
    courseShowCommand,
    buyCommand,
    trialCommand,
    myCoursesCommand,
    ordersCommand,
    orderCancelCommand,
    orderReceiptCommand,
    redeemCommand,
    levelCommand,
    courseAddCommand,
    courseEditCommand,
    courseArchiveCommand,
    courseRestoreCommand,
    coursePromoteCommand,
    courseAccessCommand,
    courseGrantCommand,
    orderConfirmCommand,
    couponCreateCommand,
    couponsCommand,
    creatorStatsCommand,
    promoListCommand,
    promoAllowCommand,
    promoDenyCommand,
    promoApproveCommand,
    promoRejectCommand,
    levelsToggleCommand,
    levelsRewardCommand,
  ],
  jobs: ({ commerce, notices, levels }, { clock, settings, core }) => [
    // Subscriptions, memberships and trials that ended lose the role or channel they unlocked (and say so).
    {
      name: 'commerce:access-expiry',
      schedule: { everyMs: 10 * MINUTE },
      run: () => commerce.endExpiredAccess(clock.now()),
    },
    // Access that a crash or a platform error kept from being given after the purchase committed is given now.
    {
      name: 'commerce:access-grant',
      schedule: { everyMs: 5 * MINUTE },
      run: () => commerce.applyPendingAccess(clock.now()),
    },
    // Reminders before a period ends, written once per entitlement.
    {
      name: 'commerce:renewal-reminders',
      schedule: { everyMs: 60 * MINUTE },
      run: () => commerce.queueRenewalReminders(clock.now(), settings.commerce?.renewalNoticeDays ?? 3),
    },
    // Owed messages go out as direct messages in each member's language.
    { name: 'commerce:notices', schedule: { everyMs: MINUTE }, run: () => notices.deliverDue(clock.now()) },
    // Levels follow points: members whose points changed lately get their level's roles and courses.
    {
      name: 'commerce:levels',
      schedule: { everyMs: 10 * MINUTE },
      run: async () => {
        const now = clock.now();
        for (const community of await core.communities.list()) {
          if (!(await levels.enabled(community.id))) continue;
          const recent = await core.events.query({
            communityId: community.id,
            since: new Date(now.getTime() - 15 * MINUTE),
            verbs: ['tip.sent', 'points.granted', 'points.revoked'],
          });
          for (const memberId of new Set(recent.map((e) => e.targetMemberId)))
            await levels.onPointsEvent(community.id, memberId, now);
        }
      },
    },
  ],
});
