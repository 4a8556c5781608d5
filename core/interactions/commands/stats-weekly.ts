import { UserError } from '../../errors.ts';
import { option } from '../../framework/options.ts';
import { defineInteractionsCommand, formatLocalTime } from './shared.ts';

/** `/stats weekly [on|off]` for moderators: the /stats report posted in this channel every Monday 09:00. */
export const statsWeeklyCommand = defineInteractionsCommand({
  name: 'stats weekly',
  description: {
    en: 'Weekly community report in this channel, Mondays 09:00 (moderators)',
    'zh-CN': '每周一 09:00 在本频道发布社区周报（版主）',
  },
  permission: 'moderator',
  options: {
    state: option.choice({
      description: { en: 'on or off; empty shows the current setting', 'zh-CN': 'on 或 off；留空显示当前设置' },
      choices: ['on', 'off'] as const,
    }),
  },
  async handler({ input, community, channel, services, clock, locale, t }) {
    const weekly = services.weeklyReport;
    const zone = community.timezone;
    const next = () => formatLocalTime(weekly.nextSlot(community, clock.now()), locale, zone);
    if (input.state === undefined) {
      const current = await weekly.status(community);
      return current?.enabled
        ? { text: t('interactions:stats.weekly.statusOn', { channel: current.channelId, zone, next: next() }) }
        : { text: t('interactions:stats.weekly.statusOff') };
    }
    if (input.state === 'on') {
      if (!channel) throw new UserError('WEEKLY_REPORT_NEEDS_CHANNEL', 'interactions:stats.weekly.needsChannel');
      await weekly.set(community, { enabled: true, channelId: channel.platformChannelId, locale });
      return { text: t('interactions:stats.weekly.on', { zone, next: next() }), tone: 'success' };
    }
    const current = await weekly.status(community);
    if (current?.enabled) await weekly.set(community, { enabled: false, channelId: null, locale: null });
    return { text: t('interactions:stats.weekly.off'), tone: 'success' };
  },
});
