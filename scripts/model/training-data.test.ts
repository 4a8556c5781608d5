import { describe, expect, it } from 'vitest';
import type { SeQualityItem } from './stackexchange-quality.ts';
import { neutralSentences, qualityExamples } from './training-data.ts';

const item = (id: number, score: number, title: string | null, html: string): SeQualityItem =>
  ({
    post: { id, postTypeId: title ? 1 : 2, score },
    input: title ? { kind: 'question', title, html, tags: [] } : { kind: 'answer', html, tags: [] },
  }) as unknown as SeQualityItem;

describe('neutralSentences', () => {
  it('keeps titles and up to two plain prose sentences per post, without code, maths or links', () => {
    const sentences = neutralSentences([
      item(
        1,
        3,
        'How do I measure a qubit in the X basis?',
        '<p>I am following the tutorial for beginners. The state is $|+\\rangle$ here.</p>' +
          '<pre><code>qc.measure(0, 0) # this is code that should never be read</code></pre>' +
          '<p>See https://example.org for the setup I use. It returns the wrong counts every time. Why is that so?</p>',
      ),
    ]);
    expect(sentences).toEqual([
      'How do I measure a qubit in the X basis?',
      'I am following the tutorial for beginners.',
      'It returns the wrong counts every time.',
    ]);
  });
});

describe('qualityExamples', () => {
  it('carries the raw score beside the label, so the builder can check the label rules on validation', () => {
    const rows = qualityExamples([item(1, 5, 'Title?', 'a'), item(2, 0, null, 'b')], 'threshold');
    expect(rows.map((r) => [r.label, r.score])).toEqual([
      [1, 5],
      [0, 0],
    ]);
  });
});
