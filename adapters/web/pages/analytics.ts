import { explain } from '../../../core/interactions/leaderboard.ts';
import { type Html, html, raw } from '../html.ts';
import { table } from '../layout.ts';
import type { PageContext, PanelPage } from '../page.ts';
import { lineChartSvg } from './chart.ts';

const WEEK_MS = 7 * 86_400_000;
const WEEKS = 8;

/** Analytics: members over time, the leaderboard with its reasons, interest groups, topics and the weekly report. */
export const analyticsPage: PanelPage = {
  path: 'analytics',
  key: 'analytics',
  permission: 'moderator',
  title: (t) => t('panel:analytics.title'),
  async render(ctx: PageContext): Promise<Html> {
    const { t, community, services, clock, csrf, back, locale } = ctx;
    const now = clock.now();
    // The same numbers /stats reports, one week at a time, oldest first.
    const weeks = [];
    for (let k = WEEKS - 1; k >= 0; k--)
      weeks.push(await services.kol.stats(community, new Date(now.getTime() - k * WEEK_MS), 7));
    const current = weeks[weeks.length - 1]!;
    const day = new Intl.DateTimeFormat(locale, { timeZone: community.timezone, month: 'short', day: 'numeric' });
    const categories = weeks.map((_, i) => day.format(new Date(now.getTime() - (WEEKS - 1 - i) * WEEK_MS)));
    const title = t('panel:analytics.activity', { days: WEEKS * 7 });
    const weeklyChart = await lineChartSvg({
      title,
      categories,
      series: [
        { name: t('panel:analytics.active'), values: weeks.map((w) => w.active) },
        { name: t('panel:analytics.new'), values: weeks.map((w) => w.new) },
        { name: t('panel:analytics.returning'), values: weeks.map((w) => w.returning) },
        { name: t('panel:analytics.churning'), values: weeks.map((w) => w.churning) },
      ],
    });
    const dailyChart = await lineChartSvg({
      title: t('panel:analytics.active'),
      categories: current.dailyActive.map((d) => d.day.slice(5)),
      series: [{ name: t('panel:analytics.active'), values: current.dailyActive.map((d) => d.active), kind: 'bar' }],
      height: 220,
    });
    const board = await services.kol.leaderboard(community, '30d', null, now, 10);
    const boardRows = board.entries.map(
      (e) =>
        html`<tr><td>${e.rank}</td><td>${e.member.displayName} <small>@${e.member.handle}</small></td><td>${e.score.toFixed(0)}</td><td><small>${explain(e.facts, t)}</small></td></tr>`,
    );
    const { groups } = await services.profiles.groups(community);
    const weekly = await services.weeklyReport.status(community);
    const channel = ctx.defaultChannel || weekly?.channelId || '';
    return html`<div class="stats">
<div class="card"><strong>${t('panel:analytics.active')}</strong><p class="big">${current.active}</p></div>
<div class="card"><strong>${t('panel:analytics.new')}</strong><p class="big">${current.new}</p></div>
<div class="card"><strong>${t('panel:analytics.returning')}</strong><p class="big">${current.returning}</p></div>
<div class="card"><strong>${t('panel:analytics.churning')}</strong><p class="big">${current.churning}</p></div>
</div>
<h2>${title}</h2>
<figure class="chart" role="img" aria-label="${title}">${raw(weeklyChart)}</figure>
<figure class="chart" role="img" aria-label="${t('panel:analytics.active')}">${raw(dailyChart)}</figure>
<h2>${t('panel:analytics.leaderboard')}</h2>
${table(t, [t('panel:analytics.rank'), t('panel:analytics.member'), t('panel:analytics.score'), t('panel:analytics.why')], boardRows)}
<div class="grid">
<div class="card"><h2>${t('panel:analytics.groups')}</h2>
${groups.length ? html`<ol>${groups.map((g) => html`<li>${g.label.join(', ') || '—'} <small>(${g.size})</small></li>`)}</ol>` : html`<p class="empty">${t('panel:common.none')}</p>`}</div>
<div class="card"><h2>${t('panel:analytics.topics')}</h2>
${current.topTopics.length ? html`<ol>${current.topTopics.map((x) => html`<li>${x.topic} <small>(${x.count})</small></li>`)}</ol>` : html`<p class="empty">${t('panel:common.none')}</p>`}</div>
<div class="card"><h2>${t('panel:analytics.weekly')}</h2>
<p>${t('panel:analytics.weeklyStatus', { status: weekly?.enabled ? t('panel:analytics.on', { channel: weekly.channelId }) : t('panel:analytics.off') })}</p>
<form method="post" action="/c/${community.id}/run" class="card">
<input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="back" value="${back}">
<input type="hidden" name="command" value="stats weekly">
<input type="hidden" name="o.state" value="${weekly?.enabled ? 'off' : 'on'}">
${weekly?.enabled ? '' : html`<label>${t('panel:common.channel')}<input name="channel" value="${channel}" required maxlength="64"><small>${t('panel:common.channelHint')}</small></label>`}
${weekly?.enabled ? html`<input type="hidden" name="channel" value="${weekly.channelId}">` : ''}
<button type="submit" class="${weekly?.enabled ? 'danger' : 'primary'}">${t(weekly?.enabled ? 'panel:analytics.weeklyOff' : 'panel:analytics.weeklyOn')}</button>
</form></div>
</div>`;
  },
};
