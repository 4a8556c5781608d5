import type { Community, Member } from '../domain/types.ts';
import type { AccessGranter } from '../ports/access.ts';
import type { Logger } from '../ports/logger.ts';
import type { CommunityStore, CourseStore, EventStore, MemberStore } from '../ports/stores.ts';
import type { CommerceService } from './commerce-service.ts';
import type { LevelStore } from './ports.ts';
import type { LevelReward } from './types.ts';

/** The level `points` earned reach when level n needs base × n² (level 1 at base, 2 at 4 × base, 3 at 9 × base). */
export function levelFor(points: number, base: number): number {
  if (points < base) return 0;
  return Math.floor(Math.sqrt(points / base) + 1e-9);
}

export function pointsForLevel(level: number, base: number): number {
  return base * level * level;
}

/**
 * Levels from points earned (tips received and moderator grants, read from the event log, so spending points
 * never lowers a level), with MEE6/Arcane-style rewards: a role for each level reached (taken back when a member
 * falls below it, e.g. after a grant is revoked) and courses a level unlocks (Skool-style, kept once given).
 */
export class LevelService {
  constructor(
    private readonly deps: {
      store: LevelStore;
      events: EventStore;
      members: MemberStore;
      courses: CourseStore;
      communities: CommunityStore;
      commerce: CommerceService;
      access: AccessGranter | null;
      log: Logger;
      basePoints: number;
    },
  ) {}

  get basePoints(): number {
    return this.deps.basePoints;
  }

  enabled(communityId: string) {
    return this.deps.store.enabled(communityId);
  }

  setEnabled(community: Community, on: boolean, by: Member, at: Date) {
    return this.deps.store.setEnabled(community.id, on, by.id, at);
  }

  rewards(communityId: string) {
    return this.deps.store.rewards(communityId);
  }

  setReward(reward: LevelReward) {
    return this.deps.store.setReward(reward);
  }

  removeReward(communityId: string, level: number) {
    return this.deps.store.removeReward(communityId, level);
  }

  /** Points a member earned: tips received plus grants, less revokes by moderators (not their own spending). */
  async earned(communityId: string, memberId: string): Promise<number> {
    const events = await this.deps.events.query({
      communityId,
      verbs: ['tip.sent', 'points.granted', 'points.revoked'],
    });
    let total = 0;
    for (const e of events) {
      if (e.targetMemberId !== memberId) continue;
      const amount = Number((e.metadata as { amount?: unknown }).amount ?? 0);
      if (!Number.isSafeInteger(amount)) continue;
      if (e.verb === 'points.revoked') {
        if (!(e.metadata as { redeemed?: unknown }).redeemed) total -= amount;
      } else total += amount;
    }
    return Math.max(0, total);
  }

  /** The member's level now, with what the next one needs. */
  async progress(member: Member): Promise<{ level: number; earned: number; next: number }> {
    const earned = await this.earned(member.communityId, member.id);
    const level = levelFor(earned, this.deps.basePoints);
    return { level, earned, next: pointsForLevel(level + 1, this.deps.basePoints) };
  }

  /**
   * Brings one member's level and rewards in step with their points: roles of levels reached are granted, roles of
   * levels lost are revoked, and courses of levels reached are given (once). Returns the level.
   */
  async sync(community: Community, member: Member, at: Date): Promise<number> {
    if (!(await this.deps.store.enabled(community.id))) return 0;
    const earned = await this.earned(community.id, member.id);
    const level = levelFor(earned, this.deps.basePoints);
    const before = (await this.deps.store.memberLevel(community.id, member.id))?.level ?? 0;
    if (level === before) {
      await this.deps.store.saveMemberLevel(community.id, member.id, level, earned, at);
      return level;
    }
    const rewards = await this.deps.store.rewards(community.id);
    for (const reward of rewards) {
      const target = {
        platform: community.platform,
        spaceId: community.platformId,
        platformUserId: member.platformUserId,
        roleId: reward.roleId,
        channelId: null,
      };
      try {
        if (reward.level <= level && reward.level > before) {
          if (reward.roleId && this.deps.access) await this.deps.access.grant(target);
          const course = reward.courseId ? await this.deps.courses.get(reward.courseId) : null;
          if (course) await this.deps.commerce.grantForLevel(community, member, course, reward.level, at);
        } else if (reward.level > level && reward.level <= before && reward.roleId && this.deps.access) {
          await this.deps.access.revoke(target);
        }
      } catch (error) {
        // Left at the old level, so the next sync tries again.
        this.deps.log.error({ err: error, member: member.id, level: reward.level }, 'level reward failed');
        return before;
      }
    }
    await this.deps.store.saveMemberLevel(community.id, member.id, level, earned, at);
    return level;
  }

  /** After a points event, the member whose points changed gets their level and rewards brought in step. */
  async onPointsEvent(communityId: string, memberId: string | null, at: Date): Promise<void> {
    if (!memberId || !(await this.deps.store.enabled(communityId))) return;
    const [community, member] = await Promise.all([
      this.deps.communities.get(communityId),
      this.deps.members.get(memberId),
    ]);
    if (community && member) await this.sync(community, member, at);
  }
}
