import { describe, expect, it } from 'vitest';
import type { SePost, StackExchangeDump } from './data/stackexchange.ts';
import { type FitRows, fitKolWeights, seEvents, siteGraph, textQuality } from './kol.eval.ts';

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
  votes: [
    { id: 1, postId: 1, voteTypeId: 5, creationDate: new Date('2018-05-02T00:00:00Z'), userId: 40 },
    { id: 2, postId: 2, voteTypeId: 1, creationDate: new Date('2018-05-02T00:00:00Z'), userId: null },
  ],
  tags: [],
};

const NOW = new Date('2018-06-01T00:00:00Z');
const END = Number.POSITIVE_INFINITY;

describe('KOL evaluation log', () => {
  it('replays the site as the product log and keeps every vote-type input out of the vote-free one', () => {
    const free = seEvents(dump, 'free');
    expect(free.map((e) => [e.verb, e.actorId, e.targetMemberId])).toEqual([
      ['message.posted', 'u10', null],
      ['message.posted', 'u20', null],
      ['message.replied', 'u20', 'u10'],
      ['message.posted', 'u30', null],
      ['message.replied', 'u30', 'u20'],
    ]);
    // The asker's acceptance is the asker reacting to the answer; favourites only reach the leaking log.
    const accepted = seEvents(dump, 'accepted').filter((e) => e.verb === 'reaction.added');
    expect(accepted.map((e) => [e.actorId, e.objectId, e.targetMemberId])).toEqual([['u10', 'p2', 'u20']]);
    expect(seEvents(dump, 'votes').filter((e) => e.verb === 'reaction.added')).toHaveLength(2);
    // Nothing after `until` is in the log.
    expect(seEvents(dump, 'accepted', new Date('2018-05-01T12:00:00Z').getTime())).toHaveLength(3);
  });

  it("builds the leaderboard's graph from it: acceptance, thanks and a quick answer credit the answerer", () => {
    const answerer = (g: ReturnType<typeof siteGraph>) => g.activity[g.indexOf('u20') as number]!;
    const free = siteGraph(dump, 'free', END, NOW);
    expect(answerer(free).accepted).toBe(0);
    expect(answerer(free).thanked).toBe(1);
    expect(answerer(free).quickReplies).toBe(1);
    expect(answerer(free).qualitySum).toBeCloseTo(textQuality('<p>short</p>'), 12);
    expect(answerer(siteGraph(dump, 'accepted', END, NOW)).accepted).toBe(1);
    expect(answerer(siteGraph(dump, 'votes', END, NOW)).qualitySum).toBeGreaterThan(0.9);
  });

  it('fits non-negative weights that sum to 1 and find the signal that carries the truth', () => {
    const y = Float64Array.from([-2, -1, 0, 1, 2]);
    const rows: FitRows = {
      x: {
        volume: Float64Array.from([-0.4, -0.2, 0, 0.2, 0.4]),
        threads: Float64Array.from([0.4, 0.2, 0, -0.2, -0.4]),
      },
      y,
    };
    const w = fitKolWeights([rows], ['volume', 'threads']);
    expect(w.volume).toBe(1);
    expect(w.threads).toBe(0);
    expect(w.influence).toBe(0);
  });

  it('scores longer, worked answers higher, within 0..1', () => {
    const worked = `<p>${'word '.repeat(300)}</p><pre><code>x</code></pre> $a$ $b$ <a href="x">ref</a>`;
    expect(textQuality(worked)).toBeGreaterThan(textQuality('<p>yes</p>'));
    expect(textQuality(worked)).toBeLessThanOrEqual(1);
    expect(textQuality('')).toBe(0);
  });
});
