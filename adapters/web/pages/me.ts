import { formatSlot } from '../../../core/content/digest/render.ts';
import { formatPrice } from '../../../core/domain/money.ts';
import { type Html, html } from '../html.ts';
import { table } from '../layout.ts';
import type { PageContext, PanelPage } from '../page.ts';

/** What every member may see: their own points and courses, nobody else's. */
export const mePage: PanelPage = {
  path: 'me',
  key: 'me',
  permission: 'member',
  title: (t) => t('panel:me.title'),
  async render(ctx: PageContext): Promise<Html> {
    const { t, community, member, services, clock } = ctx;
    const now = clock.now();
    const balance = await services.ledger.balance(community, member, now);
    const entitlements = await services.commerce.entitlements(member);
    const courses = await Promise.all(entitlements.map((e) => services.courses.get(e.courseId)));
    const rows = entitlements.map((e, i) => {
      const course = courses[i];
      return html`<tr><td>${course?.title ?? e.courseId}</td><td>${course ? formatPrice(course.priceMinor, course.currency, ctx.locale) : ''}</td>
<td>${e.source}</td><td>${e.expiresAt ? formatSlot(e.expiresAt, community.timezone) : '∞'}</td></tr>`;
    });
    return html`<div class="grid"><div class="card"><h2>${t('panel:me.balance')}</h2>
<p><strong class="big">${balance.balance}</strong></p>
<p><small>${balance.allowanceLeft} / ${balance.allowanceTotal} · ${formatSlot(balance.resetsAt, community.timezone)}</small></p></div></div>
<h2>${t('panel:me.courses')}</h2>
${table(t, [t('panel:commerce.course'), t('panel:commerce.amount'), t('panel:common.status'), t('panel:common.when')], rows)}`;
  },
};
