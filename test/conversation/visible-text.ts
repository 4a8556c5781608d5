import type { RichReply } from '../../core/domain/reply.ts';

/**
 * What a member reads, reduced to letters and digits: formatting, escapes, links' addresses, tone marks and
 * whitespace differ by platform by design; the words and numbers must not.
 */
export function comparable(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/https?:\/\/[^\s)|>"]+/g, '')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

export function decodeEntities(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');
}

/** The words of a RichReply as every adapter should show them. */
export function replyText(reply: RichReply): string {
  return [
    reply.title,
    reply.text,
    ...(reply.items ?? []).flatMap((i) => [i.title, i.description, i.meta]),
    ...(reply.fields ?? []).flatMap((f) => [f.name, f.value]),
    reply.footer,
  ]
    .filter(Boolean)
    .join('\n');
}

type Embed = {
  title?: string;
  description?: string;
  fields?: Array<{ name: string; value: string }>;
  footer?: { text: string };
};

export function discordText(body: Record<string, unknown>): string {
  return ((body.embeds as Embed[] | undefined) ?? [])
    .flatMap((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text])
    .filter(Boolean)
    .join('\n');
}

type Block = {
  type: string;
  text?: { text: string };
  fields?: Array<{ text: string }>;
  elements?: Array<{ text?: string | { text: string } }>;
};

export function slackText(blocks: Block[]): string {
  return blocks
    .filter((b) => b.type !== 'actions')
    .flatMap((b) => [
      b.text?.text,
      ...(b.fields ?? []).map((f) => f.text),
      ...(b.type === 'context'
        ? (b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : e.text?.text))
        : []),
    ])
    .filter((t): t is string => Boolean(t))
    .map((t) => decodeEntities(t.replace(/<(https?:[^|>]+)\|([^>]*)>/g, '$2')))
    .join('\n');
}

export function telegramText(html: string): string {
  return decodeEntities(html.replace(/<[^>]+>/g, ''));
}
