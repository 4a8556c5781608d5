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
<td><span class="badge ${o.status === 'paid' ? 'ok' : o.status === 'pending' ? 'warn' : ''}">${t(`panel:status.${o.status}`)}</span></td>
<td>${
        o.status === 'pending'
          ? html`${actionForm({ ...common, line: `/order confirm ${o.id}`, label: t('panel:commerce.confirm'), style: 'primary' })} ${actionForm({ ...common, line: `/order cancel ${o.id}`, label: t('panel:commerce.cancel'), style: 'danger', confirm: t('panel:common.sure') })}`
          : ''
      }</td></tr>`,
    );
    const listed = courses.slice(0, 100);
    const archived = new Set(
      (
        await Promise.all(listed.map(async (c) => ((await services.commerce.settings(c)).archivedAt ? c.id : null)))
      ).filter(Boolean),
    );
    const courseRows = listed.map(
      (
        c,
      ) => html`<tr><td>${c.title}${archived.has(c.id) ? html` <span class="badge warn">${t('panel:commerce.archived')}</span>` : ''}<br><small>${c.tags.join(', ')}</small></td><td>${formatPrice(c.priceMinor, c.currency, locale)}</td>
<td>${c.paymentModel}</td><td><code>${c.id}</code></td>
<td>${archived.has(c.id) ? actionForm({ ...common, line: `/course restore ${c.id}`, label: t('panel:commerce.restore'), style: 'primary' }) : actionForm({ ...common, line: `/course archive ${c.id}`, label: t('panel:commerce.archive'), style: 'secondary', confirm: t('panel:common.sure') })}</td></tr>`,
    );
    // Revenue: paid orders per currency, and the money ledger (balance, payments, fees, refunds, payouts) of the
    // viewer or, for moderators, of the creator they pick, as `/payments ledger` shows it.
    const paidBy = new Map<string, number>();
    for (const o of orders)
      if (o.status === 'paid') paidBy.set(o.currency, (paidBy.get(o.currency) ?? 0) + o.amountMinor);
    const whose =
      query.creator && role !== 'creator'
        ? ((await services.members.findByHandle(community.id, query.creator.replace(/^@/, ''))) ?? member)
        : member;
    const money = await services.payments.ledger(community.id, whose.id);
    const moneyRows = money.entries.slice(0, 15).map(
      (e) => html`<tr><td>${formatSlot(e.occurredAt, community.timezone)}</td><td>${t(`payments:kinds.${e.kind}`)}</td>
<td>${formatPrice(e.amountMinor, e.currency, locale)}</td><td>${e.provider}</td></tr>`,
    );
    const entitlementsOf = query.member
      ? await services.members.findByHandle(community.id, query.member.replace(/^@/, ''))
      : null;
    const entitlements = entitlementsOf ? await services.commerce.entitlements(entitlementsOf) : [];
    const revenue = html`<h2>${t('panel:commerce.revenue')}</h2>
<div class="stats">${[...paidBy].map(([currency, minor]) => html`<div class="card"><strong>${t('panel:commerce.paidOrders', { currency })}</strong><p class="big">${formatPrice(minor, currency, locale)}</p></div>`)}
${money.balances.map((b) => html`<div class="card"><strong>${t('panel:commerce.balance', { who: whose.displayName, currency: b.currency })}</strong><p class="big">${formatPrice(b.amountMinor, b.currency, locale)}</p></div>`)}</div>
${
  role !== 'creator'
    ? html`<form method="get" action="${back}" class="stack"><label>${t('panel:commerce.creator')}<input name="creator" value="${query.creator ?? ''}" placeholder="@creator"></label><button type="submit" class="secondary">${t('panel:commerce.show')}</button></form>`
    : ''
}
${table(t, [t('panel:common.when'), t('panel:common.status'), t('panel:commerce.amount'), t('panel:commerce.provider')], moneyRows)}`;
    return html`${revenue}
<h2>${t('panel:commerce.orders')}</h2>
${table(t, [t('panel:commerce.order'), t('panel:commerce.course'), t('panel:commerce.buyer'), t('panel:commerce.amount'), t('panel:common.status'), t('panel:common.actions')], orderRows)}
<h2>${t('panel:commerce.catalogue')}</h2>
${table(t, [t('panel:commerce.courseTitle'), t('panel:commerce.amount'), t('panel:commerce.model'), t('panel:common.id'), t('panel:common.actions')], courseRows)}
<div class="grid">
${commandForm({
  ...common,
  command: 'course add',
  id: 'course-add',
  heading: t('panel:commerce.addCourse'),
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
  command: 'course edit',
  id: 'course-edit',
  heading: t('panel:commerce.editCourse'),
  submit: t('panel:commerce.editButton'),
  style: 'secondary',
  extra: html`<small>${t('panel:commerce.editHint')}</small>`,
  fields: [
    { name: 'course', label: t('panel:commerce.course'), required: true, placeholder: courses[0]?.id ?? '' },
    { name: 'title', label: t('panel:commerce.courseTitle') },
    { name: 'price', label: t('panel:commerce.price'), type: 'number' },
    { name: 'tags', label: t('panel:commerce.tags') },
    { name: 'description', label: t('panel:commerce.description'), type: 'textarea' },
  ],
})}
${commandForm({
  ...common,
  command: 'course access',
  heading: t('panel:commerce.access'),
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
  heading: t('panel:commerce.grant'),
  submit: t('panel:commerce.grantButton'),
  style: 'secondary',
  fields: [
    { name: 'member', label: t('panel:commerce.member'), required: true },
    { name: 'course', label: t('panel:commerce.course'), required: true },
  ],
})}
<form method="get" action="${back}" class="card stack"><h3>${t('panel:commerce.entitlements')}</h3>
<label>${t('panel:commerce.member')}<input name="member" value="${query.member ?? ''}"></label>
<button type="submit" class="secondary">${t('panel:commerce.show')}</button>
${
  entitlementsOf
    ? html`<ul>${entitlements.map((e) => html`<li>${byId.get(e.courseId)?.title ?? e.courseId} · ${t(`panel:status.${e.source}`)} · ${e.expiresAt ? formatSlot(e.expiresAt, community.timezone) : '∞'}${e.revokedAt ? ` · ${t('panel:status.revoked')}` : ''}</li>`)}</ul>`
    : ''
}
</form>
</div>`;
  },
};
