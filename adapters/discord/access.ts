import { DiscordAPIError, HTTPError, OverwriteType, PermissionFlagsBits, type REST, Routes } from 'discord.js';
import { PlatformError } from '../../core/errors.ts';
import type { AccessGranter, AccessTarget } from '../../core/ports/access.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { type RateLimitPolicy, withRateLimitRetry } from '../shared/rate-limit.ts';

/** Discord error codes that mean "already gone": a revocation that finds nothing to take back has succeeded. */
const UNKNOWN_MEMBER = 10007;
const UNKNOWN_OVERWRITE = 10009;

/**
 * Course access on Discord: the course role on the guild member, and for a channel a member permission overwrite
 * allowing VIEW_CHANNEL. Revoking deletes that overwrite rather than writing a deny: the paid channel is private
 * (@everyone denied), so removing the allow closes it, while a lasting per-member deny would also override access
 * the member has by other means (a moderator role) and outlive this course.
 */
export class DiscordAccess implements AccessGranter {
  constructor(
    private readonly rest: REST,
    private readonly policy: RateLimitPolicy,
    private readonly log: Logger,
  ) {}

  async grant(target: AccessTarget): Promise<void> {
    if (target.roleId)
      await this.#call('PUT /guilds/:guild/members/:user/roles/:role', () =>
        this.rest.put(Routes.guildMemberRole(target.spaceId, target.platformUserId, target.roleId as string), {
          reason: 'Cohort: course access granted',
        }),
      );
    if (target.channelId)
      await this.#call('PUT /channels/:channel/permissions/:user', () =>
        this.rest.put(Routes.channelPermission(target.channelId as string, target.platformUserId), {
          body: { type: OverwriteType.Member, allow: String(PermissionFlagsBits.ViewChannel), deny: '0' },
          reason: 'Cohort: course access granted',
        }),
      );
    this.log.info({ guild: target.spaceId, role: target.roleId, channel: target.channelId }, 'course access granted');
  }

  async revoke(target: AccessTarget): Promise<void> {
    if (target.roleId)
      await this.#call(
        'DELETE /guilds/:guild/members/:user/roles/:role',
        () =>
          this.rest.delete(Routes.guildMemberRole(target.spaceId, target.platformUserId, target.roleId as string), {
            reason: 'Cohort: course access ended',
          }),
        [UNKNOWN_MEMBER],
      );
    if (target.channelId)
      await this.#call(
        'DELETE /channels/:channel/permissions/:user',
        () =>
          this.rest.delete(Routes.channelPermission(target.channelId as string, target.platformUserId), {
            reason: 'Cohort: course access ended',
          }),
        [UNKNOWN_OVERWRITE, UNKNOWN_MEMBER],
      );
    this.log.info({ guild: target.spaceId, role: target.roleId, channel: target.channelId }, 'course access revoked');
  }

  async #call(route: string, request: () => Promise<unknown>, alreadyDone: number[] = []): Promise<void> {
    try {
      await withRateLimitRetry(route, this.policy, request);
    } catch (error) {
      if (error instanceof PlatformError) throw error;
      if (error instanceof DiscordAPIError && alreadyDone.includes(Number(error.code))) {
        this.log.debug({ route, code: error.code }, 'nothing to revoke');
        return;
      }
      if (error instanceof DiscordAPIError || error instanceof HTTPError)
        // 403 (code 50013) is the usual one: the bot lacks Manage Roles / Manage Channels, or the course role
        // sits above the bot's highest role.
        throw new PlatformError(
          error.status === 403 ? 'ACCESS_FORBIDDEN' : 'ACCESS_FAILED',
          `discord refused ${route}: ${error.message}`,
          { platform: 'discord', status: error.status, route },
          { cause: error },
        );
      throw new PlatformError(
        'ACCESS_FAILED',
        `discord ${route} failed`,
        { platform: 'discord', route },
        { cause: error },
      );
    }
  }
}
