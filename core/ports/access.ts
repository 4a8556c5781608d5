import type { Platform } from '../domain/types.ts';

/**
 * What a platform does when an entitlement starts or ends: give or take a role, open or close a channel.
 * Each platform adapter implements it where the platform can; bots/ routes by the community's platform.
 */
export interface AccessTarget {
  platform: Platform;
  spaceId: string;
  platformUserId: string;
  roleId: string | null;
  channelId: string | null;
}

export interface AccessGranter {
  grant(target: AccessTarget): Promise<void>;
  revoke(target: AccessTarget): Promise<void>;
}
