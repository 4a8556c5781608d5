import { formatSlot } from '../../../core/content/digest/render.ts';
import { type ContentSource, SOURCE_PAUSED } from '../../../core/content/types.ts';
import type { Translate } from '../../../core/i18n/translate.ts';
import { commandForm } from '../forms.ts';
import { type Html, html } from '../html.ts';
import { actionForm, safeUrl, table } from '../layout.ts';
import type { PageContext, PanelPage } from '../page.ts';

function health(t: Translate, source: ContentSource): Html {
  const reason = (code: string | null) => t(`content:feedError.${code ?? 'FEED_NETWORK'}`, {});
  if (!source.enabled && source.disabledReason === SOURCE_PAUSED)
    return html`<span class="badge warn">${t('panel:sources.paused')}</span>`;
  if (!source.enabled)
    return html`<span class="badge bad">${t('panel:sources.disabled', { reason: reason(source.disabledReason) })}</span>`;
  if (source.consecutiveFailures > 0)
    return html`<span class="badge warn">${t('panel:sources.failing', { count: source.consecutiveFailures, reason: reason(source.lastError) })}</span>`;
  return html`<span class="badge ok">${t('panel:sources.ok')}</span>`;
}

/** Sources: add (with a test first), remove, and each source's health with why it failed or was switched off. */
export const sourcesPage: PanelPage = {
  path: 'sources',
  key: 'sources',
  permission: 'moderator',
  title: (t) => t('panel:sources.title'),
  async render(ctx: PageContext): Promise<Html> {
    const { t, community, csrf, back, services } = ctx;
    const sources = await services.content.sources.list(community.id);
    const common = { communityId: community.id, csrf, back };
    const rows = sources.map(
      (s) => html`<tr>
  <td>${s.kind === 'feed' ? html`<a href="${safeUrl(s.url)}" rel="noopener noreferrer">${s.title || s.url}</a>` : html`${t(s.kind === 'community' ? 'content:source.builtinCommunity' : 'content:source.builtinCourses')} <span class="badge">${t('panel:sources.builtin')}</span>`}
    <br><small>${s.topics.join(', ')}</small></td>
  <td>${health(t, s)}</td>
  <td>${s.lastFetchedAt ? formatSlot(s.lastFetchedAt, community.timezone) : t('panel:sources.never')}</td>
  <td><code>${s.id}</code></td>
  <td>${s.kind === 'feed' ? html`${actionForm({ ...common, line: `/source test ${s.url}`, label: t('panel:sources.test') })} ${s.enabled ? actionForm({ ...common, line: `/source pause ${s.id}`, label: t('panel:sources.pause'), style: 'secondary' }) : actionForm({ ...common, line: `/source resume ${s.id}`, label: t('panel:sources.resume'), style: 'primary' })} ${actionForm({ ...common, line: `/source remove ${s.id}`, label: t('panel:common.remove'), style: 'danger', confirm: t('panel:common.sure') })}` : ''}</td>
</tr>`,
    );
    return html`<p>${t('panel:sources.intro')}</p>
${table(t, [t('panel:sources.title'), t('panel:sources.health'), t('panel:sources.lastFetched'), t('panel:common.id'), t('panel:common.actions')], rows)}
<h2>${t('panel:sources.add')}</h2>
<div class="grid">
${commandForm({
  ...common,
  command: 'source add',
  id: 'source-add',
  submit: t('panel:sources.addButton'),
  channel: ctx.defaultChannel || undefined,
  fields: [
    {
      name: 'url',
      label: t('panel:sources.url'),
      type: 'url',
      required: true,
      placeholder: 'https://example.com/feed.xml',
    },
    { name: 'topics', label: t('panel:sources.topics'), placeholder: 'ai, investing' },
    { name: 'interval', label: t('panel:sources.interval'), placeholder: '30m' },
  ],
})}
${commandForm({
  ...common,
  command: 'source test',
  id: 'source-test',
  heading: t('panel:sources.test'),
  submit: t('panel:sources.test'),
  style: 'secondary',
  fields: [{ name: 'url', label: t('panel:sources.url'), type: 'url', required: true }],
})}
</div>`;
  },
};
