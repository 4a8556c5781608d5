import type { ReplyButton, RichReply } from '../../core/domain/reply.ts';
import { fieldLead, MAX_BUTTON_ACTION_BYTES } from '../../core/domain/reply.ts';
import { toneMarker } from '../shared/markers.ts';
import { packPieces, splitEscaped, truncate } from '../shared/split.ts';

/** Telegram's limits: 4096 characters per message, 1024 per photo caption, 64 bytes of callback data. */
export const TELEGRAM_TEXT_LIMIT = 4096;
export const TELEGRAM_CAPTION_LIMIT = 1024;

export type InlineButton = { text: string; callback_data: string } | { text: string; url: string };

export type TelegramMessage =
  | { kind: 'text'; html: string; keyboard?: InlineButton[][] }
  | { kind: 'photo'; png: Uint8Array; filename: string; captionHtml: string }
  | { kind: 'document'; data: Uint8Array; filename: string; captionHtml: string };

/** Escapes user-provided text for parse_mode HTML: nothing a member typed can become a tag or a link. */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

function safeUrl(url: string): string | null {
  return /^https?:\/\//i.test(url) ? url : null;
}

function renderItem(item: NonNullable<RichReply['items']>[number]): string {
  const title = escapeHtml(truncate(item.title, 256));
  const href = item.url ? safeUrl(item.url) : null;
  const lines = [href ? `• <a href="${escapeHtml(href)}">${title}</a>` : `• <b>${title}</b>`];
  if (item.description) lines.push(escapeHtml(truncate(item.description, 1_000)));
  if (item.meta) lines.push(`<i>${escapeHtml(truncate(item.meta, 300))}</i>`);
  return lines.join('\n');
}

function keyboardFor(buttons: readonly ReplyButton[]): InlineButton[][] {
  const usable: InlineButton[] = [];
  for (const button of buttons) {
    const text = truncate(button.label, 64);
    if (button.url && safeUrl(button.url)) usable.push({ text, url: button.url });
    else if (button.action && Buffer.byteLength(button.action, 'utf8') <= MAX_BUTTON_ACTION_BYTES)
      usable.push({ text, callback_data: button.action });
  }
  const rows: InlineButton[][] = [];
  // Two per row keeps labels readable on phones.
  for (let i = 0; i < usable.length; i += 2) rows.push(usable.slice(i, i + 2));
  return rows;
}

/** RichReply → Telegram messages in send order; the keyboard rides on the last text message. */
export function encodeReply(reply: RichReply): TelegramMessage[] {
  const pieces: string[] = [];
  if (reply.title) pieces.push(`<b>${escapeHtml(toneMarker(reply.tone) + truncate(reply.title, 256))}</b>`);
  else if (reply.tone && reply.tone !== 'info' && reply.text) pieces.push(toneMarker(reply.tone).trim());
  if (reply.text) pieces.push(...splitEscaped(reply.text, TELEGRAM_TEXT_LIMIT, escapeHtml));
  for (const item of reply.items ?? []) pieces.push(renderItem(item));
  for (const field of reply.fields ?? []) {
    const { lead, heading, multiline } = fieldLead(field);
    pieces.push(
      `<b>${escapeHtml(truncate(field.name, 256))}</b>${multiline ? `${heading}\n` : lead}${escapeHtml(truncate(field.value, 1_000))}`,
    );
  }
  if (reply.footer) pieces.push(`<i>${escapeHtml(truncate(reply.footer, 500))}</i>`);

  const chunks = packPieces(pieces, TELEGRAM_TEXT_LIMIT, '\n\n');
  const messages: TelegramMessage[] = chunks.map((html) => ({ kind: 'text', html }));
  const keyboard = keyboardFor(reply.buttons ?? []);
  if (keyboard.length > 0) {
    const last = messages.at(-1);
    if (last?.kind === 'text') last.keyboard = keyboard;
    else messages.push({ kind: 'text', html: '⬇️', keyboard });
  }
  if (reply.image) {
    messages.push({
      kind: 'photo',
      png: reply.image.png,
      filename: reply.image.filename,
      captionHtml: escapeHtml(truncate(reply.image.alt, TELEGRAM_CAPTION_LIMIT / 2)),
    });
  }
  if (reply.file) {
    messages.push({
      kind: 'document',
      data: reply.file.data,
      filename: reply.file.filename,
      captionHtml: escapeHtml(truncate(reply.file.description, TELEGRAM_CAPTION_LIMIT / 2)),
    });
  }
  if (messages.length === 0) messages.push({ kind: 'text', html: '✅' });
  return messages;
}
