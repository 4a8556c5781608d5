import { formatSlot } from '../../../core/content/digest/render.ts';
import { formatPrice } from '../../../core/domain/money.ts';
import { PAYMENT_MODELS } from '../../../core/domain/types.ts';
import { commandForm } from '../forms.ts';
import { type Html, html } from '../html.ts';
import { actionForm, table } from '../layout.ts';
import type { PageContext, PanelPage } from '../page.ts';

/**
 * Courses and commerce: the catalogue (a creator sees and sells their own courses, moderators all), orders with
 * confirm and cancel, course access and grants. The commands decide who may change what.
 */
export const commercePage: PanelPage = {
  path: 'commerce',
  key: 'commerce',
  permission: 'creator',
  title: (t) => t('panel:commerce.title'),
  async render(ctx: PageContext): Promise<Html> {
    const { t, community, csrf, back, services, locale, member, role, query } = ctx;
    const common = { communityId: community.id, csrf, back };
    const all = await services.courses.list(community.id, { limit: 200 });
    // A creator manages their own courses; moderators and admins every course (as the order commands allow).
    const courses = role === 'creator' ? all.filter((c) => c.creatorId === member.id) : all;
    const byId = new Map(all.map((c) => [c.id, c]));
    const orders = await services.commerce.listOrders(community.id, {
      ...(role === 'creator' ? { courseIds: courses.map((c) => c.id) } : {}),
    });
    const buyers = await services.members.getMany([...new Set(orders.map((o) => o.memberId))]);
    const buyerName = new Map(buyers.map((m) => [m.id, `@${m.handle}`]));
    const sorted = [...orders].sort(
      (a, b) => Number(b.status === 'pending') - Number(a.status === 'pending') || +b.createdAt - +a.createdAt,
    );
    const orderRows = sorted.slice(0, 50).map(
      (o) => html`<tr><td><code>${o.id}</code><br><small>${formatSlot(o.createdAt, community.timezone)}</small></td>
<td>${byId.get(o.courseId)?.title ?? o.courseId}</td><td>${buyerName.get(o.memberId) ?? o.memberId}</td>
<td>${formatPrice(o.amountMinor, o.currency, locale)}</td>
<td><span class="badge ${o.status === 'paid' ? 'ok' : o.status === 'pending' ? 'warn' : ''}">${o.status}</span></td>
<td>${
        o.status === 'pending'
          ? html`${actionForm({ ...common, line: `/order confirm ${o.id}`, label: t('panel:commerce.confirm'), style: 'primary' })} ${actionForm({ ...common, line: `/order cancel ${o.id}`, label: t('panel:commerce.cancel'), style: 'danger' })}`
          : ''
      }</td></tr>`,
    );
    const courseRows = courses.slice(0, 100).map(
      (
        c,
      ) => html`<tr><td>${c.title}<br><small>${c.tags.join(', ')}</small></td><td>${formatPrice(c.priceMinor, c.currency, locale)}</td>
<td>${c.paymentModel}</td><td><code>${c.id}</code></td></tr>`,
    );
    const entitlementsOf = query.member
      ? await services.members.findByHandle(community.id, query.member.replace(/^@/, ''))
      : null;
    const entitlements = entitlementsOf ? await services.commerce.entitlements(entitlementsOf) : [];
    return html`<h2>${t('panel:commerce.orders')}</h2>
${table(t, [t('panel:commerce.order'), t('panel:commerce.course'), t('panel:commerce.buyer'), t('panel:commerce.amount'), t('panel:common.status'), t('panel:common.actions')], orderRows)}
<h2>${t('panel:commerce.catalogue')}</h2>
${table(t, [t('panel:commerce.courseTitle'), t('panel:commerce.amount'), t('panel:commerce.model'), t('panel:common.id')], courseRows)}
<div class="grid">
${commandForm({
  ...common,
  command: 'course add',
  id: 'course-add',
  submit: t('panel:commerce.addButton'),
  fields: [
    { name: 'title', label: t('panel:commerce.courseTitle'), required: true },
    { name: 'price', label: t('panel:commerce.price'), required: true, type: 'number' },
    { name: 'model', label: t('panel:commerce.model'), type: 'select', choices: PAYMENT_MODELS, value: 'one_off' },
    { name: 'currency', label: t('panel:commerce.currency'), placeholder: 'CNY' },
    { name: 'tags', label: t('panel:commerce.tags') },
    { name: 'description', label: t('panel:commerce.description'), type: 'textarea' },
  ],
})}
${commandForm({
  ...common,
  command: 'course access',
  submit: t('panel:commerce.setAccess'),
  style: 'secondary',
  extra: html`<small>${t('panel:commerce.accessHint')}</small>`,
  fields: [
    { name: 'course', label: t('panel:commerce.course'), required: true, placeholder: courses[0]?.id ?? '' },
    { name: 'role', label: t('panel:commerce.role') },
    { name: 'channel', label: t('panel:commerce.channelId') },
    { name: 'days', label: t('panel:commerce.days'), type: 'number', inputmode: 'numeric' },
  ],
})}
${commandForm({
  ...common,
  command: 'course grant',
  submit: t('panel:commerce.grantButton'),
  style: 'secondary',
  fields: [
    { name: 'member', label: t('panel:commerce.member'), required: true },
    { name: 'course', label: t('panel:commerce.course'), required: true },
  ],
})}
<form method="get" action="${back}" class="card"><h3>${t('panel:commerce.entitlements')}</h3>
<label>${t('panel:commerce.member')}<input name="member" value="${query.member ?? ''}"></label>
<button type="submit" class="secondary">${t('panel:commerce.show')}</button>
${
  entitlementsOf
    ? html`<ul>${entitlements.map((e) => html`<li>${byId.get(e.courseId)?.title ?? e.courseId} · ${e.source} · ${e.expiresAt ? formatSlot(e.expiresAt, community.timezone) : '∞'}${e.revokedAt ? ' · revoked' : ''}</li>`)}</ul>`
    : ''
}
</form>
</div>`;
  },
};
