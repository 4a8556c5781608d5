import type { PermissionLevel, Platform } from '../../../core/domain/types.ts';
import type { CommunityStore, MemberStore } from '../../../core/ports/stores.ts';
import type { PanelIdentity } from '../server.ts';

/**
 * A verified platform user and the spaces (guilds, workspaces, chats) the platform says they are in, turned into a
 * panel identity: only spaces where Cohort already runs count, and the person becomes a member of each as the bot
 * would make them on first contact (their stored role, e.g. from /role set, still applies on every page).
 */
export async function identityOf(
  stores: { communities: CommunityStore; members: MemberStore },
  o: {
    platform: Platform;
    platformUserId: string;
    handle: string;
    displayName: string;
    locale?: string | null;
    spaces: readonly { platformId: string; platformRole?: PermissionLevel }[];
  },
): Promise<PanelIdentity> {
  const wanted = new Map(o.spaces.map((s) => [s.platformId, s.platformRole]));
  const communities = (await stores.communities.list()).filter(
    (c) => c.platform === o.platform && wanted.has(c.platformId),
  );
  const reached: PanelIdentity['communities'] = [];
  for (const community of communities) {
    await stores.members.ensure(community.id, {
      platformUserId: o.platformUserId,
      handle: o.handle,
      displayName: o.displayName,
    });
    const platformRole = wanted.get(community.platformId);
    reached.push({ id: community.id, ...(platformRole ? { platformRole } : {}) });
  }
  return { platform: o.platform, platformUserId: o.platformUserId, name: o.displayName, communities: reached };
}
