import { formatSlot } from '../../../core/content/digest/render.ts';
import { hasPermission } from '../../../core/domain/types.ts';
import { commandForm } from '../forms.ts';
import { type Html, html } from '../html.ts';
import { actionForm, table } from '../layout.ts';
import type { PageContext, PanelPage } from '../page.ts';

/** Points: the ledger policy (admins change it), tip-ring flags, grants and revokes, and their audit trail. */
export const pointsPage: PanelPage = {
  path: 'points',
  key: 'points',
  permission: 'moderator',
  title: (t) => t('panel:points.title'),
  async render(ctx: PageContext): Promise<Html> {
    const { t, community, csrf, back, services, clock, role } = ctx;
    const common = { communityId: community.id, csrf, back };
    const policy = await services.ledger.policyFor(community, clock.now());
    const flags = await services.ledger.flags(community, 20);
    const audit = await services.ledger.audit(community, 20);
    const ids = [
      ...new Set([...flags.flatMap((f) => f.memberIds), ...audit.flatMap((a) => [a.moderatorId, a.memberId])]),
    ];
    const names = new Map((await services.members.getMany(ids)).map((m) => [m.id, `@${m.handle}`]));
    const name = (id: string) => names.get(id) ?? id;
    const flagRows = flags.map(
      (f) =>
        html`<tr><td>${formatSlot(f.createdAt, community.timezone)}</td><td><span class="badge warn">${f.kind}</span> ${f.resolution ? html`<span class="badge ${f.resolution.outcome === 'abuse' ? 'bad' : 'ok'}">${t(`interactions:flags.resolved.${f.resolution.outcome}`, { by: name(f.resolution.byMemberId) })}</span>` : ''}</td><td>${f.memberIds.map(name).join(' ⇄ ')}</td><td><code>${f.id}</code></td>
<td>${f.resolution ? '' : html`${actionForm({ ...common, line: `/points flag ${f.id} ok`, label: t('panel:points.flagOk') })} ${actionForm({ ...common, line: `/points flag ${f.id} abuse`, label: t('panel:points.flagAbuse'), style: 'danger' })}`}</td></tr>`,
    );
    const auditRows = audit.map(
      (a) =>
        html`<tr><td>${formatSlot(a.createdAt, community.timezone)}</td><td>${name(a.moderatorId)}</td><td>${a.action === 'grant' ? '+' : '−'}${a.amount} → ${name(a.memberId)}</td><td>${a.reason}</td></tr>`,
    );
    const adjust = (command: 'points grant' | 'points revoke', label: string) =>
      commandForm({
        ...common,
        command,
        heading: label,
        submit: label,
        style: command === 'points grant' ? 'primary' : 'danger',
        fields: [
          { name: 'member', label: t('panel:points.member'), required: true, placeholder: '@alice' },
          { name: 'amount', label: t('panel:points.amount'), required: true, type: 'number', inputmode: 'numeric' },
          { name: 'reason', label: t('panel:points.reason'), required: true },
        ],
      });
    return html`<div class="grid">
${
  hasPermission(role, 'admin')
    ? commandForm({
        ...common,
        command: 'points policy',
        heading: t('panel:points.policy'),
        submit: t('panel:common.save'),
        fields: [
          {
            name: 'allowance',
            label: t('panel:points.allowance'),
            type: 'number',
            inputmode: 'numeric',
            value: policy.dailyAllowance,
          },
          {
            name: 'cap',
            label: t('panel:points.cap'),
            type: 'number',
            inputmode: 'numeric',
            value: policy.dailySendCap,
          },
          {
            name: 'cooldown',
            label: t('panel:points.cooldown'),
            value: `${Math.round(policy.pairCooldownMs / 1000)}s`,
          },
        ],
      })
    : html`<div class="card"><h3>${t('panel:points.policy')}</h3><dl class="fields"><dt>${t('panel:points.allowance')}</dt><dd>${policy.dailyAllowance}</dd><dt>${t('panel:points.cap')}</dt><dd>${policy.dailySendCap}</dd><dt>${t('panel:points.cooldown')}</dt><dd>${Math.round(policy.pairCooldownMs / 1000)}s</dd></dl></div>`
}
${adjust('points grant', t('panel:points.grant'))}
${adjust('points revoke', t('panel:points.revoke'))}
</div>
<h2>${t('panel:points.flags')}</h2>
${flagRows.length ? table(t, [t('panel:common.when'), t('panel:common.status'), t('panel:common.who'), t('panel:common.id'), t('panel:common.actions')], flagRows) : html`<p class="empty">${t('panel:points.flagsEmpty')}</p>`}
<h2>${t('panel:points.ledgerAudit')}</h2>
${table(t, [t('panel:common.when'), t('panel:common.who'), t('panel:points.amount'), t('panel:points.reason')], auditRows)}`;
  },
};
