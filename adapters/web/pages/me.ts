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
    const history = await services.ledger.history(community, member, 10);
    const others = new Map(
      (
        await services.members.getMany([
          ...new Set(
            history
              .flatMap((x) => [x.fromMemberId, x.toMemberId])
              .filter((id): id is string => !!id && id !== member.id),
          ),
        ])
      ).map((m) => [m.id, `@${m.handle}`]),
    );
    const historyRows = history.map((x) => {
      const incoming = x.toMemberId === member.id;
      const other = incoming ? x.fromMemberId : x.toMemberId;
      return html`<tr><td>${formatSlot(x.createdAt, community.timezone)}</td><td>${incoming ? '+' : '−'}${x.amount}</td>
<td>${other ? (others.get(other) ?? '') : t(`panel:me.${x.kind === 'revoke' ? 'revoked' : 'granted'}`)}</td><td>${x.reason ?? ''}</td></tr>`;
    });
    const rows = entitlements.map((e, i) => {
      const course = courses[i];
      return html`<tr><td>${course?.title ?? e.courseId}</td><td>${course ? formatPrice(course.priceMinor, course.currency, ctx.locale) : ''}</td>
<td>${t(`panel:status.${e.source}`)}</td><td>${e.expiresAt ? formatSlot(e.expiresAt, community.timezone) : '∞'}</td></tr>`;
    });
    return html`<div class="grid"><div class="card"><h2>${t('panel:me.balance')}</h2>
<p><strong class="big">${balance.balance}</strong></p>
<p><small>${balance.allowanceLeft} / ${balance.allowanceTotal} · ${formatSlot(balance.resetsAt, community.timezone)}</small></p></div></div>
<h2>${t('panel:me.history')}</h2>
${table(t, [t('panel:common.when'), t('panel:points.amount'), t('panel:common.who'), t('panel:points.reason')], historyRows)}
<h2>${t('panel:me.courses')}</h2>
${table(t, [t('panel:commerce.course'), t('panel:commerce.amount'), t('panel:common.status'), t('panel:common.when')], rows)}`;
  },
};
