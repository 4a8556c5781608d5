import { option } from '../../framework/options.ts';
import { buildStatsReport } from '../stats-report.ts';
import { defineInteractionsCommand } from './shared.ts';

/** `/stats [7d|30d]` for moderators: members' activity, topics, conversation groups, bridges, flags and a chart. */
export const statsCommand = defineInteractionsCommand({
  name: 'stats',
  description: { en: 'Community analytics with a chart (moderators)', 'zh-CN': '社区数据分析与图表（版主）' },
  permission: 'moderator',
  slow: true,
  options: {
    period: option.choice({
      description: { en: '7d (default) or 30d', 'zh-CN': '7d（默认）或 30d' },
      choices: ['7d', '30d'] as const,
    }),
  },
  async handler({ input, community, services, clock, locale, t }) {
    return buildStatsReport({
      kol: services.kol,
      ledger: services.ledger,
      community,
      now: clock.now(),
      periodDays: input.period === '30d' ? 30 : 7,
      t,
      locale,
    });
  },
});
