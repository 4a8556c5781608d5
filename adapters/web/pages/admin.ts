import { formatSlot } from '../../../core/content/digest/render.ts';
import { PERMISSION_LEVELS } from '../../../core/domain/types.ts';
import { commandForm } from '../forms.ts';
import { type Html, html } from '../html.ts';
import { table } from '../layout.ts';
import type { PageContext, PanelPage } from '../page.ts';

const AUDIT_DAYS = 30;

/** Admin: timezone and language, roles, privacy erasure, and the audit log of every privileged command. */
export const adminPage: PanelPage = {
  path: 'admin',
  key: 'admin',
  permission: 'admin',
  title: (t) => t('panel:admin.title'),
  async render(ctx: PageContext): Promise<Html> {
    const { t, community, csrf, back, services, clock, commands } = ctx;
    const common = { communityId: community.id, csrf, back };
    const privileged = new Set(commands.filter((c) => c.permission !== 'member').map((c) => c.name));
    const now = clock.now();
    const events = await services.events.query({
      communityId: community.id,
      verbs: ['command.used'],
      since: new Date(now.getTime() - AUDIT_DAYS * 86_400_000),
      until: new Date(now.getTime() + 1),
      limit: 20_000,
    });
    const audited = events
      .filter((e) => privileged.has(e.objectId))
      .slice(-100)
      .reverse();
    const members = await services.members.list(community.id, { limit: 200 });
    const names = new Map(
      (await services.members.getMany([...new Set(audited.map((e) => e.actorId))])).map((m) => [m.id, `@${m.handle}`]),
    );
    const auditRows = audited.map((e) => {
      const via = e.metadata.via === 'panel' ? t('panel:admin.panel') : t('panel:admin.chat', { platform: e.platform });
      const options = (e.metadata.options ?? {}) as Record<string, unknown>;
      const details = Object.entries(options)
        .map(
          ([k, v]) =>
            `${k}=${typeof v === 'object' && v && 'handle' in v ? `@${(v as { handle: string }).handle}` : String(v)}`,
        )
        .join(' ');
      return html`<tr><td>${formatSlot(e.occurredAt, community.timezone)}</td><td>${names.get(e.actorId) ?? e.actorId}</td><td><code>/${e.objectId}</code></td><td><small>${details}</small></td><td>${via}</td></tr>`;
    });
    const memberRows = members
      .filter((m) => !m.isBot)
      .sort((a, b) => PERMISSION_LEVELS.indexOf(b.role) - PERMISSION_LEVELS.indexOf(a.role))
      .slice(0, 50)
      .map((m) => html`<tr><td>${m.displayName}</td><td>@${m.handle}</td><td>${t(`common:roles.${m.role}`)}</td></tr>`);
    return html`<div class="grid">
${commandForm({ ...common, command: 'community timezone', heading: t('panel:admin.settings'), submit: t('panel:common.save'), fields: [{ name: 'timezone', label: t('panel:admin.timezone'), required: true, value: community.timezone }] })}
${commandForm({ ...common, command: 'community language', heading: t('panel:language'), submit: t('panel:common.save'), fields: [{ name: 'language', label: t('panel:admin.locale'), type: 'select', choices: ['auto', 'en', 'zh-CN'], value: community.locale ?? 'auto' }] })}
${commandForm({
  ...common,
  command: 'role set',
  heading: t('panel:admin.roles'),
  submit: t('panel:admin.setRole'),
  fields: [
    { name: 'member', label: t('panel:admin.member'), required: true, placeholder: '@alice' },
    { name: 'role', label: t('panel:admin.role'), type: 'select', choices: PERMISSION_LEVELS, value: 'member' },
  ],
})}
${commandForm({
  ...common,
  command: 'privacy erase',
  heading: t('panel:admin.privacy'),
  submit: t('panel:admin.erase'),
  style: 'danger',
  confirm: t('panel:common.sure'),
  extra: html`<small>${t('panel:admin.privacyHint')}</small>`,
  fields: [{ name: 'member', label: t('panel:admin.member'), required: true }],
})}
</div>
<h2>${t('panel:admin.audit')}</h2>
<p>${t('panel:admin.auditIntro')}</p>
${table(t, [t('panel:common.when'), t('panel:common.who'), t('panel:admin.command'), t('panel:admin.details'), t('panel:admin.via')], auditRows)}
<h2>${t('panel:admin.members')}</h2>
${table(t, [t('panel:admin.member'), '@', t('panel:admin.role')], memberRows)}`;
  },
};
