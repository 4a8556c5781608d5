import { shortId, shortIdFor } from '../domain/short-id.ts';
import type { Community, Course, Member } from '../domain/types.ts';
import { hasPermission } from '../domain/types.ts';
import { UserError } from '../errors.ts';
import type { Logger } from '../ports/logger.ts';
import type { PromotionStore } from './ports.ts';
import type { PromoChannel, Promotion } from './types.ts';

const WEEK = 7 * 86_400_000;

/** Settings an operator may change (COMMERCE_PROMO_WEEKLY_QUOTA): the quota a newly opened channel gets. */
export interface PromotionPolicy {
  defaultWeeklyQuota: number;
}

export type PromotionOutcome = { status: 'posted'; promotion: Promotion } | { status: 'pending'; promotion: Promotion };

/**
 * Course promotion with limits: creators post course cards only in channels a moderator opened, at most
 * `weeklyQuota` per creator per channel in any 7 days (pending requests count, so a queue cannot be stuffed), and
 * where the channel asks for it a moderator approves each card first. Every posted card is a promotion row (an
 * impression); the card's button carries its id, so clicks and orders are attributed to it.
 */
export class PromotionService {
  constructor(private readonly deps: { store: PromotionStore; log: Logger; policy: PromotionPolicy }) {}

  channel(communityId: string, channelId: string): Promise<PromoChannel | null> {
    return this.deps.store.channel(communityId, channelId);
  }

  channels(communityId: string): Promise<PromoChannel[]> {
    return this.deps.store.channels(communityId);
  }

  async allow(
    community: Community,
    moderator: Member,
    channelId: string,
    settings: { weeklyQuota?: number; needsApproval?: boolean },
    at: Date,
  ): Promise<PromoChannel> {
    const current = await this.deps.store.channel(community.id, channelId);
    return this.deps.store.saveChannel({
      communityId: community.id,
      channelId,
      weeklyQuota: settings.weeklyQuota ?? current?.weeklyQuota ?? this.deps.policy.defaultWeeklyQuota,
      needsApproval: settings.needsApproval ?? current?.needsApproval ?? false,
      allowedById: moderator.id,
      createdAt: current?.createdAt ?? at,
    });
  }

  deny(community: Community, channelId: string): Promise<boolean> {
    return this.deps.store.removeChannel(community.id, channelId);
  }

  /** Asks to promote a course in a channel: posted at once, or queued for a moderator where the channel wants it. */
  async request(
    community: Community,
    member: Member,
    course: Course,
    channelId: string | null,
    at: Date,
    requestKey: string | null = null,
  ): Promise<PromotionOutcome> {
    // The same delivery run again finds the card it made (no second impression, no second use of the quota).
    const id = requestKey ? shortIdFor(`promo:${community.id}:${requestKey}`) : shortId();
    const replayed = requestKey ? await this.deps.store.get(community.id, id) : null;
    if (replayed && replayed.courseId === course.id && replayed.status !== 'rejected')
      return { status: replayed.status === 'pending' ? 'pending' : 'posted', promotion: replayed };
    const channel = channelId ? await this.deps.store.channel(community.id, channelId) : null;
    if (!channel || !channelId) {
      const open = await this.deps.store.channels(community.id);
      // A moderator can open the channel themselves; a creator is told whom to ask.
      const none = hasPermission(member.role, 'moderator')
        ? 'commerce:errors.promoNoneMod'
        : 'commerce:errors.promoNone';
      throw new UserError('PROMO_CHANNEL_CLOSED', open.length ? 'commerce:errors.promoClosed' : none, {
        channels: open.map((c) => `#${c.channelId}`).join(', '),
      });
    }
    const since = new Date(at.getTime() - WEEK);
    const used = await this.deps.store.countSince(community.id, channelId, member.id, since);
    if (used >= channel.weeklyQuota) {
      throw new UserError('PROMO_QUOTA', 'commerce:errors.promoQuota', {
        quota: channel.weeklyQuota,
        channel: channelId,
      });
    }
    // Moderators' own cards need no approval (they are the approvers).
    const waits = channel.needsApproval && !hasPermission(member.role, 'moderator');
    const promotion = await this.deps.store.create({
      id,
      communityId: community.id,
      courseId: course.id,
      creatorId: member.id,
      channelId,
      status: waits ? 'pending' : 'posted',
      requestedAt: at,
      decidedAt: waits ? null : at,
      decidedById: waits ? null : member.id,
    });
    this.deps.log.info(
      { promotion: promotion.id, course: course.id, channel: channelId, status: promotion.status },
      'course promotion requested',
    );
    return { status: waits ? 'pending' : 'posted', promotion };
  }

  pending(communityId: string): Promise<Promotion[]> {
    return this.deps.store.list(communityId, { status: 'pending' });
  }

  async get(communityId: string, id: string): Promise<Promotion> {
    const promotion = await this.deps.store.get(communityId, id.trim().replace(/^#/, '').toLowerCase());
    if (!promotion) throw new UserError('PROMO_UNKNOWN', 'commerce:errors.promoUnknown', { ref: id });
    return promotion;
  }

  async decide(communityId: string, id: string, status: 'posted' | 'rejected', moderator: Member, at: Date) {
    const promotion = await this.get(communityId, id);
    const decided = await this.deps.store.decide(promotion.id, status, moderator.id, at);
    if (!decided)
      throw new UserError('PROMO_DECIDED', 'commerce:errors.promoDecided', {
        ref: promotion.id,
        status: promotion.status,
      });
    return decided;
  }

  list(communityId: string, filter: Parameters<PromotionStore['list']>[1]) {
    return this.deps.store.list(communityId, filter);
  }
}
