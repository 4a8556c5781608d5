import { compile } from 'html-to-text';

/** Plain text from feed HTML: links keep their text only, images and scripts go, whitespace collapses. */
const OPTIONS = {
  wordwrap: false as const,
  // Feeds can be huge; the caller caps the input, this caps html-to-text's own work.
  limits: { maxInputLength: 200_000, ellipsis: '…' },
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'iframe', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'table', format: 'dataTable' },
  ],
};

// Compiled once: `convert` re-compiles its options on every call, which costs milliseconds per item.
const convert = compile(OPTIONS);

export function htmlToText(html: string): string {
  if (!html) return '';
  // Plain text needs no parser; entities still get decoded by it when present.
  const text = /[<&]/.test(html) ? convert(html) : html;
  return text.replace(/\s+/g, ' ').trim();
}

/** The first sentence (or the first `max` characters) of a text, for the digest's one-line summary. */
export function oneLine(text: string, max = 160): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  // Latin full stops need a following space (not "3.5"); CJK ones end a sentence on their own.
  const sentence = /^(.{10,}?(?:[.!?](?=\s|$)|[。！？]))/u.exec(clean)?.[1] ?? clean;
  const chars = [...sentence];
  return chars.length <= max
    ? sentence
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}
