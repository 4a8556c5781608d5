import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderDemoFeed } from '../../adapters/feeds/demo-server.ts';
import { FeedError } from './errors.ts';
import { declaresEntities, readFeedDocument } from './feed-document.ts';

const feeds = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prisma/demo/feeds');
const NOW = new Date('2026-11-20T02:00:00Z');
const demo = (file: string) => renderDemoFeed(readFileSync(path.join(feeds, file), 'utf8'), file, NOW);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FeedError);
    return (error as FeedError).code;
  }
  throw new Error('expected a FeedError');
}

describe('readFeedDocument', () => {
  it('reads RSS 2.0 with dates, guids, categories and content:encoded', () => {
    const doc = readFeedDocument(demo('product-notes.rss.xml'));
    expect(doc.format).toBe('rss');
    expect(doc.title).toBe('Product & Data Notes');
    expect(doc.items).toHaveLength(5);
    const second = doc.items[1]!;
    expect(second).toMatchObject({ guid: 'product-notes-102', categories: ['data'] });
    expect(second.body).toContain("Simpson's paradox");
    expect(second.publishedAt?.toISOString()).toBe('2026-11-19T17:00:00.000Z');
  });

  it('reads Atom (Chinese) and JSON Feed', () => {
    const atom = readFeedDocument(demo('ai-investing.atom.xml'));
    expect(atom.format).toBe('atom');
    expect(atom.items[0]).toMatchObject({ guid: 'urn:demo:ai-investing:201', categories: ['ai'] });
    expect(atom.items[0]?.url).toContain('llm-product-forms');
    const json = readFeedDocument(demo('writing-design.feed.json'));
    expect(json.format).toBe('json');
    expect(json.items.map((i) => i.guid)).toEqual(['studio-301', 'studio-302', 'studio-303', 'studio-304']);
  });

  it('refuses a billion-laughs document before parsing it', () => {
    const laughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss version="2.0"><channel><title>&lol3;</title><item><title>&lol3;</title></item></channel></rss>`;
    expect(codeOf(() => readFeedDocument(laughs))).toBe('FEED_ENTITIES');
  });

  it('refuses entity declarations wherever they sit, however much comes before them', () => {
    const entity = '<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>';
    const body = '<rss version="2.0"><channel><title>&x;</title></channel></rss>';
    // 70 KB of padding once hid the declaration from a check that read the first 64 KB only.
    for (const padding of [' '.repeat(70_000), `<!--${'p'.repeat(70_000)}-->`, '<?pi x?>\n'.repeat(8_000)])
      expect(codeOf(() => readFeedDocument(`<?xml version="1.0"?>${padding}${entity}${body}`))).toBe('FEED_ENTITIES');
    expect(codeOf(() => readFeedDocument(`${body.slice(0, -6)}${' '.repeat(4_000_000)}<!entity y "z"></rss>`))).toBe(
      'FEED_ENTITIES',
    );
  });

  it('reads "<!ENTITY" inside comments and CDATA as words, and scans hostile bodies in linear time', () => {
    expect(declaresEntities('<rss><![CDATA[ an article about <!ENTITY declarations ]]><!-- <!ENTITY --></rss>')).toBe(
      false,
    );
    expect(declaresEntities('<rss><![CDATA[ x ]]><!ENTITY y "z"></rss>')).toBe(true);
    // An unterminated section is scanned as markup, not skipped to the end.
    expect(declaresEntities('<rss><!-- never closed <!ENTITY y "z">')).toBe(true);
    // Thousands of unterminated openers: one search for the missing terminator, not one per opener.
    expect(declaresEntities('<![CDATA[<!--'.repeat(200_000))).toBe(false);
  });

  it('reports malformed XML and non-feeds with their own codes', () => {
    expect(codeOf(() => readFeedDocument('<rss version="2.0"><channel><item><title>a</item></channel>'))).toBe(
      'FEED_MALFORMED',
    );
    expect(codeOf(() => readFeedDocument('<html><body>hello</body></html>'))).toBe('FEED_UNRECOGNIZED');
    expect(codeOf(() => readFeedDocument('{"version": 3}'))).toBe('FEED_UNRECOGNIZED');
    expect(codeOf(() => readFeedDocument('x'.repeat(5_000_001)))).toBe('FEED_TOO_LARGE');
  });

  it('survives fields of the wrong type and caps the number of items', () => {
    const items = Array.from({ length: 1_000 }, (_, i) => ({ id: i, title: { nested: true }, url: 42, tags: 'x' }));
    const doc = readFeedDocument(JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'T', items }));
    expect(doc.items).toHaveLength(200);
    expect(doc.skipped).toEqual({ overCap: 800, unreadable: 0 });
    expect(doc.items[0]).toMatchObject({ guid: '0', title: '', body: '', publishedAt: null });
  });
});
