import { describe, expect, it } from 'vitest';
import type { SePost, StackExchangeDump } from './data/stackexchange.ts';
import { buildGraph, textQuality } from './kol.eval.ts';

const post = (p: Partial<SePost> & { id: number; postTypeId: number; ownerUserId: number }): SePost => ({
  parentId: null,
  acceptedAnswerId: null,
  creationDate: new Date('2018-05-01T00:00:00Z'),
  score: 0,
  viewCount: null,
  body: '<p>short</p>',
  title: null,
  tags: [],
  answerCount: null,
  commentCount: null,
  favoriteCount: null,
  ...p,
});

const dump: StackExchangeDump = {
  posts: [
    post({ id: 1, postTypeId: 1, ownerUserId: 10, acceptedAnswerId: 2, score: 3 }),
    post({ id: 2, postTypeId: 2, ownerUserId: 20, parentId: 1, score: 9 }),
  ],
  users: [],
  comments: [
    { id: 1, postId: 2, score: 0, text: 'thanks', creationDate: new Date('2018-05-02T00:00:00Z'), userId: 30 },
  ],
  votes: [{ id: 1, postId: 1, voteTypeId: 5, creationDate: new Date('2018-05-02T00:00:00Z'), userId: 40 }],
  tags: [],
};

describe('KOL evaluation graph', () => {
  it('keeps vote-derived edges and quality out of the vote-free graph', () => {
    const free = buildGraph(dump, false).graph;
    // Answer (asker → answerer) and comment (commenter → author) only.
    expect([...free.edges()].map(([s, t]) => [free.ids[s], free.ids[t]])).toEqual([
      ['u10', 'u20'],
      ['u30', 'u20'],
    ]);
    const withVotes = buildGraph(dump, true).graph;
    // Plus the accepted answer and the favourite.
    expect(withVotes.edgeCount).toBe(4);
    const answerer = (g: typeof free) => g.activity[g.indexOf('u20') as number]!;
    expect(answerer(free).qualitySum).toBeCloseTo(textQuality('<p>short</p>'), 12);
    expect(answerer(withVotes).qualitySum).toBeGreaterThan(0.9);
  });

  it('scores longer, worked answers higher, within 0..1', () => {
    const worked = `<p>${'word '.repeat(300)}</p><pre><code>x</code></pre> $a$ $b$ <a href="x">ref</a>`;
    expect(textQuality(worked)).toBeGreaterThan(textQuality('<p>yes</p>'));
    expect(textQuality(worked)).toBeLessThanOrEqual(1);
    expect(textQuality('')).toBe(0);
  });
});
