import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import type { PermissionLevel } from '../../core/domain/types.ts';
import type { PlatformUser } from '../../core/framework/envelopes.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { TtlCache } from '../shared/ttl-cache.ts';

const UserInfo = z.object({
  id: z.string(),
  name: z.string().optional(),
  real_name: z.string().optional(),
  is_bot: z.boolean().optional(),
  is_admin: z.boolean().optional(),
  is_owner: z.boolean().optional(),
  is_primary_owner: z.boolean().optional(),
  locale: z.string().optional(),
  profile: z.object({ display_name: z.string().optional(), real_name: z.string().optional() }).optional(),
});

/**
 * Who a Slack user is and what Slack lets them do, from users.info (cached). Workspace owners and admins
 * become Cohort admins; members of the configured moderator user group become moderators.
 */
export class SlackDirectory {
  readonly #users: TtlCache<string, z.infer<typeof UserInfo>>;
  readonly #group: TtlCache<string, Set<string>>;

  constructor(
    private readonly client: webApi.WebClient,
    clock: Clock,
    private readonly log: Logger,
    private readonly moderatorGroupId?: string,
    ttlMs = 10 * 60_000,
  ) {
    this.#users = new TtlCache(ttlMs, clock);
    this.#group = new TtlCache(ttlMs, clock);
  }

  async #info(userId: string): Promise<z.infer<typeof UserInfo> | null> {
    try {
      return await this.#users.getOrLoad(userId, async () => {
        const response = await this.client.users.info({ user: userId, include_locale: true });
        return UserInfo.parse(response.user);
      });
    } catch (error) {
      this.log.warn({ err: error, userId }, 'users.info failed');
      return null;
    }
  }

  async user(userId: string, fallbackName?: string): Promise<PlatformUser> {
    const info = await this.#info(userId);
    const handle = info?.name ?? fallbackName ?? userId.toLowerCase();
    return {
      platformUserId: userId,
      handle,
      displayName: info?.profile?.display_name || info?.real_name || info?.profile?.real_name || handle,
      locale: info?.locale ?? null,
      isBot: info?.is_bot ?? false,
    };
  }

  async role(userId: string): Promise<PermissionLevel> {
    const info = await this.#info(userId);
    if (info?.is_owner || info?.is_primary_owner || info?.is_admin) return 'admin';
    if (!this.moderatorGroupId) return 'member';
    const groupId = this.moderatorGroupId;
    try {
      const members = await this.#group.getOrLoad(groupId, async () => {
        const response = await this.client.usergroups.users.list({ usergroup: groupId });
        return new Set(response.users ?? []);
      });
      return members.has(userId) ? 'moderator' : 'member';
    } catch (error) {
      this.log.warn({ err: error, groupId }, 'usergroups.users.list failed');
      return 'member';
    }
  }

  /** The user with the platform role filled in, for commands. */
  async caller(userId: string, fallbackName?: string): Promise<PlatformUser> {
    const [user, platformRole] = await Promise.all([this.user(userId, fallbackName), this.role(userId)]);
    return { ...user, platformRole };
  }
}
