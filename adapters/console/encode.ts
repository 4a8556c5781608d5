import { fieldLead, type RichReply } from '../../core/domain/reply.ts';

/**
 * RichReply → plain text for a terminal. Buttons become numbered actions (`[1] Enrol`) that the next line
 * picks with `!1`; an image is saved by the caller and shown as its path.
 */
export function encodeConsoleReply(reply: RichReply, saved: { image?: string; file?: string } = {}): string {
  const lines: string[] = [];
  const mark = reply.tone === 'error' ? '✖ ' : reply.tone === 'success' ? '✔ ' : reply.tone === 'warning' ? '! ' : '';
  if (reply.title) lines.push(`${mark}${reply.title}`, '─'.repeat(Math.min(60, Math.max(8, width(reply.title) + 2))));
  if (reply.text) lines.push(reply.title ? reply.text : `${mark}${reply.text}`);
  // Some replies number their items themselves (digest ranks that match the 👍 N buttons): do not number twice.
  const numbered = reply.items?.every((item, i) => new RegExp(`^#?${i + 1}\\.? `).test(item.title)) ?? false;
  reply.items?.forEach((item, i) => {
    lines.push(`${numbered ? '' : `${i + 1}. `}${item.title}${item.url ? `  <${item.url}>` : ''}`);
    if (item.description) lines.push(`   ${item.description}`);
    if (item.meta) lines.push(`   ${item.meta}`);
  });
  for (const field of reply.fields ?? []) {
    const { lead, heading, multiline } = fieldLead(field);
    if (multiline) lines.push(`${field.name}${heading}`, ...field.value.split('\n').map((line) => `   ${line}`));
    else lines.push(`${field.name}${lead}${field.value}`);
  }
  if (reply.image) lines.push(`[${reply.image.alt}${saved.image ? ` → ${saved.image}` : ''}]`);
  if (reply.file)
    lines.push(`[${reply.file.description}: ${reply.file.filename}${saved.file ? ` → ${saved.file}` : ''}]`);
  if (reply.buttons?.length) {
    lines.push(reply.buttons.map((b, i) => (b.url ? `[${b.label} → ${b.url}]` : `[!${i + 1}] ${b.label}`)).join('  '));
  }
  if (reply.footer) lines.push(reply.footer);
  return lines.join('\n');
}

/** Display width: CJK characters take two columns. */
function width(text: string): number {
  let w = 0;
  for (const ch of text)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch)
      ? 2
      : 1;
  return w;
}
