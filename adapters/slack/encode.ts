import type { RichReply } from '../../core/domain/reply.ts';
import { toneMarker } from '../shared/markers.ts';
import { splitEscaped, truncate } from '../shared/split.ts';

/** Block Kit limits: 50 blocks a message, 3000 characters a section, 10 fields, 25 actions, 75 a button label. */
export const SLACK_MAX_BLOCKS = 50;
export const SLACK_SECTION_LIMIT = 3_000;
const FIELD_LIMIT = 2_000;
const HEADER_LIMIT = 150;

// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON is checked by Slack; the builders below keep it well-formed
export type Block = Record<string, any>;

export interface SlackMessage {
  /** Notification and accessibility fallback. */
  text: string;
  blocks: Block[];
}

export interface SlackUpload {
  png: Uint8Array;
  filename: string;
  alt: string;
}

/** A document (a data export), uploaded through files.uploadV2 beside the messages. */
export interface SlackFile {
  data: Uint8Array;
  filename: string;
  title: string;
}

export interface EncodedSlackReply {
  messages: SlackMessage[];
  upload?: SlackUpload;
  file?: SlackFile;
  ephemeral: boolean;
}

/**
 * Escapes user text for mrkdwn: `&`, `<` and `>` are the only control characters Slack defines, and escaping
 * them is what keeps `<!channel>`, `<@U123>` and links typed by a member from becoming real mentions or links.
 */
export function escapeMrkdwn(text: string): string {
  return (
    text
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      // Belt and braces: even where Slack would auto-parse plain `@channel`, a zero-width space defuses it.
      .replace(/@(channel|here|everyone)\b/gi, '@\u200b$1')
  );
}

/** Link labels additionally lose `|`, which would end the label early. */
function linkLabel(text: string): string {
  return escapeMrkdwn(text).replaceAll('|', '¦');
}

function safeUrl(url: string): string | null {
  return /^https?:\/\/[^\s<>|]+$/i.test(url) ? url : null;
}

/** verbatim: Slack parses only explicit `<…>` markup, which escapeMrkdwn has already neutralised. */
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text, verbatim: true });
const section = (text: string): Block => ({ type: 'section', text: mrkdwn(text) });

export function encodeReply(reply: RichReply): EncodedSlackReply {
  const blocks: Block[] = [];
  const plainTitle = reply.title ? truncate(toneMarker(reply.tone) + reply.title, HEADER_LIMIT) : undefined;
  if (plainTitle) blocks.push({ type: 'header', text: { type: 'plain_text', text: plainTitle, emoji: true } });
  else if (reply.tone && reply.tone !== 'info' && reply.text) blocks.push(section(toneMarker(reply.tone).trim()));
  if (reply.text)
    for (const chunk of splitEscaped(reply.text, SLACK_SECTION_LIMIT, escapeMrkdwn)) blocks.push(section(chunk));
  for (const item of reply.items ?? []) {
    const href = item.url ? safeUrl(item.url) : null;
    const title = truncate(item.title, 300);
    const lines = [href ? `*<${href}|${linkLabel(title)}>*` : `*${escapeMrkdwn(title)}*`];
    if (item.description) lines.push(escapeMrkdwn(truncate(item.description, 1_500)));
    if (item.meta) lines.push(`_${escapeMrkdwn(truncate(item.meta, 500))}_`);
    blocks.push(section(lines.join('\n')));
  }
  const fields = reply.fields ?? [];
  for (let i = 0; i < fields.length; i += 10) {
    blocks.push({
      type: 'section',
      fields: fields
        .slice(i, i + 10)
        .map((f) => mrkdwn(truncate(`*${escapeMrkdwn(f.name)}*\n${escapeMrkdwn(f.value)}`, FIELD_LIMIT))),
    });
  }
  if (reply.footer) blocks.push({ type: 'context', elements: [mrkdwn(escapeMrkdwn(truncate(reply.footer, 2_000)))] });

  const buttons = (reply.buttons ?? []).slice(0, 25).flatMap((button, index) => {
    const url = button.url ? safeUrl(button.url) : null;
    if (!url && !button.action) return [];
    return [
      {
        type: 'button',
        text: { type: 'plain_text', text: truncate(button.label, 75), emoji: true },
        // Slack wants unique action ids per message; the command line itself travels in `value`.
        action_id: `cohort_action_${index}`,
        ...(url ? { url } : { value: button.action }),
        ...(button.style === 'primary' || button.style === 'danger' ? { style: button.style } : {}),
      },
    ];
  });

  const messages: SlackMessage[] = [];
  const room = buttons.length > 0 ? SLACK_MAX_BLOCKS - 1 : SLACK_MAX_BLOCKS;
  for (let i = 0; i < blocks.length; i += room) messages.push({ text: '', blocks: blocks.slice(i, i + room) });
  if (messages.length === 0) messages.push({ text: '', blocks: [] });
  if (buttons.length > 0) messages.at(-1)?.blocks.push({ type: 'actions', elements: buttons });

  const summary = escapeMrkdwn(truncate(reply.title ?? reply.text ?? reply.items?.[0]?.title ?? '…', 300));
  for (const message of messages) message.text = summary;

  return {
    messages,
    ephemeral: reply.ephemeral ?? false,
    ...(reply.image ? { upload: { png: reply.image.png, filename: reply.image.filename, alt: reply.image.alt } } : {}),
    ...(reply.file
      ? { file: { data: reply.file.data, filename: reply.file.filename, title: truncate(reply.file.description, 250) } }
      : {}),
  };
}
