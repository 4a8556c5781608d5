import type { webApi } from '@slack/bolt';
import { PlatformError } from '../../core/errors.ts';
import type { AccessGranter, AccessTarget } from '../../core/ports/access.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { type RateLimitPolicy, withRateLimitRetry } from '../shared/rate-limit.ts';

/** Slack answers that mean the bot's token may not do this (a missing scope, a workspace restriction). */
const FORBIDDEN = new Set([
  'missing_scope',
  'not_allowed_token_type',
  'restricted_action',
  'no_permission',
  'permission_denied',
  'not_authorized',
  'cant_invite',
  'cant_kick_self',
  'ekm_access_denied',
]);

/**
 * Ids as a moderator may have pasted them into `/course access`: core strips `<#…>` but Slack's own forms keep a
 * label (`C123|general`) and user groups a prefix (`<!subteam^S123|@writers>` → `subteam^S123|@writers`).
 */
export function slackChannelId(raw: string): string {
  return raw.replace(/^[<#]+|>$/g, '').split('|')[0] ?? raw;
}

export function slackUserGroupId(raw: string): string {
  return slackChannelId(raw.replace(/^<?!?subteam\^/, ''));
}

/**
 * Course access on Slack: a channel course invites the member (conversations.invite) and removes them at the end
 * (conversations.kick); a "role" is a user group whose member list gains or loses the member. Slack's user groups
 * take the whole list on update, so the current one is read first.
 */
export class SlackAccess implements AccessGranter {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly policy: RateLimitPolicy,
    private readonly log: Logger,
  ) {}

  async grant(target: AccessTarget): Promise<void> {
    const user = target.platformUserId;
    if (target.channelId) {
      const channel = slackChannelId(target.channelId);
      await this.#call('conversations.invite', () => this.client.conversations.invite({ channel, users: user }), [
        'already_in_channel',
      ]);
    }
    if (target.roleId)
      await this.#updateGroup(slackUserGroupId(target.roleId), (users) =>
        users.includes(user) ? null : [...users, user],
      );
    this.log.info({ team: target.spaceId, group: target.roleId, channel: target.channelId }, 'course access granted');
  }

  async revoke(target: AccessTarget): Promise<void> {
    const user = target.platformUserId;
    if (target.channelId) {
      const channel = slackChannelId(target.channelId);
      await this.#call('conversations.kick', () => this.client.conversations.kick({ channel, user }), [
        'not_in_channel',
        'user_not_found',
      ]);
    }
    if (target.roleId)
      await this.#updateGroup(slackUserGroupId(target.roleId), (users) =>
        users.includes(user) ? users.filter((u) => u !== user) : null,
      );
    this.log.info({ team: target.spaceId, group: target.roleId, channel: target.channelId }, 'course access revoked');
  }

  /** Reads the group's members and writes the changed list back; `change` returns null when nothing changes. */
  async #updateGroup(usergroup: string, change: (users: string[]) => string[] | null): Promise<void> {
    const listed = (await this.#call('usergroups.users.list', () =>
      this.client.usergroups.users.list({ usergroup }),
    )) as { users?: string[] } | undefined;
    const next = change(listed?.users ?? []);
    if (!next) return;
    await this.#call('usergroups.users.update', () =>
      this.client.usergroups.users.update({ usergroup, users: next.join(',') }),
    );
  }

  async #call<T>(route: string, request: () => Promise<T>, alreadyDone: string[] = []): Promise<T | undefined> {
    try {
      return await withRateLimitRetry(route, this.policy, request);
    } catch (error) {
      if (error instanceof PlatformError) throw error;
      const e = error as { code?: string; statusCode?: number; data?: { error?: string } };
      const slackError = e.code === 'slack_webapi_platform_error' ? e.data?.error : undefined;
      if (slackError && alreadyDone.includes(slackError)) {
        this.log.debug({ route, error: slackError }, 'access already as wanted');
        return undefined;
      }
      const status = e.code === 'slack_webapi_http_error' ? e.statusCode : undefined;
      const forbidden = status === 403 || (slackError !== undefined && FORBIDDEN.has(slackError));
      throw new PlatformError(
        forbidden ? 'ACCESS_FORBIDDEN' : 'ACCESS_FAILED',
        `slack refused ${route}: ${slackError ?? (error instanceof Error ? error.message : String(error))}`,
        { platform: 'slack', route, ...(status !== undefined ? { status } : {}) },
        { cause: error },
      );
    }
  }
}
