import { formatPrice } from '../../domain/money.ts';
import { hasPermission } from '../../domain/types.ts';
import { option } from '../../framework/options.ts';
import { creatorFunnel } from '../creator-stats.ts';
import { FUNNEL_COLOURS, funnelChartPng } from '../funnel-chart.ts';
import { defineCommerceCommand } from './shared.ts';

const DAY = 86_400_000;
const SWATCHES = ['🟦', '🟩', '🟧', '🟢', '🟥'] as const;

const percent = (part: number, whole: number, locale: string) =>
  whole > 0 ? new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(part / whole) : '—';

/** `/creator stats [7d|30d]`: impressions → clicks → orders → paid → refunded per course, revenue per currency, a chart. */
export const creatorStatsCommand = defineCommerceCommand({
  name: 'creator stats',
  description: { en: 'Your sales funnel per course, revenue and a chart', 'zh-CN': '每门课程的转化漏斗、收入与图表' },
  permission: 'creator',
  slow: true,
  options: {
    period: option.choice({
      description: { en: '7d or 30d (default 30d)', 'zh-CN': '7d 或 30d（默认 30d）' },
      choices: ['7d', '30d'] as const,
    }),
  },
  async handler({ input, member, community, services, t, locale, clock }) {
    const days = input.period === '7d' ? 7 : 30;
    const until = clock.now();
    const since = new Date(until.getTime() - days * DAY);
    const everyone = hasPermission(member.role, 'moderator');
    const courses = (await services.courses.list(community.id)).filter((c) => everyone || c.creatorId === member.id);
    const funnel = await creatorFunnel(
      { commerce: services.commerce, promotions: services.promotions, events: services.events },
      { communityId: community.id, courses, since, until },
    );
    if (funnel.rows.length === 0) return { text: t('commerce:stats.empty', { days }), ephemeral: true };
    const line = (r: typeof funnel.totals) => t('commerce:stats.line', r);
    const counts = [
      funnel.totals.impressions,
      funnel.totals.clicks,
      funnel.totals.orders,
      funnel.totals.paid,
      funnel.totals.refunded,
    ];
    const revenue = funnel.revenue.length
      ? funnel.revenue.map((r) => formatPrice(r.minor, r.currency, locale)).join(' · ')
      : t('commerce:stats.noRevenue');
    const stages = t('commerce:stats.stages')
      .split(' → ')
      .map((name, i) => `${SWATCHES[i]} ${name}`)
      .join(' → ');
    return {
      title: t(everyone ? 'commerce:stats.titleAll' : 'commerce:stats.title', { days }),
      text: [
        stages,
        `${t('commerce:stats.total')}: ${line(funnel.totals)}`,
        t('commerce:stats.conversion', {
          ctr: percent(funnel.totals.clicks, funnel.totals.impressions, locale),
          cvr: percent(funnel.totals.paid, funnel.totals.clicks, locale),
        }),
      ].join('\n'),
      items: funnel.rows
        .slice(0, 10)
        .map((r) => ({ title: r.course.title, description: line(r), meta: `#${r.course.id}` })),
      fields: [{ name: t('commerce:stats.revenue'), value: revenue }],
      image: { png: funnelChartPng(counts), filename: 'funnel.png', alt: t('commerce:stats.chartAlt') },
      ephemeral: true,
    };
  },
});

export { FUNNEL_COLOURS };
