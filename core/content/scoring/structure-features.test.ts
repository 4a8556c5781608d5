import { describe, expect, it } from 'vitest';
import { InternalError } from '../../errors.ts';
import { createQualityCombiner, parseQualityCombinerSpec } from './quality-combiner.ts';
import { bodyText, qualityText } from './quality-input.ts';
import { STRUCTURE_FEATURES, structureFeatures } from './structure-features.ts';

const feature = (values: Float64Array, name: (typeof STRUCTURE_FEATURES)[number]) =>
  values[STRUCTURE_FEATURES.indexOf(name)] as number;

describe('structure features', () => {
  const html =
    '<p>Use this:</p><pre><code>qc.cx(0, 1)</code></pre><p>It applies $CNOT$ and \\(H\\), see <a href="https://x.test">docs</a>.</p>' +
    '<ul><li>one</li><li>two</li></ul><blockquote>quoted</blockquote><img src="a.png">';

  it('counts code, math, links, lists, quotes and images in the body', () => {
    const f = structureFeatures({ kind: 'answer', html, author: null });
    expect(feature(f, 'code_blocks')).toBeCloseTo(Math.log1p(1));
    expect(feature(f, 'inline_code')).toBe(0);
    expect(feature(f, 'math_spans')).toBeCloseTo(Math.log1p(2));
    expect(feature(f, 'links')).toBeCloseTo(Math.log1p(1));
    expect(feature(f, 'list_items')).toBeCloseTo(Math.log1p(2));
    expect(feature(f, 'quotes')).toBeCloseTo(Math.log1p(1));
    expect(feature(f, 'images')).toBeCloseTo(Math.log1p(1));
    expect(feature(f, 'is_answer')).toBe(1);
    expect(feature(f, 'has_author')).toBe(0);
  });

  it('reads the author history and reply timing only when given', () => {
    const f = structureFeatures({
      kind: 'answer',
      html: 'plain text',
      author: { priorPosts: 0, priorReplies: 0, priorComments: 0, accountAgeDays: 3 },
      replyDelayHours: 2,
      selfReply: true,
    });
    expect(feature(f, 'has_author')).toBe(1);
    expect(feature(f, 'author_new')).toBe(1);
    expect(feature(f, 'author_account_age')).toBeCloseTo(Math.log1p(3));
    expect(feature(f, 'reply_delay')).toBeCloseTo(Math.log1p(2));
    expect(feature(f, 'self_reply')).toBe(1);
  });

  it('puts title and tags before the plain-text body in the model text', () => {
    const input = {
      kind: 'question' as const,
      title: 'Bell states?',
      tags: ['entanglement'],
      html: '<p>How &amp; why</p>',
    };
    expect(bodyText(input.html)).toBe('How & why');
    expect(qualityText(input)).toBe('Bell states?\nentanglement\nHow & why');
    expect(feature(structureFeatures(input), 'title_is_question')).toBe(1);
  });
});

describe('quality combiner', () => {
  const n = STRUCTURE_FEATURES.length;
  const spec = {
    version: 1,
    features: [...STRUCTURE_FEATURES],
    mean: new Array(n).fill(0),
    std: new Array(n).fill(1),
    withText: { textWeight: 1, weights: new Array(n).fill(0), bias: 0 },
    structureOnly: { weights: new Array(n).fill(0).map((_, i) => (i === 3 ? 1 : 0)), bias: -5 },
    trainedOn: 'test',
  };

  it('passes the text quality through when structure weights are zero, and uses structure otherwise', () => {
    const parsed = parseQualityCombinerSpec(spec);
    const features = new Float64Array(n);
    features[3] = 5;
    expect(createQualityCombiner(parsed, true).combine(0.8, features)).toBeCloseTo(0.8, 6);
    expect(createQualityCombiner(parsed, false).combine(0.8, features)).toBeCloseTo(0.5, 6);
    expect(createQualityCombiner(parsed, false).factors?.(0.8, features)).toEqual([
      { factor: 'log_body_chars', effect: 5 },
    ]);
  });

  it('refuses a combiner trained on different features', () => {
    expect(() => parseQualityCombinerSpec({ ...spec, features: ['other', ...STRUCTURE_FEATURES.slice(1)] })).toThrow(
      InternalError,
    );
  });
});
