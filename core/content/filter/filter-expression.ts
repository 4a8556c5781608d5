import { RE2JS, RE2JSException } from 're2js';
import { UserError } from '../../errors.ts';

/**
 * A source's filter, as a moderator writes it: keywords and regular expressions over an item's fields, combined with
 * AND, OR, NOT and parentheses (as MonitoRSS users know them). Adjacent terms are joined by AND.
 *
 *   title:AI OR title:"machine learning"        keywords match case-insensitively, anywhere in the field
 *   /gpt-?\d/i AND NOT category:sponsored      a regex between slashes (flag i: any case), over title and body
 *   author:alice -link:example.com/ads          `-` and `!` are NOT too; 且 / 或 / 非 work as AND / OR / NOT
 *
 * Fields: title, body, author, category, link, and `any` (title and body, the default). Regular expressions run on
 * RE2 (re2js): linear time whatever the pattern, so a moderator's regex can never hang the poller.
 */
export const FILTER_FIELDS = ['title', 'body', 'author', 'category', 'link', 'any'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

const FIELD_ALIASES: Record<string, FilterField> = {
  title: 'title',
  标题: 'title',
  body: 'body',
  text: 'body',
  content: 'body',
  正文: 'body',
  author: 'author',
  by: 'author',
  作者: 'author',
  category: 'category',
  categories: 'category',
  tag: 'category',
  tags: 'category',
  分类: 'category',
  标签: 'category',
  link: 'link',
  url: 'link',
  链接: 'link',
  any: 'any',
};

export const FILTER_LIMITS = { maxChars: 500, maxTerms: 20, maxRegexChars: 200, maxDepth: 8 };

export type FilterNode =
  | { kind: 'keyword'; field: FilterField; text: string }
  | { kind: 'regex'; field: FilterField; source: string; flags: string; re: RE2JS }
  | { kind: 'not'; child: FilterNode }
  | { kind: 'and' | 'or'; children: FilterNode[] };

/** The item fields a filter reads. */
export interface FilterSubject {
  title: string;
  body: string;
  author: string | null;
  categories: readonly string[];
  link: string | null;
}

type Token =
  | { type: 'and' | 'or' | 'not' | 'open' | 'close'; at: number }
  | { type: 'term'; field: FilterField; value: string; regex: string | null; at: number };

const OPERATORS: Record<string, 'and' | 'or' | 'not'> = {
  and: 'and',
  '&&': 'and',
  '&': 'and',
  且: 'and',
  or: 'or',
  '||': 'or',
  '|': 'or',
  或: 'or',
  not: 'not',
  非: 'not',
};

function invalid(reason: string, params: Record<string, string | number> = {}): never {
  throw new UserError('FILTER_INVALID', `content:filter.invalid.${reason}`, params);
}

/** Reads `"…"`, `“…”` or `/…/flags` at `at`; returns the value and where it ends. */
function readDelimited(text: string, at: number, close: string): { value: string; end: number } {
  let value = '';
  for (let i = at + 1; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '\\' && close === '/' && i + 1 < text.length) {
      // Keep the escape: RE2 reads it. An escaped slash is only a slash.
      const next = text[i + 1] as string;
      value += next === '/' ? '/' : `\\${next}`;
      i++;
      continue;
    }
    if (ch === close) return { value, end: i + 1 };
    value += ch;
  }
  return invalid(close === '/' ? 'unclosedRegex' : 'unclosedQuote', { at: at + 1 });
}

function tokenizeFilter(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/u.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(' || ch === '（') {
      tokens.push({ type: 'open', at: i++ });
      continue;
    }
    if (ch === ')' || ch === '）') {
      tokens.push({ type: 'close', at: i++ });
      continue;
    }
    if ((ch === '-' || ch === '!') && i + 1 < text.length && !/\s/u.test(text[i + 1] as string)) {
      tokens.push({ type: 'not', at: i++ });
      continue;
    }
    const start = i;
    // A field prefix, then a quoted phrase, a regex or a bare word.
    let field: FilterField = 'any';
    const prefix = /^([^\s:：()（）"“/]+)[:：]/u.exec(text.slice(i));
    if (prefix) {
      const name = FIELD_ALIASES[(prefix[1] as string).toLowerCase()];
      if (!name) invalid('unknownField', { field: prefix[1] as string, fields: FILTER_FIELDS.join(', ') });
      field = name;
      i += prefix[0].length;
    }
    const head = text[i];
    if (head === '"' || head === '“') {
      const { value, end } = readDelimited(text, i, head === '"' ? '"' : '”');
      tokens.push({ type: 'term', field, value, regex: null, at: start });
      i = end;
      continue;
    }
    if (head === '/') {
      const { value, end } = readDelimited(text, i, '/');
      const flags = /^[a-z]*/.exec(text.slice(end))?.[0] ?? '';
      tokens.push({ type: 'term', field, value, regex: flags, at: start });
      i = end + flags.length;
      continue;
    }
    const word = /^[^\s()（）]+/u.exec(text.slice(i))?.[0] ?? '';
    i += word.length;
    const operator = !prefix ? OPERATORS[word.toLowerCase()] : undefined;
    if (operator) tokens.push({ type: operator, at: start });
    else if (word) tokens.push({ type: 'term', field, value: word, regex: null, at: start });
    else invalid('emptyTerm', { at: start + 1 });
  }
  return tokens;
}

function compileRegex(source: string, flags: string, at: number): RE2JS {
  if (source.length === 0) invalid('emptyTerm', { at: at + 1 });
  if (source.length > FILTER_LIMITS.maxRegexChars) invalid('regexTooLong', { max: FILTER_LIMITS.maxRegexChars });
  const unknown = flags.replace(/[ims]/g, '');
  if (unknown) invalid('regexFlags', { flags: unknown });
  let bits = 0;
  if (flags.includes('i')) bits |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) bits |= RE2JS.MULTILINE;
  if (flags.includes('s')) bits |= RE2JS.DOTALL;
  try {
    return RE2JS.compile(source, bits);
  } catch (error) {
    if (error instanceof RE2JSException) invalid('badRegex', { regex: source, error: error.message.slice(0, 120) });
    throw error;
  }
}

/** Parses a filter expression; a UserError FILTER_INVALID says what is wrong and where. */
export function parseFilter(expression: string): FilterNode {
  const text = expression.trim();
  if (!text) invalid('empty');
  if (text.length > FILTER_LIMITS.maxChars) invalid('tooLong', { max: FILTER_LIMITS.maxChars });
  const tokens = tokenizeFilter(text);
  if (tokens.filter((t) => t.type === 'term').length > FILTER_LIMITS.maxTerms)
    invalid('tooManyTerms', { max: FILTER_LIMITS.maxTerms });
  let pos = 0;
  const peek = () => tokens[pos];

  const orExpr = (depth: number): FilterNode => {
    const children = [andExpr(depth)];
    while (peek()?.type === 'or') {
      pos++;
      children.push(andExpr(depth));
    }
    return children.length === 1 ? (children[0] as FilterNode) : { kind: 'or', children };
  };
  const andExpr = (depth: number): FilterNode => {
    const children = [unary(depth)];
    for (;;) {
      const next = peek();
      if (next?.type === 'and') {
        pos++;
        children.push(unary(depth));
      } else if (next && (next.type === 'term' || next.type === 'not' || next.type === 'open')) {
        children.push(unary(depth));
      } else break;
    }
    return children.length === 1 ? (children[0] as FilterNode) : { kind: 'and', children };
  };
  const unary = (depth: number): FilterNode => {
    if (depth > FILTER_LIMITS.maxDepth) invalid('tooDeep', { max: FILTER_LIMITS.maxDepth });
    const token = peek();
    if (!token) return invalid('dangling', { at: text.length });
    pos++;
    switch (token.type) {
      case 'not':
        return { kind: 'not', child: unary(depth + 1) };
      case 'open': {
        const inner = orExpr(depth + 1);
        if (peek()?.type !== 'close') invalid('unclosedParen', { at: token.at + 1 });
        pos++;
        return inner;
      }
      case 'term':
        return token.regex !== null
          ? {
              kind: 'regex',
              field: token.field,
              source: token.value,
              flags: token.regex,
              re: compileRegex(token.value, token.regex, token.at),
            }
          : { kind: 'keyword', field: token.field, text: token.value.normalize('NFKC').toLowerCase() };
      default:
        return invalid('unexpected', { at: token.at + 1 });
    }
  };

  const tree = orExpr(0);
  const rest = peek();
  if (rest) invalid('unexpected', { at: rest.at + 1 });
  return tree;
}

function fieldTexts(subject: FilterSubject, field: FilterField): string[] {
  switch (field) {
    case 'title':
      return [subject.title];
    case 'body':
      return [subject.body];
    case 'author':
      return subject.author ? [subject.author] : [];
    case 'category':
      return [...subject.categories];
    case 'link':
      return subject.link ? [subject.link] : [];
    case 'any':
      return [subject.title, subject.body];
  }
}

export function matchesFilter(node: FilterNode, subject: FilterSubject): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((child) => matchesFilter(child, subject));
    case 'or':
      return node.children.some((child) => matchesFilter(child, subject));
    case 'not':
      return !matchesFilter(node.child, subject);
    case 'keyword':
      return fieldTexts(subject, node.field).some((text) => text.normalize('NFKC').toLowerCase().includes(node.text));
    case 'regex':
      return fieldTexts(subject, node.field).some((text) => node.re.matcher(text).find());
  }
}

/** Compiled filters by expression: the same few expressions are evaluated on every digest build. */
const compiled = new Map<string, FilterNode>();

/** A predicate for a stored expression; null keeps everything. A stored expression that no longer parses keeps all. */
export function filterPredicate(expression: string | null): ((subject: FilterSubject) => boolean) | null {
  if (!expression) return null;
  let node = compiled.get(expression);
  if (!node) {
    try {
      node = parseFilter(expression);
    } catch {
      return null;
    }
    if (compiled.size > 500) compiled.clear();
    compiled.set(expression, node);
  }
  const tree = node;
  return (subject) => matchesFilter(tree, subject);
}
