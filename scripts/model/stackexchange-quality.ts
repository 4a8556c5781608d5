import type { SePost, StackExchangeDump } from '../../bench/eval/data/stackexchange.ts';
import type { AuthorHistory, QualityInput } from '../../core/content/scoring/quality-input.ts';

/**
 * Turns a Stack Exchange dump into quality-scorer inputs using only what was known when each post was written:
 * its text, title, tags (an answer uses its question's), kind, and the author's activity strictly before it
 * (posts, answers, comments, account age). Votes, views, answer/comment counts, acceptance and age stay out;
 * the score is used only as the label.
 */
export interface SeQualityItem {
  post: SePost;
  input: QualityInput;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** How many sorted timestamps are strictly before t. */
function before(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function seQualityItems(dump: StackExchangeDump): SeQualityItem[] {
  const posts = dump.posts
    .filter((p) => p.postTypeId === 1 || p.postTypeId === 2)
    .sort((a, b) => a.creationDate.getTime() - b.creationDate.getTime() || a.id - b.id);
  const byId = new Map(posts.map((p) => [p.id, p]));
  const users = new Map(dump.users.map((u) => [u.id, u]));
  const times = (pairs: [number | null, number][]) => {
    const m = new Map<number, number[]>();
    for (const [user, t] of pairs) {
      if (user === null) continue;
      const list = m.get(user) ?? [];
      list.push(t);
      m.set(user, list);
    }
    for (const list of m.values()) list.sort((a, b) => a - b);
    return m;
  };
  const postTimes = times(posts.map((p) => [p.ownerUserId, p.creationDate.getTime()]));
  const answerTimes = times(
    posts.filter((p) => p.postTypeId === 2).map((p) => [p.ownerUserId, p.creationDate.getTime()]),
  );
  const commentTimes = times(dump.comments.map((c) => [c.userId, c.creationDate.getTime()]));

  return posts.map((post) => {
    const t = post.creationDate.getTime();
    const user = post.ownerUserId === null ? undefined : users.get(post.ownerUserId);
    const author: AuthorHistory | null =
      user && post.ownerUserId !== null
        ? {
            priorPosts: before(postTimes.get(post.ownerUserId) ?? [], t),
            priorReplies: before(answerTimes.get(post.ownerUserId) ?? [], t),
            priorComments: before(commentTimes.get(post.ownerUserId) ?? [], t),
            accountAgeDays: (t - user.creationDate.getTime()) / DAY,
          }
        : null;
    const parent = post.parentId === null ? undefined : byId.get(post.parentId);
    const input: QualityInput =
      post.postTypeId === 1
        ? { kind: 'question', title: post.title, html: post.body, tags: post.tags, author }
        : {
            kind: 'answer',
            title: null,
            html: post.body,
            tags: parent?.tags ?? [],
            author,
            replyDelayHours: parent ? (t - parent.creationDate.getTime()) / HOUR : null,
            selfReply: parent !== undefined && parent.ownerUserId !== null && parent.ownerUserId === post.ownerUserId,
          };
    return { post, input };
  });
}

/** Label rule 1: good = Score ≥ 3, bad = Score ≤ 0, the rest unlabelled. */
export function labelByThreshold(score: number): 0 | 1 | null {
  if (score >= 3) return 1;
  if (score <= 0) return 0;
  return null;
}

/** Label rule 2: above / below the post type's median score in the training period; ties unlabelled. */
export function typeMedians(items: readonly SeQualityItem[]): Map<number, number> {
  const scores = new Map<number, number[]>();
  for (const { post } of items) {
    const list = scores.get(post.postTypeId) ?? [];
    list.push(post.score);
    scores.set(post.postTypeId, list);
  }
  const medians = new Map<number, number>();
  for (const [type, list] of scores) {
    list.sort((a, b) => a - b);
    const mid = list.length >> 1;
    medians.set(
      type,
      list.length % 2 ? (list[mid] as number) : ((list[mid - 1] as number) + (list[mid] as number)) / 2,
    );
  }
  return medians;
}
export function labelByMedian(post: SePost, medians: Map<number, number>): 0 | 1 | null {
  const median = medians.get(post.postTypeId);
  if (median === undefined || post.score === median) return null;
  return post.score > median ? 1 : 0;
}
