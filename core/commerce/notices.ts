import type { RichReply } from '../domain/reply.ts';
import type { Locale } from '../domain/types.ts';
import type { Translator } from '../i18n/translate.ts';
import type { Logger } from '../ports/logger.ts';
import type { Messenger } from '../ports/messenger.ts';
import type { CommunityStore, MemberStore } from '../ports/stores.ts';
import { formatDate } from './course-card.ts';
import type { NoticeStore } from './ports.ts';
import type { MemberNotice } from './types.ts';

/** A notice that failed this many times (the member blocks DMs, the platform is gone) is left alone. */
export const NOTICE_MAX_ATTEMPTS = 5;

/**
 * Sends the messages owed to members (renewal reminders, access ended, course withdrawn, order cancelled) as direct
 * messages in each member's language. Notices are rows written with the change that caused them, so a crash loses
 * none and a notice is sent once: it is marked sent after the platform accepted it (at least once, never silently
 * dropped; a platform refusal counts an attempt).
 */
export class NoticeService {
  constructor(
    private readonly deps: {
      notices: NoticeStore;
      members: MemberStore;
      communities: CommunityStore;
      translator: Translator;
      messenger: Messenger;
      log: Logger;
    },
  ) {}

  async deliverDue(at: Date): Promise<{ sent: number; failed: number }> {
    let sent = 0;
    let failed = 0;
    for (const notice of await this.deps.notices.due(at, NOTICE_MAX_ATTEMPTS, 100)) {
      const member = await this.deps.members.get(notice.memberId);
      const community = await this.deps.communities.get(notice.communityId);
      if (!member || !community || !this.deps.messenger.direct) {
        await this.deps.notices.markFailed(notice.id);
        failed++;
        continue;
      }
      const locale: Locale = community.locale ?? member.locale ?? 'en';
      try {
        await this.deps.messenger.direct(
          { platform: community.platform, spaceId: community.platformId, platformUserId: member.platformUserId },
          this.render(notice, locale, community.timezone),
        );
        await this.deps.notices.markSent(notice.id, at);
        sent++;
      } catch (error) {
        await this.deps.notices.markFailed(notice.id);
        failed++;
        this.deps.log.warn({ err: error, notice: notice.id, kind: notice.kind }, 'member notice not delivered');
      }
    }
    return { sent, failed };
  }

  render(notice: MemberNotice, locale: Locale, timeZone: string): RichReply {
    const t = this.deps.translator.forLocale(locale);
    const p = notice.params;
    const title = String(p.title ?? '');
    const courseId = String(p.courseId ?? '');
    switch (notice.kind) {
      case 'renewal': {
        const date = formatDate(new Date(String(p.endsAt)), locale, timeZone);
        return {
          title: t('commerce:notices.renewalTitle'),
          text: t(p.trial ? 'commerce:notices.trialEnding' : 'commerce:notices.renewal', { title, date }),
          buttons: courseId ? [{ label: t('commerce:card.renew'), action: `/buy ${courseId}`, style: 'primary' }] : [],
          tone: 'info',
        };
      }
      case 'ended':
        return {
          title: t('commerce:notices.endedTitle'),
          text: t(p.trial ? 'commerce:notices.trialEnded' : 'commerce:notices.ended', { title }),
          buttons: courseId ? [{ label: t('commerce:card.renew'), action: `/buy ${courseId}`, style: 'primary' }] : [],
          tone: 'warning',
        };
      case 'archived':
        return {
          title: t('commerce:notices.archivedTitle'),
          text: t(p.hadOrder ? 'commerce:notices.archivedOrder' : 'commerce:notices.archived', { title }),
          tone: 'warning',
        };
      case 'cancelled':
        return { text: t('commerce:notices.cancelled', { title, ref: String(p.ref ?? '') }), tone: 'info' };
    }
  }
}
