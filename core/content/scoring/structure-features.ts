import { bodyText, type QualityInput } from './quality-input.ts';

/**
 * Structure features of an item for the quality combiner: shape of the body (code, math, links, lists),
 * the title, tags, kind, and the author's prior activity. Counts go through log1p so a few very long posts
 * do not dominate a linear model. The order of STRUCTURE_FEATURES is the order of the vector; the shipped
 * combiner stores the names it was trained with and refuses a mismatch.
 */
export const STRUCTURE_FEATURES = [
  'is_question',
  'is_answer',
  'is_article',
  'log_body_chars',
  'log_body_chars_sq',
  'log_title_chars',
  'title_is_question',
  'code_blocks',
  'inline_code',
  'code_share',
  'math_spans',
  'links',
  'images',
  'list_items',
  'headings',
  'quotes',
  'paragraphs',
  'tags',
  'body_questions',
  'has_author',
  'author_prior_posts',
  'author_prior_replies',
  'author_prior_comments',
  'author_account_age',
  'author_new',
  'reply_delay',
  'self_reply',
] as const;
export type StructureFeature = (typeof STRUCTURE_FEATURES)[number];

const count = (html: string, re: RegExp): number => html.match(re)?.length ?? 0;
const l1p = Math.log1p;

export function structureFeatures(input: QualityInput, body = bodyText(input.html)): Float64Array {
  const html = input.html;
  const preBlocks = [...html.matchAll(/<pre[\s>][\s\S]*?<\/pre>/gi)];
  const codeChars = preBlocks.reduce((sum, m) => sum + m[0].length, 0);
  const inlineCode = Math.max(0, count(html, /<code[\s>]/gi) - preBlocks.length);
  // $...$, $$...$$, \( \) and \[ \]: the ways Q&A sites and blogs write mathematics.
  const dollars = count(body, /\$/g);
  const math = Math.floor(dollars / 2) + count(body, /\\\(|\\\[/g);
  const title = input.title ?? '';
  const author = input.author ?? null;
  const delay = input.replyDelayHours ?? null;
  const values: Record<StructureFeature, number> = {
    is_question: input.kind === 'question' ? 1 : 0,
    is_answer: input.kind === 'answer' ? 1 : 0,
    is_article: input.kind === 'article' ? 1 : 0,
    log_body_chars: l1p(body.length),
    log_body_chars_sq: l1p(body.length) ** 2 / 10,
    log_title_chars: l1p(title.length),
    title_is_question: /[?？]\s*$/.test(title) ? 1 : 0,
    code_blocks: l1p(preBlocks.length),
    inline_code: l1p(inlineCode),
    code_share: html.length > 0 ? codeChars / html.length : 0,
    math_spans: l1p(math),
    links: l1p(count(html, /<a\s[^>]*href=/gi)),
    images: l1p(count(html, /<img[\s>]/gi)),
    list_items: l1p(count(html, /<li[\s>]/gi)),
    headings: l1p(count(html, /<h[1-6][\s>]/gi)),
    quotes: l1p(count(html, /<blockquote[\s>]/gi)),
    paragraphs: l1p(Math.max(count(html, /<p[\s>]/gi), body.split(/\n\s*\n/).length)),
    tags: l1p(input.tags?.length ?? 0),
    body_questions: l1p(count(body, /[?？]/g)),
    has_author: author ? 1 : 0,
    author_prior_posts: author ? l1p(author.priorPosts) : 0,
    author_prior_replies: author ? l1p(author.priorReplies) : 0,
    author_prior_comments: author ? l1p(author.priorComments) : 0,
    author_account_age: author ? l1p(Math.max(0, author.accountAgeDays)) : 0,
    author_new: author && author.priorPosts + author.priorComments === 0 ? 1 : 0,
    reply_delay: delay === null ? 0 : l1p(Math.max(0, delay)),
    self_reply: input.selfReply ? 1 : 0,
  };
  return Float64Array.from(STRUCTURE_FEATURES, (name) => values[name]);
}
