/**
 * A platform-free rich reply. Adapters encode it as Discord embeds + components, Slack Block Kit,
 * Telegram HTML + inline keyboards, or plain console text. Text fields are plain text (never markup):
 * each adapter escapes for its own format, so user-provided text can never inject mentions or markup.
 */
export interface ReplyItem {
  title: string;
  url?: string;
  /** One line under the title, e.g. a summary. */
  description?: string;
  /** Small print: source, price, why it was picked. */
  meta?: string;
}

export interface ReplyField {
  name: string;
  value: string;
  inline?: boolean;
}

/**
 * How a plain-text surface (console, Telegram) writes a field's label before its value: a full-width colon after a
 * Chinese label (兴趣：…), and a value of several lines starts on the next line so each line reads on its own.
 * `lead` goes between label and value on one line; `heading` ends a label whose value follows on the next lines.
 */
export function fieldLead(field: ReplyField): { lead: string; heading: string; multiline: boolean } {
  const cjk = /[\u3000-\u9fff\uff00-\uffef]$/.test(field.name);
  return { lead: cjk ? '：' : ': ', heading: cjk ? '：' : ':', multiline: field.value.includes('\n') };
}

export interface ReplyButton {
  label: string;
  /**
   * What a click does: a command line run as the clicking member, e.g. `/recommend dismiss c_123`.
   * Kept ≤ 64 bytes because Telegram's callback_data allows no more (Discord allows 100).
   */
  action?: string;
  /** A link button opens this address instead of running an action. */
  url?: string;
  style?: 'primary' | 'secondary' | 'danger';
  /** Discord only: a premium button that buys this SKU in Discord (the label is Discord's own). */
  premiumSku?: string;
}

export interface ReplyImage {
  /** PNG bytes, uploaded as an attachment by the adapter. */
  png: Uint8Array;
  filename: string;
  alt: string;
}

/** A document for the member to keep (a data export): uploaded as a file, never inlined. */
export interface ReplyFile {
  filename: string;
  contentType: string;
  data: Uint8Array;
  description: string;
}

export interface RichReply {
  title?: string;
  text?: string;
  items?: ReplyItem[];
  fields?: ReplyField[];
  buttons?: ReplyButton[];
  image?: ReplyImage;
  file?: ReplyFile;
  /** Visible only to the caller where the platform supports it (Discord ephemeral, Slack ephemeral). */
  ephemeral?: boolean;
  tone?: 'info' | 'success' | 'warning' | 'error';
  /** Small print at the bottom. */
  footer?: string;
}

export const MAX_BUTTON_ACTION_BYTES = 64;
