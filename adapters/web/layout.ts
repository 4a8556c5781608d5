import type { RichReply } from '../../core/domain/reply.ts';
import type { Locale, PermissionLevel } from '../../core/domain/types.ts';
import type { Translate } from '../../core/i18n/translate.ts';
import { type Html, html } from './html.ts';

/** A page of the panel: the menu entry, who may open it, and where it lives under /c/<community>/. */
export interface NavEntry {
  path: string;
  key: string;
  permission: PermissionLevel;
}

export interface ShellOptions {
  locale: Locale;
  t: Translate;
  title: string;
  csrf?: string;
  /** The signed-in viewer, for the header; none on the sign-in page. */
  viewer?: { name: string; role: PermissionLevel; communityName: string; communityId: string };
  nav?: readonly NavEntry[];
  current?: string;
  flash?: Html | null;
  body: Html;
}

/** The page shell: one stylesheet, one small script, a menu that folds into a row on a phone. */
export function shell(o: ShellOptions): Html {
  const { t, viewer } = o;
  const other: Locale = o.locale === 'en' ? 'zh-CN' : 'en';
  return html`<!doctype html>
<html lang="${o.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · ${t('panel:product')}</title>
<link rel="stylesheet" href="/assets/panel.css">
<script src="/assets/panel.js" defer></script>
</head>
<body>
<a class="skip" href="#main">${t('panel:skip')}</a>
<header class="top">
  <a class="brand" href="/">${t('panel:product')}</a>
  ${viewer ? html`<span class="community">${viewer.communityName}</span>` : ''}
  <span class="spacer"></span>
  <form method="post" action="/locale" class="inline">
    ${o.csrf ? html`<input type="hidden" name="_csrf" value="${o.csrf}">` : ''}
    <input type="hidden" name="locale" value="${other}">
    <button type="submit" class="link" lang="${other}" title="${t('panel:language')}">${other === 'en' ? 'English' : '中文'}</button>
  </form>
  ${
    viewer
      ? html`<span class="who">${t('panel:signedInAs', { name: viewer.name, role: t(`common:roles.${viewer.role}`) })}</span>
  <form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="${o.csrf ?? ''}"><button type="submit" class="link">${t('panel:signOut')}</button></form>`
      : ''
  }
</header>
${
  viewer && o.nav
    ? html`<nav class="menu">${o.nav.map(
        (entry) =>
          html`<a href="/c/${viewer.communityId}/${entry.path}"${entry.path === o.current ? html` aria-current="page"` : ''}>${t(`panel:nav.${entry.key}`)}</a>`,
      )}</nav>`
    : ''
}
<main id="main">
<h1>${o.title}</h1>
${o.flash ?? ''}
${o.body}
</main>
</body>
</html>`;
}

/** A command's reply as the chat would show it; buttons that run an action become small forms. */
export function replyHtml(reply: RichReply, opts: { communityId: string; csrf: string; back: string }): Html {
  return html`<section class="reply tone-${reply.tone ?? 'info'}" role="status">
  ${reply.title ? html`<h3>${reply.title}</h3>` : ''}
  ${reply.text ? html`<p class="text">${reply.text}</p>` : ''}
  ${
    reply.items?.length
      ? html`<ol class="items">${reply.items.map(
          (
            item,
          ) => html`<li>${item.url ? html`<a href="${safeUrl(item.url)}" rel="noopener noreferrer">${item.title}</a>` : item.title}
          ${item.description ? html`<div>${item.description}</div>` : ''}
          ${item.meta ? html`<small>${item.meta}</small>` : ''}</li>`,
        )}</ol>`
      : ''
  }
  ${reply.fields?.length ? html`<dl class="fields">${reply.fields.map((f) => html`<dt>${f.name}</dt><dd>${f.value}</dd>`)}</dl>` : ''}
  ${reply.image ? html`<img class="chart" alt="${reply.image.alt}" src="data:image/png;base64,${Buffer.from(reply.image.png).toString('base64')}">` : ''}
  ${
    reply.buttons?.length
      ? html`<div class="buttons">${reply.buttons.map((b) =>
          b.url
            ? html`<a class="button" href="${safeUrl(b.url)}" rel="noopener noreferrer">${b.label}</a>`
            : b.action
              ? actionForm({ ...opts, line: b.action, label: b.label, style: b.style ?? 'secondary' })
              : '',
        )}</div>`
      : ''
  }
  ${reply.footer ? html`<footer>${reply.footer}</footer>` : ''}
</section>`;
}

/** A one-button form that runs a command line as the viewer, as pressing the button in chat would. */
export function actionForm(o: {
  communityId: string;
  csrf: string;
  back: string;
  line: string;
  label: string;
  style?: 'primary' | 'secondary' | 'danger';
  channel?: string;
  /** Asked before sending, for what cannot be undone. */
  confirm?: string;
}): Html {
  return html`<form method="post" action="/c/${o.communityId}/run" class="inline">
<input type="hidden" name="_csrf" value="${o.csrf}"><input type="hidden" name="back" value="${o.back}">
<input type="hidden" name="line" value="${o.line}">${o.channel ? html`<input type="hidden" name="channel" value="${o.channel}">` : ''}
<button type="submit" class="${o.style ?? 'secondary'}"${o.confirm ? html` data-confirm="${o.confirm}"` : ''}>${o.label}</button></form>`;
}

/** Only http(s) links leave the panel; anything else (javascript:, data:) becomes inert. */
export function safeUrl(url: string): string {
  return /^https?:\/\//i.test(url) ? url : '#';
}

/** A table with a header row; an empty list says so. */
export function table(t: Translate, headers: readonly string[], rows: readonly Html[]): Html {
  if (rows.length === 0) return html`<p class="empty">${t('panel:common.none')}</p>`;
  return html`<div class="scroll"><table><thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div>`;
}
