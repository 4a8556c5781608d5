import { UserError } from '../../errors.ts';
import { option } from '../../framework/options.ts';
import { describeProblems } from '../ledger-integrity.ts';
import { defineInteractionsCommand } from './shared.ts';

/**
 * `/points alerts [on|off]` for moderators: where the hourly check of the ledger and paid content reports a
 * problem. Without a value it shows the setting and runs the check now.
 */
export const pointsAlertsCommand = defineInteractionsCommand({
  name: 'points alerts',
  description: {
    en: 'Ledger check alerts in this channel (moderators)',
    'zh-CN': '在本频道接收账本检查提醒（版主）',
  },
  permission: 'moderator',
  options: {
    state: option.choice({
      description: { en: 'on or off; empty checks now', 'zh-CN': 'on 或 off；留空则立即检查' },
      choices: ['on', 'off'] as const,
    }),
  },
  async handler({ input, member, community, channel, services, locale, t }) {
    const integrity = services.ledgerIntegrity;
    if (input.state === 'on') {
      if (!channel) throw new UserError('LEDGER_ALERTS_NEED_CHANNEL', 'interactions:integrity.needsChannel');
      await integrity.setAlerts(community, member, channel.platformChannelId, locale);
      return { text: t('interactions:integrity.on'), tone: 'success' };
    }
    if (input.state === 'off') {
      await integrity.setAlerts(community, member, null, locale);
      return { text: t('interactions:integrity.off'), tone: 'success' };
    }
    const [setting, report] = await Promise.all([integrity.alertSetting(community), integrity.check(community)]);
    return {
      title: t('interactions:integrity.title'),
      text: [
        setting?.channelId
          ? t('interactions:integrity.statusOn', { channel: setting.channelId })
          : t('interactions:integrity.statusOff'),
        report.problems.length === 0
          ? t('interactions:integrity.sound')
          : t('interactions:integrity.unsound', { problems: `\n${describeProblems(report.problems, t)}` }),
      ].join('\n'),
      tone: report.problems.length === 0 ? 'success' : 'error',
    };
  },
});
