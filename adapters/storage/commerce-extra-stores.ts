import type { CouponStore, LevelStore, NewNotice, NoticeStore, PromotionStore } from '../../core/commerce/ports.ts';
import type {
  Coupon,
  CouponKind,
  LevelReward,
  MemberNotice,
  NoticeKind,
  PromoChannel,
  Promotion,
  PromotionStatus,
} from '../../core/commerce/types.ts';
import { insertNotices } from './commerce-store.ts';
import type { Db } from './database.ts';
import type {
  CourseCoupon as CouponRow,
  MemberNotice as NoticeRow,
  CoursePromotion as PromotionRow,
} from './generated/sqlite/client.ts';
import { isUniqueViolation } from './prisma-errors.ts';

const toCoupon = (row: CouponRow): Coupon => ({ ...row, kind: row.kind as CouponKind });
const toPromotion = (row: PromotionRow): Promotion => ({ ...row, status: row.status as PromotionStatus });
const toNotice = (row: NoticeRow): MemberNotice => ({
  id: row.id,
  communityId: row.communityId,
  memberId: row.memberId,
  kind: row.kind as NoticeKind,
  key: row.key,
  params: (row.params ?? {}) as Record<string, string | number>,
  dueAt: row.dueAt,
  sentAt: row.sentAt,
  attempts: row.attempts,
});

/** Discount codes (creators' and the ones points buy). */
export class PrismaCouponStore implements CouponStore {
  constructor(private readonly db: Db) {}

  async create(coupon: Coupon): Promise<Coupon | null> {
    try {
      return toCoupon(await this.db.courseCoupon.create({ data: coupon }));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A redemption replayed under its key finds the coupon it made; any other clash is a code already taken.
      if (coupon.sourceKey) return this.bySourceKey(coupon.communityId, coupon.sourceKey);
      return null;
    }
  }

  async byCode(communityId: string, code: string): Promise<Coupon | null> {
    const row = await this.db.courseCoupon.findUnique({ where: { communityId_code: { communityId, code } } });
    return row ? toCoupon(row) : null;
  }

  async bySourceKey(communityId: string, sourceKey: string): Promise<Coupon | null> {
    const row = await this.db.courseCoupon.findUnique({ where: { communityId_sourceKey: { communityId, sourceKey } } });
    return row ? toCoupon(row) : null;
  }

  async list(communityId: string, filter: { creatorId?: string; memberId?: string }): Promise<Coupon[]> {
    const rows = await this.db.courseCoupon.findMany({
      where: { communityId, creatorId: filter.creatorId, memberId: filter.memberId },
      orderBy: { createdAt: 'desc' },
      take: 50,
    });
    return rows.map(toCoupon);
  }

  async markFunded(id: string, at: Date): Promise<void> {
    await this.db.courseCoupon.updateMany({ where: { id, fundedAt: null }, data: { fundedAt: at } });
  }

  async expire(communityId: string, id: string, at: Date): Promise<void> {
    await this.db.courseCoupon.updateMany({ where: { communityId, id }, data: { expiresAt: at } });
  }
}

/** Promotion channels, quotas and the promotion cards (impressions). */
export class PrismaPromotionStore implements PromotionStore {
  constructor(private readonly db: Db) {}

  channel(communityId: string, channelId: string): Promise<PromoChannel | null> {
    return this.db.promoChannel.findUnique({ where: { communityId_channelId: { communityId, channelId } } });
  }

  channels(communityId: string): Promise<PromoChannel[]> {
    return this.db.promoChannel.findMany({ where: { communityId }, orderBy: { createdAt: 'asc' } });
  }

  saveChannel(channel: PromoChannel): Promise<PromoChannel> {
    const where = { communityId_channelId: { communityId: channel.communityId, channelId: channel.channelId } };
    return this.db.promoChannel.upsert({ where, create: channel, update: channel });
  }

  async removeChannel(communityId: string, channelId: string): Promise<boolean> {
    return (await this.db.promoChannel.deleteMany({ where: { communityId, channelId } })).count > 0;
  }

  async create(promotion: Promotion): Promise<Promotion> {
    return toPromotion(await this.db.coursePromotion.create({ data: promotion }));
  }

  async get(communityId: string, id: string): Promise<Promotion | null> {
    const row = await this.db.coursePromotion.findFirst({ where: { communityId, id } });
    return row ? toPromotion(row) : null;
  }

  countSince(communityId: string, channelId: string, creatorId: string, since: Date): Promise<number> {
    return this.db.coursePromotion.count({
      where: { communityId, channelId, creatorId, requestedAt: { gte: since }, status: { in: ['pending', 'posted'] } },
    });
  }

  async list(
    communityId: string,
    filter: { status?: PromotionStatus; since?: Date; courseIds?: string[] },
  ): Promise<Promotion[]> {
    const rows = await this.db.coursePromotion.findMany({
      where: {
        communityId,
        status: filter.status,
        requestedAt: filter.since ? { gte: filter.since } : undefined,
        courseId: filter.courseIds ? { in: filter.courseIds } : undefined,
      },
      orderBy: { requestedAt: 'asc' },
      take: 5000,
    });
    return rows.map(toPromotion);
  }

  async decide(id: string, status: 'posted' | 'rejected', by: string, at: Date): Promise<Promotion | null> {
    const { count } = await this.db.coursePromotion.updateMany({
      where: { id, status: 'pending' },
      data: { status, decidedAt: at, decidedById: by },
    });
    if (count === 0) return null;
    return toPromotion(await this.db.coursePromotion.findUniqueOrThrow({ where: { id } }));
  }
}

/** Messages owed to members, sent by the notices job. */
export class PrismaNoticeStore implements NoticeStore {
  constructor(private readonly db: Db) {}

  add(notices: readonly NewNotice[]): Promise<number> {
    return this.db.$transaction((tx) => insertNotices(tx, notices));
  }

  async due(at: Date, maxAttempts: number, limit: number): Promise<MemberNotice[]> {
    const rows = await this.db.memberNotice.findMany({
      where: { sentAt: null, dueAt: { lte: at }, attempts: { lt: maxAttempts } },
      orderBy: { dueAt: 'asc' },
      take: limit,
    });
    return rows.map(toNotice);
  }

  async markSent(id: string, at: Date): Promise<void> {
    await this.db.memberNotice.update({ where: { id }, data: { sentAt: at } });
  }

  async markFailed(id: string): Promise<void> {
    await this.db.memberNotice.update({ where: { id }, data: { attempts: { increment: 1 } } });
  }

  async forMember(communityId: string, memberId: string): Promise<MemberNotice[]> {
    const rows = await this.db.memberNotice.findMany({ where: { communityId, memberId }, orderBy: { dueAt: 'asc' } });
    return rows.map(toNotice);
  }
}

/** Levels from points earned, their rewards, and each member's last level. */
export class PrismaLevelStore implements LevelStore {
  constructor(private readonly db: Db) {}

  async enabled(communityId: string): Promise<boolean> {
    return (await this.db.levelSettings.findUnique({ where: { communityId } }))?.enabled ?? false;
  }

  async setEnabled(communityId: string, enabled: boolean, by: string, at: Date): Promise<void> {
    const data = { communityId, enabled, updatedById: by, updatedAt: at };
    await this.db.levelSettings.upsert({ where: { communityId }, create: data, update: data });
  }

  rewards(communityId: string): Promise<LevelReward[]> {
    return this.db.levelReward.findMany({ where: { communityId }, orderBy: { level: 'asc' } });
  }

  async setReward(reward: LevelReward): Promise<void> {
    const where = { communityId_level: { communityId: reward.communityId, level: reward.level } };
    await this.db.levelReward.upsert({ where, create: reward, update: reward });
  }

  async removeReward(communityId: string, level: number): Promise<boolean> {
    return (await this.db.levelReward.deleteMany({ where: { communityId, level } })).count > 0;
  }

  async memberLevel(communityId: string, memberId: string) {
    const row = await this.db.memberLevel.findUnique({ where: { communityId_memberId: { communityId, memberId } } });
    return row ? { level: row.level, pointsEarned: row.pointsEarned } : null;
  }

  async saveMemberLevel(communityId: string, memberId: string, level: number, pointsEarned: number, at: Date) {
    const data = { communityId, memberId, level, pointsEarned, updatedAt: at };
    await this.db.memberLevel.upsert({
      where: { communityId_memberId: { communityId, memberId } },
      create: data,
      update: data,
    });
  }

  async members(communityId: string): Promise<{ memberId: string; level: number }[]> {
    return this.db.memberLevel.findMany({ where: { communityId }, select: { memberId: true, level: true } });
  }
}
