import { hasPermission } from '../../domain/types.ts';
import { UserError } from '../../errors.ts';
import { option } from '../../framework/options.ts';
import { courseCard } from '../course-card.ts';
import { defineCommerceCommand } from './shared.ts';

const channelOption = option.string({
  description: { en: 'Channel id (default: this channel)', 'zh-CN': '频道 ID（默认当前频道）' },
  maxLength: 64,
});

const channelOf = (raw: string | undefined, here: string | null): string => {
  const id = raw?.replace(/^<#|>$/g, '').replace(/^#/, '') ?? here;
  if (!id) throw new UserError('CHANNEL_REQUIRED', 'commerce:errors.channelRequired');
  return id;
};

export const promoAllowCommand = defineCommerceCommand({
  name: 'promo allow',
  description: {
    en: 'Open a channel to course promotion, with a weekly quota',
    'zh-CN': '开放频道的课程推广并设置每周配额',
  },
  permission: 'moderator',
  options: {
    channel: channelOption,
    quota: option.integer({
      description: { en: 'Cards per creator per week', 'zh-CN': '每位讲师每周卡片数' },
      min: 1,
      max: 100,
    }),
    approval: option.boolean({ description: { en: 'Each card waits for a moderator', 'zh-CN': '每张卡片需版主审核' } }),
  },
  async handler({ input, member, community, channel, services, t, clock }) {
    const id = channelOf(input.channel, channel?.platformChannelId ?? null);
    const saved = await services.promotions.allow(
      community,
      member,
      id,
      { weeklyQuota: input.quota, needsApproval: input.approval },
      clock.now(),
    );
    return {
      text: t('commerce:promoAllowed', {
        channel: id,
        quota: saved.weeklyQuota,
        approval: saved.needsApproval ? t('commerce:promoApprovalOn') : '',
      }),
      tone: 'success',
    };
  },
});

export const promoDenyCommand = defineCommerceCommand({
  name: 'promo deny',
  description: { en: 'Close a channel to course promotion', 'zh-CN': '关闭频道的课程推广' },
  permission: 'moderator',
  options: { channel: channelOption },
  async handler({ input, community, channel, services, t }) {
    const id = channelOf(input.channel, channel?.platformChannelId ?? null);
    const removed = await services.promotions.deny(community, id);
    return {
      text: t(removed ? 'commerce:promoDenied' : 'commerce:promoNotOpen', { channel: id }),
      tone: removed ? 'success' : 'info',
    };
  },
});

export const promoListCommand = defineCommerceCommand({
  name: 'promo list',
  description: { en: 'Channels open to promotion and cards awaiting approval', 'zh-CN': '开放推广的频道及待审核卡片' },
  permission: 'creator',
  options: {},
  async handler({ member, community, services, t }) {
    const channels = await services.promotions.channels(community.id);
    const pending = await services.promotions.pending(community.id);
    const items = [];
    for (const p of pending.slice(0, 10)) {
      const course = await services.courses.get(p.courseId);
      const creator = await services.members.get(p.creatorId);
      items.push({
        title: t('commerce:promoQueueLine', {
          ref: p.id,
          title: course?.title ?? p.courseId,
          creator: creator?.displayName ?? '?',
          channel: p.channelId,
        }),
      });
    }
    return {
      title: t('commerce:promoListTitle'),
      text: [
        channels.length
          ? channels
              .map((c) =>
                t('commerce:promoChannelLine', {
                  channel: c.channelId,
                  quota: c.weeklyQuota,
                  approval: c.needsApproval ? t('commerce:promoApprovalShort') : '',
                }),
              )
              .join('\n')
          : t('commerce:promoNoChannels'),
        pending.length ? '' : t('commerce:promoQueueEmpty'),
      ]
        .filter(Boolean)
        .join('\n'),
      items,
      // Approving is a moderator's; a creator sees the queue without the buttons.
      buttons: (hasPermission(member.role, 'moderator') ? pending.slice(0, 4) : []).flatMap((p) => [
        { label: `✔ #${p.id}`, action: `/promo approve ${p.id}`, style: 'primary' as const },
        { label: `✖ #${p.id}`, action: `/promo reject ${p.id}`, style: 'danger' as const },
      ]),
      ephemeral: true,
    };
  },
});

function decision(status: 'posted' | 'rejected') {
  return defineCommerceCommand({
    name: status === 'posted' ? 'promo approve' : 'promo reject',
    description:
      status === 'posted'
        ? { en: 'Approve a promotion card and post it', 'zh-CN': '通过推广卡片并发布' }
        : { en: 'Refuse a promotion card', 'zh-CN': '拒绝推广卡片' },
    permission: 'moderator',
    // Button-only, like a digest's approval: the buttons are on /promo list and on the request.
    hidden: true,
    options: {
      promotion: option.string({
        description: { en: 'Promotion #id', 'zh-CN': '推广 #编号' },
        required: true,
        maxLength: 16,
      }),
    },
    async handler({ input, member, community, services, t, clock }) {
      const promotion = await services.promotions.decide(community.id, input.promotion, status, member, clock.now());
      const course = await services.commerce.findCourse(community.id, promotion.courseId);
      if (status === 'rejected')
        return { text: t('commerce:promoRejected', { ref: promotion.id, title: course.title }), tone: 'success' };
      const creator = await services.members.get(promotion.creatorId);
      // The card speaks the community's language (it is for everyone in the channel), English when unset.
      const cardLocale = community.locale ?? 'en';
      const ct = services.translator.forLocale(cardLocale);
      const card = courseCard({
        course,
        creator,
        access: await services.commerce.getAccess(course.id),
        owned: null,
        locale: cardLocale,
        timeZone: community.timezone,
        t: ct,
        title: ct('commerce:promoted', { creator: creator?.displayName ?? '?' }),
        promotionId: promotion.id,
      });
      await services.promotionPublisher.publish(community, promotion, card);
      return {
        text: t('commerce:promoApproved', { ref: promotion.id, title: course.title, channel: promotion.channelId }),
        tone: 'success',
      };
    },
  });
}

export const promoApproveCommand = decision('posted');
export const promoRejectCommand = decision('rejected');
