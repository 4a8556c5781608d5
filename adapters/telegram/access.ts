import { type Telegram, TelegramError } from 'telegraf';
import { PlatformError } from '../../core/errors.ts';
import type { AccessGranter, AccessTarget } from '../../core/ports/access.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { adapterText } from '../shared/messages.ts';
import { type RateLimitPolicy, withRateLimitRetry } from '../shared/rate-limit.ts';
import { targetOfChannel } from './send.ts';

/**
 * Course access on Telegram, where a bot cannot add anyone to a chat: a course chat (`channelId`) gets a
 * single-use invite link, sent to the member privately; revoking removes the member with a ban immediately
 * lifted, so they are out but may be invited again. Telegram has no roles, so `roleId` is ignored.
 * The bot must be an administrator of the course chat with "Invite users" and "Ban users".
 */
export class TelegramAccess implements AccessGranter {
  constructor(
    private readonly telegram: Telegram,
    private readonly policy: RateLimitPolicy,
    private readonly log: Logger,
  ) {}

  async grant(target: AccessTarget): Promise<void> {
    if (target.roleId) this.log.debug({ role: target.roleId }, 'telegram has no roles: role ignored');
    if (!target.channelId) return;
    const chatId = targetOfChannel(target.channelId).chatId;
    const userId = Number(target.platformUserId);
    // A removal whose unban failed would leave the member banned: the invite must work.
    await this.#call('unbanChatMember', () => this.telegram.unbanChatMember(chatId, userId, { only_if_banned: true }));
    const link = await this.#call('createChatInviteLink', () =>
      this.telegram.createChatInviteLink(chatId, { member_limit: 1, name: 'Cohort course access' }),
    );
    // The access target carries no language: the invitation speaks both.
    const text = [
      adapterText('en', 'accessInvite', { link: link.invite_link }),
      adapterText('zh-CN', 'accessInvite', { link: link.invite_link }),
    ].join('\n');
    try {
      await this.#call('sendMessage', () =>
        this.telegram.sendMessage(target.platformUserId, text, { link_preview_options: { is_disabled: true } }),
      );
    } catch (error) {
      // Undelivered, the link is only a loose key: take it back before reporting.
      await this.telegram.revokeChatInviteLink(chatId, link.invite_link).catch(() => undefined);
      throw error;
    }
    this.log.info({ chat: chatId }, 'course invite sent');
  }

  async revoke(target: AccessTarget): Promise<void> {
    if (target.roleId) this.log.debug({ role: target.roleId }, 'telegram has no roles: role ignored');
    if (!target.channelId) return;
    const chatId = targetOfChannel(target.channelId).chatId;
    const userId = Number(target.platformUserId);
    await this.#call('banChatMember', () => this.telegram.banChatMember(chatId, userId));
    await this.#call('unbanChatMember', () => this.telegram.unbanChatMember(chatId, userId, { only_if_banned: true }));
    this.log.info({ chat: chatId }, 'course access revoked');
  }

  async #call<T>(route: string, request: () => Promise<T>): Promise<T> {
    try {
      return await withRateLimitRetry(route, this.policy, request);
    } catch (error) {
      if (error instanceof PlatformError) throw error;
      const status = error instanceof TelegramError ? error.code : undefined;
      throw new PlatformError(
        status === 403 ? 'ACCESS_FORBIDDEN' : 'ACCESS_FAILED',
        `telegram refused ${route}: ${error instanceof TelegramError ? error.description : String(error)}`,
        { platform: 'telegram', route, ...(status !== undefined ? { status } : {}) },
        { cause: error },
      );
    }
  }
}
