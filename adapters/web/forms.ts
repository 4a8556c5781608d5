import { type Html, html } from './html.ts';

export interface FormField {
  /** The command option this field fills (sent as `o.<name>`). */
  name: string;
  label: string;
  type?: 'text' | 'number' | 'url' | 'checkbox' | 'select' | 'textarea';
  required?: boolean;
  value?: string | number;
  placeholder?: string;
  choices?: readonly string[];
  step?: string;
  hint?: string;
  inputmode?: 'numeric' | 'decimal';
}

/**
 * A form that runs one command as the viewer, through the same dispatcher as chat: permission, option parsing and
 * every reply are the command's own. Fields map to its options by name.
 */
export function commandForm(o: {
  communityId: string;
  csrf: string;
  back: string;
  command: string;
  fields: readonly FormField[];
  submit: string;
  /** Commands that post somewhere or need a place (digest schedules, weekly reports) get a channel field. */
  channel?: { label: string; hint: string; value: string } | string;
  id?: string;
  extra?: Html;
  style?: 'primary' | 'secondary' | 'danger';
  /** Asked before sending (by the page's script), for what cannot be undone. */
  confirm?: string;
  /** A heading over the form's fields. */
  heading?: string;
  /** data-* attributes for the page's script. */
  data?: Record<string, string>;
}): Html {
  const data = Object.entries(o.data ?? {}).map(([k, v]) => html` data-${k}="${v}"`);
  return html`<form method="post" action="/c/${o.communityId}/run" class="card"${o.id ? html` id="${o.id}"` : ''}${data}>
<input type="hidden" name="_csrf" value="${o.csrf}"><input type="hidden" name="back" value="${o.back}">
<input type="hidden" name="command" value="${o.command}">
${o.heading ? html`<h3>${o.heading}</h3>` : ''}
${o.fields.map(field)}
${
  typeof o.channel === 'string'
    ? html`<input type="hidden" name="channel" value="${o.channel}">`
    : o.channel
      ? html`<label>${o.channel.label}<input name="channel" value="${o.channel.value}" required maxlength="64"><small>${o.channel.hint}</small></label>`
      : ''
}
${o.extra ?? ''}
<button type="submit" class="${o.style ?? 'primary'}"${o.confirm ? html` data-confirm="${o.confirm}"` : ''}>${o.submit}</button>
</form>`;
}

function field(f: FormField): Html {
  const name = `o.${f.name}`;
  const hint = f.hint ? html`<small>${f.hint}</small>` : '';
  if (f.type === 'checkbox')
    return html`<label class="check"><input type="checkbox" name="${name}" value="true"${f.value === 'true' ? html` checked` : ''}> ${f.label}</label>`;
  if (f.type === 'select')
    return html`<label>${f.label}<select name="${name}">${(f.choices ?? []).map(
      (c) => html`<option value="${c}"${String(f.value ?? '') === c ? html` selected` : ''}>${c}</option>`,
    )}</select>${hint}</label>`;
  if (f.type === 'textarea')
    return html`<label>${f.label}<textarea name="${name}" rows="3"${f.required ? html` required` : ''}>${f.value ?? ''}</textarea>${hint}</label>`;
  return html`<label>${f.label}<input name="${name}" type="${f.type === 'number' ? 'text' : (f.type ?? 'text')}"${
    f.inputmode || f.type === 'number' ? html` inputmode="${f.inputmode ?? 'decimal'}"` : ''
  }${f.required ? html` required` : ''}${f.value !== undefined ? html` value="${String(f.value)}"` : ''}${
    f.placeholder ? html` placeholder="${f.placeholder}"` : ''
  }>${hint}</label>`;
}
