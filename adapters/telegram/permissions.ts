import type { PermissionLevel } from '../../core/domain/types.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { TtlCache } from '../shared/ttl-cache.ts';

export interface ChatAdministrator {
  status: 'creator' | 'administrator';
  user: { id: number };
  can_change_info?: boolean;
  can_promote_members?: boolean;
}

/**
 * Telegram grants rights per chat. The chat's creator and administrators who may change the chat's info or
 * promote members are Cohort admins; other administrators are moderators. The list is cached per chat because
 * getChatAdministrators is a call per command otherwise.
 */
export class TelegramRoles {
  readonly #cache: TtlCache<string, ChatAdministrator[]>;

  constructor(
    private readonly fetchAdministrators: (chatId: string) => Promise<ChatAdministrator[]>,
    clock: Clock,
    private readonly log: Logger,
    ttlMs = 5 * 60_000,
  ) {
    this.#cache = new TtlCache(ttlMs, clock);
  }

  async roleOf(chatId: string, chatType: string, userId: string): Promise<PermissionLevel> {
    if (chatType === 'private') return 'member';
    let admins: ChatAdministrator[];
    try {
      admins = await this.#cache.getOrLoad(chatId, () => this.fetchAdministrators(chatId));
    } catch (error) {
      // Without the list, grant nothing extra: core still applies the member's stored role.
      this.log.warn({ err: error, chatId }, 'getChatAdministrators failed');
      return 'member';
    }
    const admin = admins.find((a) => String(a.user.id) === userId);
    if (!admin) return 'member';
    if (admin.status === 'creator' || admin.can_change_info || admin.can_promote_members) return 'admin';
    return 'moderator';
  }
}
