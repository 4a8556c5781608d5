import { describe, expect, it } from 'vitest';
import { type ReplayPost, type ReplayVote, replayLearning } from './scoring-replay.ts';

const DAY = 86_400_000;

/** Posts whose community upvotes feature 0, a day after each post; the shipped score ignores it. */
function site(n: number) {
  const posts: ReplayPost[] = [];
  const votes: ReplayVote[] = [];
  for (let i = 0; i < n; i++) {
    const liked = i % 2 === 0;
    posts.push({
      id: `p${i}`,
      kind: 'post',
      publishedAt: i * (DAY / 4),
      baseQuality: 0.4 + ((i * 7) % 10) / 50,
      features: Float64Array.from([liked ? 1 : 0, (i * 3) % 5]),
    });
    if (liked) for (let k = 0; k < 3; k++) votes.push({ postId: `p${i}`, at: i * (DAY / 4) + DAY, value: 1 });
  }
  return { posts, votes };
}

describe('the scoring replay (the product learning, on a site history)', () => {
  it('scores later posts with what earlier votes taught', () => {
    const { posts, votes } = site(400);
    const from = posts[300]!.publishedAt;
    const scores = replayLearning(posts, votes, { from });
    expect(scores.size).toBe(100);
    const mean = (ids: ReplayPost[]) => ids.reduce((s, p) => s + scores.get(p.id)!, 0) / ids.length;
    const later = posts.slice(300);
    expect(mean(later.filter((p) => p.features[0] === 1))).toBeGreaterThan(
      mean(later.filter((p) => p.features[0] === 0)) + 0.2,
    );
  });

  it('never uses a vote cast after the post it scores', () => {
    const { posts, votes } = site(400);
    const from = posts[300]!.publishedAt;
    // Votes that only arrive after the whole test period cannot change a single test score.
    const late = posts.slice(300).map((p) => ({ postId: p.id, at: 1e15, value: -1 as const }));
    const a = replayLearning(posts, votes, { from });
    const b = replayLearning(posts, [...votes, ...late], { from });
    expect([...b]).toEqual([...a]);
  });

  it('a validation replay stops at the training cut: no later post is scored, no later vote is read', () => {
    const { posts, votes } = site(400);
    const from = posts[240]!.publishedAt;
    const until = posts[300]!.publishedAt;
    const a = replayLearning(posts, votes, { from, until });
    expect([...a.keys()]).toEqual(posts.slice(240, 300).map((p) => p.id));
    // Whatever happens from the cut on (the test period's votes, flipped) cannot move a validation score.
    const afterCut = votes.filter((v) => v.at < until);
    const flipped = votes.filter((v) => v.at >= until).map((v) => ({ ...v, value: -1 as const }));
    const b = replayLearning(posts, [...afterCut, ...flipped], { from, until });
    expect([...b]).toEqual([...a]);
  });
});
