import { describe, expect, it } from 'vitest';
import { Translator } from '../../i18n/translate.ts';
import { contentMessages } from '../messages.ts';
import type { ContentItem } from '../types.ts';
import type { RankedItem } from './rank.ts';
import { renderItem } from './render.ts';

const t = new Translator({ content: contentMessages }).forLocale('en');

function ranked(patch: Partial<ContentItem>): RankedItem {
  return {
    candidate: {
      sourceTitle: "Members' posts",
      sourceTopics: [],
      item: {
        id: 'i1',
        communityId: 'c1',
        sourceId: 's1',
        guid: 'i1',
        url: null,
        canonicalUrl: null,
        title: 'A title',
        text: 'A longer body that says more than the title.',
        language: 'en',
        contentHash: 'h',
        publishedAt: new Date('2026-11-20T00:00:00Z'),
        fetchedAt: new Date('2026-11-20T00:00:00Z'),
        quality: 0.7,
        sentiment: 0,
        topics: [],
        embedding: null,
        dropReason: null,
        duplicateOfId: null,
        reactions: 0,
        author: null,
        categories: [],
        ...patch,
      },
    },
    rank: 1,
    score: 0.7,
    parts: { quality: 0.7, freshness: 1, topic: 0.5, feedback: 0, diversity: 1 } as RankedItem['parts'],
    matchedTopics: [],
    ageMs: 3_600_000,
    votes: { up: 0, down: 0 },
  };
}

describe('a digest item', () => {
  it('shows its summary under its title', () => {
    expect(renderItem(t, ranked({})).description).toBe('A longer body that says more than the title.');
  });

  it('does not repeat a member post whose title is its whole text', () => {
    const text = 'How do you prioritise a roadmap when every stakeholder says their feature is urgent?';
    const item = renderItem(t, ranked({ title: text, text }));
    expect(item.title).toBe(`1. ${text}`);
    expect(item.description).toBeUndefined();
  });
});
