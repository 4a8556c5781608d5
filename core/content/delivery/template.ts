import type { RichReply } from '../../domain/reply.ts';
import type { Locale } from '../../domain/types.ts';
import { UserError } from '../../errors.ts';
import type { Translate } from '../../i18n/translate.ts';
import { oneLine } from '../clean/html-text.ts';
import type { ContentItem } from '../types.ts';

/**
 * Message templates of instant posts, as MonitoRSS users write them: text with `{{placeholder}}`s, `\n` for a new
 * line. The output is plain text (each adapter escapes it for its platform), so a feed's title can never inject
 * markup or mentions, whatever the template says.
 */
export const TEMPLATE_PLACEHOLDERS = ['title', 'link', 'summary', 'author', 'date', 'source', 'categories'] as const;
export type TemplatePlaceholder = (typeof TEMPLATE_PLACEHOLDERS)[number];

export const TEMPLATE_MAX_CHARS = 1_000;
const SUMMARY_CHARS = 280;
const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** Checks a moderator's template: known placeholders only, a sane length. Returns it as stored. */
export function parseTemplate(raw: string): string {
  const template = raw.trim().replace(/\\n/g, '\n');
  if (!template)
    throw new UserError('TEMPLATE_INVALID', 'content:template.empty', {
      example: '📰 {{title}}\\n{{summary}}\\n{{link}}',
    });
  if (template.length > TEMPLATE_MAX_CHARS)
    throw new UserError('TEMPLATE_INVALID', 'content:template.tooLong', { max: TEMPLATE_MAX_CHARS });
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (!(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name as string)) {
      throw new UserError('TEMPLATE_INVALID', 'content:template.unknownPlaceholder', {
        placeholder: `{{${name}}}`,
        known: TEMPLATE_PLACEHOLDERS.map((p) => `{{${p}}}`).join(' '),
      });
    }
  }
  return template;
}

/** The item's date in the community's zone and locale, e.g. "Nov 20, 2026, 10:00 AM GMT+8" or "2026年11月20日 10:00 GMT+8". */
export function formatItemDate(at: Date, timezone: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-US', {
    timeZone: timezone,
    dateStyle: 'medium',
    timeStyle: 'short',
  })
    .format(at)
    .concat(' ', zoneLabel(at, timezone));
}

function zoneLabel(at: Date, timezone: string): string {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'shortOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  return name === 'GMT' || name === 'GMT+0' ? 'UTC' : name.replace(/^GMT/, 'UTC');
}

export interface TemplateContext {
  item: ContentItem;
  sourceTitle: string;
  timezone: string;
  locale: Locale;
}

export function placeholderValues(ctx: TemplateContext): Record<TemplatePlaceholder, string> {
  const { item } = ctx;
  const summary = oneLine(item.text || item.title, SUMMARY_CHARS);
  return {
    title: item.title || summary.slice(0, 120),
    link: item.url ?? '',
    summary,
    author: item.author ?? '',
    date: formatItemDate(item.publishedAt, ctx.timezone, ctx.locale),
    source: ctx.sourceTitle,
    categories: item.categories.join(', '),
  };
}

export function renderTemplate(template: string, values: Record<TemplatePlaceholder, string>): string {
  return template
    .replace(PLACEHOLDER, (_, name: string) => values[name as TemplatePlaceholder] ?? '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * One item as an instant post: the moderator's template as the text, or the default layout (title linking to the
 * item, its summary, source · author · date), with an open button when the item has a link.
 */
export function renderInstantPost(t: Translate, template: string | null, ctx: TemplateContext): RichReply {
  const values = placeholderValues(ctx);
  const open = ctx.item.url ? [{ label: t('content:instant.open'), url: ctx.item.url }] : [];
  if (template) return { text: renderTemplate(template, values) || values.title, buttons: open, tone: 'info' };
  return {
    items: [
      {
        title: values.title,
        ...(ctx.item.url ? { url: ctx.item.url } : {}),
        description: values.summary,
        meta: [values.source, values.author, values.date].filter(Boolean).join(' · '),
      },
    ],
    buttons: open,
    tone: 'info',
  };
}
