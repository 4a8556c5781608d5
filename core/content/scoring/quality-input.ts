import { compile } from 'html-to-text';

/**
 * What the quality scorer looks at for one item. Everything here is known when the item is published:
 * no votes, views, reply counts, acceptance or age, so a score never leaks the outcome it predicts.
 */
export interface QualityInput {
  /** `question`/`answer` for Q&A communities; `article` for feed items; `post` for members' chat posts. */
  kind: 'question' | 'answer' | 'article' | 'post';
  title?: string | null;
  /** Body as HTML (feeds, Stack Exchange) or plain text (chat posts; plain text is valid HTML here). */
  html: string;
  tags?: readonly string[];
  /** The author's activity in this community strictly before the item was published, when known. */
  author?: AuthorHistory | null;
  /** For a reply (answer): hours between the parent item and this reply. */
  replyDelayHours?: number | null;
  /** For a reply: the parent's author answered their own question. */
  selfReply?: boolean;
}

export interface AuthorHistory {
  priorPosts: number;
  priorReplies: number;
  priorComments: number;
  /** Days between the author joining and the item being published. */
  accountAgeDays: number;
}

const toText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'table', format: 'dataTable' },
  ],
});

/** Plain text of an HTML (or plain) body; cheap for plain text, which chat posts mostly are. */
export function bodyText(html: string): string {
  return /<[a-z!/]/i.test(html) ? toText(html) : html;
}

/** The text the model reads: title, tags, then body, so all three shape the text signals. */
export function qualityText(input: QualityInput, body = bodyText(input.html)): string {
  const parts: string[] = [];
  if (input.title) parts.push(input.title);
  if (input.tags && input.tags.length > 0) parts.push(input.tags.join(' '));
  parts.push(body);
  return parts.join('\n');
}
