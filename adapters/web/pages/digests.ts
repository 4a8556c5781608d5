import { formatSlot } from '../../../core/content/digest/render.ts';
import { DIGEST_LANGUAGES, type DigestRun } from '../../../core/content/types.ts';
import type { Locale } from '../../../core/domain/types.ts';
import { isValidCron, isValidTimezone, nextSlot } from '../../../core/framework/cron-slots.ts';
import type { Translate } from '../../../core/i18n/translate.ts';
import { commandForm } from '../forms.ts';
import { type Html, html } from '../html.ts';
import { actionForm, table } from '../layout.ts';
import type { PageContext, PanelPage } from '../page.ts';

/** The next five runs of a cron line in a zone, as the helper beside the schedule form shows them. */
export function nextRuns(cron: string, timezone: string, now: Date, count = 5): Date[] | null {
  if (!isValidCron(cron) || !isValidTimezone(timezone)) return null;
  const runs: Date[] = [];
  let at = now;
  for (let i = 0; i < count; i++) {
    at = nextSlot(cron, timezone, at);
    runs.push(at);
  }
  return runs;
}

export function cronPreview(t: Translate, locale: Locale, cron: string, timezone: string, now: Date): Html {
  const runs = nextRuns(cron, timezone, now);
  if (!runs) return html`<p class="badge bad">${t('panel:digests.invalidCron')}</p>`;
  const format = new Intl.DateTimeFormat(locale, {
    timeZone: timezone,
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return html`<strong>${t('panel:digests.nextRuns')}</strong> <small>(${timezone})</small><ol>${runs.map(
    (r) => html`<li><time datetime="${r.toISOString()}">${format.format(r)}</time></li>`,
  )}</ol>`;
}

async function decisionsOf(ctx: PageContext, run: DigestRun): Promise<Html> {
  const { t, services } = ctx;
  const items = new Map(
    (await services.content.stores.items.getMany(run.decisions.map((d) => d.itemId))).map((i) => [i.id, i]),
  );
  const sorted = [...run.decisions].sort((a, b) => (a.rank ?? 99) - (b.rank ?? 99) || b.score - a.score).slice(0, 15);
  return html`<ul class="decisions">${sorted.map((d) => {
    const item = items.get(d.itemId);
    const verdict =
      d.rank !== null
        ? html`<span class="badge ok">${t('panel:digests.picked', { rank: d.rank })}</span>`
        : html`<span class="badge">${t('panel:digests.dropped', { reason: t(`content:reason.${d.reason ?? 'OVER_MAX_ITEMS'}`) })}</span>`;
    return html`<li>${verdict} ${item?.title ?? d.itemId} <small>${t('panel:digests.score', { score: d.score.toFixed(2) })}</small></li>`;
  })}</ul>`;
}

/** Digest schedules with the cron helper, a preview, the approval queue and why each item was picked or dropped. */
export const digestsPage: PanelPage = {
  path: 'digests',
  key: 'digests',
  permission: 'moderator',
  title: (t) => t('panel:digests.title'),
  async render(ctx: PageContext): Promise<Html> {
    const { t, community, csrf, back, services, clock, locale, query } = ctx;
    const common = { communityId: community.id, csrf, back };
    const now = clock.now();
    const schedules = await services.content.digests.listSchedules(community.id);
    const runs = await services.content.stores.runs.recent(community.id, 20);
    const waiting = runs.filter((r) => r.status === 'awaiting_approval');
    const cron = query.cron ?? '0 9 * * *';
    const timezone = query.timezone ?? community.timezone;
    const rows = schedules.map(
      (s) => html`<tr>
  <td><code>${s.cron}</code><br><small>${s.timezone}</small> ${s.paused ? html`<span class="badge warn">${t('panel:digests.paused')}</span>` : ''}</td>
  <td>#${s.channelId}</td>
  <td><small>${s.topics.length ? s.topics.join(', ') : t('content:schedule.anyTopic')} · ≥ ${s.minScore} · ≤ ${s.maxItems} · ${s.language}${s.requiresApproval ? html` · <span class="badge">${t('panel:digests.queue')}</span>` : ''}</small></td>
  <td>${s.paused ? '—' : formatSlot(nextSlot(s.cron, s.timezone, now), s.timezone)}</td>
  <td>${actionForm({ ...common, line: `/digest schedule ${s.paused ? 'resume' : 'pause'} ${s.id}`, label: t(s.paused ? 'panel:common.resume' : 'panel:common.pause') })}
      ${actionForm({ ...common, line: `/digest schedule remove ${s.id}`, label: t('panel:common.remove'), style: 'danger', confirm: t('panel:common.sure') })}</td>
</tr>`,
    );
    const queue = await Promise.all(
      waiting.map(
        async (
          run,
        ) => html`<article class="card"><h3>${formatSlot(run.slotAt, community.timezone)} · #${run.channelId}</h3>
${await decisionsOf(ctx, run)}
<div class="buttons">${actionForm({ ...common, line: `/digest approve ${run.id}`, label: t('panel:digests.approve'), style: 'primary', channel: run.channelId })}
${actionForm({ ...common, line: `/digest reject ${run.id}`, label: t('panel:digests.reject'), style: 'danger', channel: run.channelId })}</div></article>`,
      ),
    );
    const recent = await Promise.all(
      runs
        .filter((r) => r.status !== 'awaiting_approval')
        .slice(0, 5)
        .map(
          async (run) =>
            html`<details class="card"><summary>${formatSlot(run.slotAt, community.timezone)} · #${run.channelId} · <span class="badge">${t(`panel:status.${run.status}`)}</span></summary>${await decisionsOf(ctx, run)}</details>`,
        ),
    );
    const channel = {
      label: t('panel:common.channel'),
      hint: t('panel:common.channelHint'),
      value: ctx.defaultChannel,
    };
    return html`<p>${t('panel:digests.intro', { zone: community.timezone })}</p>
<h2>${t('panel:digests.queue')}</h2>
${queue.length ? html`<div class="grid">${queue}</div>` : html`<p class="empty">${t('panel:digests.queueEmpty')}</p>`}
<h2>${t('panel:digests.schedules')}</h2>
${table(t, [t('content:schedule.listTitle'), t('panel:common.channel'), t('panel:digests.filter'), t('panel:digests.next'), t('panel:common.actions')], rows)}
<h2>${t('panel:digests.add')}</h2>
<div class="grid">
${commandForm({
  ...common,
  command: 'digest schedule add',
  id: 'cron-form',
  submit: t('panel:digests.addButton'),
  channel,
  fields: [
    { name: 'cron', label: t('panel:digests.cron'), required: true, value: cron, hint: t('panel:digests.cronHint') },
    { name: 'timezone', label: t('panel:digests.timezone'), required: true, value: timezone },
    { name: 'topics', label: t('panel:digests.topics') },
    { name: 'min-score', label: t('panel:digests.minScore'), type: 'number', placeholder: '0' },
    { name: 'max-items', label: t('panel:digests.maxItems'), type: 'number', inputmode: 'numeric', placeholder: '5' },
    { name: 'language', label: t('panel:digests.language'), type: 'select', choices: DIGEST_LANGUAGES, value: 'any' },
    { name: 'approval', label: t('panel:digests.approval'), type: 'checkbox' },
  ],
  extra: html`<div id="cron-next" aria-live="polite">${cronPreview(t, locale, cron, timezone, now)}</div>`,
  data: { preview: `/c/${community.id}/digests/cron` },
})}
<div class="card">
<form method="get" action="${back}" class="stack">
<label>${t('panel:digests.cron')}<input name="cron" value="${cron}"></label>
<label>${t('panel:digests.timezone')}<input name="timezone" value="${timezone}"></label>
<button type="submit" class="secondary">${t('panel:digests.check')}</button></form>
<h3>${t('panel:digests.preview')}</h3>
${actionForm({ ...common, line: '/digest preview', label: t('panel:digests.previewButton'), channel: ctx.defaultChannel || 'general' })}
<h3>${t('panel:digests.why')}</h3>
${commandForm({ ...common, command: 'digest why', submit: t('panel:digests.whyButton'), style: 'secondary', fields: [{ name: 'url', label: 'URL', type: 'url', required: true }] })}
</div>
</div>
<h2>${t('panel:digests.recent')}</h2>
${recent.length ? recent : html`<p class="empty">${t('panel:common.none')}</p>`}`;
  },
};
