import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
  escapeMarkdown,
} from 'discord.js';
import type { RichReply } from '../../core/domain/reply.ts';
import { packPieces, splitEscaped, truncate } from '../shared/split.ts';

/** Discord limits: embed description 4096, 6000 characters across a message's embeds, 25 fields, 5×5 buttons. */
export const DISCORD_DESCRIPTION_LIMIT = 4_000;
const FIELD_BUDGET = 5_000;
const CUSTOM_ID_LIMIT = 100;

const TONE_COLOURS: Record<NonNullable<RichReply['tone']>, number> = {
  info: 0x5865f2,
  success: 0x57f287,
  warning: 0xfee75c,
  error: 0xed4245,
};

/** Every message the bot sends carries this: nobody is pinged by anything the bot posts. */
export const NO_MENTIONS = { parse: [] as never[] };

export interface DiscordMessage {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  files?: Array<{ attachment: Buffer; name: string; description?: string }>;
  allowed_mentions: typeof NO_MENTIONS;
  ephemeral: boolean;
}

/** Markdown escaping for embed text; also defuses @everyone/@here so they read as text even where mentions render. */
export function escapeDiscord(text: string): string {
  return escapeMarkdown(text).replace(/@(everyone|here)/g, '@\u200b$1');
}

function safeUrl(url: string): string | null {
  return /^https?:\/\/[^\s()]+$/i.test(url) ? url : null;
}

function renderItem(item: NonNullable<RichReply['items']>[number]): string {
  const title = escapeDiscord(truncate(item.title, 256)).replace(/[[\]]/g, (c) => `\\${c}`);
  const href = item.url ? safeUrl(item.url) : null;
  const lines = [href ? `**[${title}](${href})**` : `**${title}**`];
  if (item.description) lines.push(escapeDiscord(truncate(item.description, 1_000)));
  if (item.meta) lines.push(`*${escapeDiscord(truncate(item.meta, 300))}*`);
  return lines.join('\n');
}

function buttonRows(reply: RichReply): APIActionRowComponent<APIButtonComponent>[] {
  const buttons: APIButtonComponent[] = [];
  for (const button of (reply.buttons ?? []).slice(0, 25)) {
    const label = truncate(button.label, 80);
    const url = button.url ? safeUrl(button.url) : null;
    if (button.premiumSku)
      buttons.push({ type: ComponentType.Button, style: ButtonStyle.Premium, sku_id: button.premiumSku });
    else if (url) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Link, label, url });
    else if (button.action && button.action.length <= CUSTOM_ID_LIMIT)
      buttons.push({
        type: ComponentType.Button,
        style:
          button.style === 'primary'
            ? ButtonStyle.Primary
            : button.style === 'danger'
              ? ButtonStyle.Danger
              : ButtonStyle.Secondary,
        label,
        // The command line itself is the custom id: a click runs it as the member who clicked.
        custom_id: button.action,
      });
  }
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let i = 0; i < buttons.length; i += 5)
    rows.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + 5) });
  return rows;
}

/** RichReply → Discord messages in send order, one embed each, buttons and image on the last. */
export function encodeReply(reply: RichReply): DiscordMessage[] {
  const colour = TONE_COLOURS[reply.tone ?? 'info'];
  const pieces: string[] = [];
  if (reply.text) pieces.push(...splitEscaped(reply.text, DISCORD_DESCRIPTION_LIMIT, escapeDiscord));
  for (const item of reply.items ?? []) pieces.push(renderItem(item));
  const descriptions = packPieces(pieces, DISCORD_DESCRIPTION_LIMIT, '\n\n');

  const embeds: APIEmbed[] = descriptions.map((description) => ({ color: colour, description }));
  if (embeds.length === 0) embeds.push({ color: colour });
  const first = embeds[0] as APIEmbed;
  if (reply.title) first.title = truncate(reply.title, 256);

  // Fields go on the last embed while the 6000-character budget allows, then on embeds of their own.
  const fields = (reply.fields ?? []).map((f) => ({
    name: truncate(f.name, 256),
    value: truncate(escapeDiscord(f.value), 1_024),
    inline: f.inline ?? false,
  }));
  let target = embeds.at(-1) as APIEmbed;
  let used = (target.description?.length ?? 0) + (target.title?.length ?? 0);
  for (const field of fields) {
    const size = field.name.length + field.value.length;
    if ((target.fields?.length ?? 0) >= 25 || used + size > FIELD_BUDGET) {
      target = { color: colour };
      embeds.push(target);
      used = 0;
    }
    target.fields = [...(target.fields ?? []), field];
    used += size;
  }

  const last = embeds.at(-1) as APIEmbed;
  if (reply.footer) last.footer = { text: truncate(reply.footer, 500) };
  const uploads = [
    ...(reply.image
      ? [{ attachment: Buffer.from(reply.image.png), name: reply.image.filename, description: reply.image.alt }]
      : []),
    // A document (a data export) travels as a plain attachment beside the embed, never inlined.
    ...(reply.file
      ? [
          {
            attachment: Buffer.from(reply.file.data),
            name: reply.file.filename,
            description: truncate(reply.file.description, 1_024),
          },
        ]
      : []),
  ];
  const files = uploads.length > 0 ? uploads : undefined;
  if (reply.image) last.image = { url: `attachment://${reply.image.filename}` };

  const ephemeral = reply.ephemeral ?? false;
  return embeds.map((embed, index) => {
    const isLast = index === embeds.length - 1;
    return {
      embeds: [embed],
      components: isLast ? buttonRows(reply) : [],
      ...(isLast && files ? { files } : {}),
      allowed_mentions: NO_MENTIONS,
      ephemeral,
    };
  });
}
