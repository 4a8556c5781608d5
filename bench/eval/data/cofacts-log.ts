import path from 'node:path';
import { parseCsv, unzipText } from './cofacts.ts';

/**
 * The Cofacts open data (`cofacts-2019-01`, see its SOURCE.md) as a member × article interaction log for the
 * recommend eval. Items are the forwarded messages (articles); they exist from their first check request or first
 * reply, whichever came first, and their author is the first member who asked for a check. Interactions, each at
 * its exact time:
 *  - an editor's reply attached to the article (status NORMAL): strength 2, like an answer;
 *  - a later member asking for the same article to be checked ("me too"): 1.5, like a favourite;
 *  - a usefulness vote on one of its replies: 1, like a comment.
 * The asker's own requests and votes keep the article alive (activity) without being anyone's interaction. The
 * messages' text (articles.csv) is not in the snapshot, so items have no content and no topics: a recommender can
 * use only behaviour here. `maxItems` keeps the newest articles (the eval's cost grows with the catalogue).
 */
export interface CofactsLog {
  /** Per item, in creation order. */
  items: { createdAt: number; author: number }[];
  interactions: { member: number; item: number; at: number; strength: number }[];
  activity: { item: number; at: number }[];
  members: number;
}

export const COFACTS_STRENGTH = { reply: 2, request: 1.5, vote: 1 } as const;

export function loadCofactsLog(dir: string, options: { maxItems?: number } = {}): CofactsLog {
  const csv = (name: string) => parseCsv(unzipText(path.join(dir, `${name}.csv.zip`)));
  const who = (r: Record<string, string>) => (r.userIdsha256 ? `${r.appId ?? ''}:${r.userIdsha256}` : null);
  type Raw = { article: string; user: string | null; at: number; kind: keyof typeof COFACTS_STRENGTH };
  const raw: Raw[] = [];
  for (const r of csv('reply_requests')) {
    raw.push({ article: r.articleId ?? '', user: who(r), at: Date.parse(r.createdAt ?? ''), kind: 'request' });
  }
  for (const r of csv('article_replies')) {
    if (r.status !== 'NORMAL') continue;
    raw.push({ article: r.articleId ?? '', user: who(r), at: Date.parse(r.createdAt ?? ''), kind: 'reply' });
  }
  for (const r of csv('article_reply_feedbacks')) {
    raw.push({ article: r.articleId ?? '', user: who(r), at: Date.parse(r.createdAt ?? ''), kind: 'vote' });
  }
  const events = raw.filter((e) => e.article && Number.isFinite(e.at)).sort((a, b) => a.at - b.at);

  // Articles in order of first appearance; the first requester (else nobody) is the author.
  const first = new Map<string, { at: number; author: string | null }>();
  for (const e of events) {
    if (!first.has(e.article)) first.set(e.article, { at: e.at, author: e.kind === 'request' ? e.user : null });
  }
  const ordered = [...first.entries()];
  const kept = options.maxItems && ordered.length > options.maxItems ? ordered.slice(-options.maxItems) : ordered;
  const itemOf = new Map(kept.map(([id], i) => [id, i]));

  const memberIndex = new Map<string, number>();
  const memberOf = (user: string) => {
    let m = memberIndex.get(user);
    if (m === undefined) {
      m = memberIndex.size;
      memberIndex.set(user, m);
    }
    return m;
  };
  const items = kept.map(([, f]) => ({ createdAt: f.at, author: f.author ? memberOf(f.author) : -1 }));
  const interactions: CofactsLog['interactions'] = [];
  const activity: CofactsLog['activity'] = [];
  for (const e of events) {
    const item = itemOf.get(e.article);
    if (item === undefined || !e.user) continue;
    const meta = items[item] as { createdAt: number; author: number };
    const member = memberOf(e.user);
    if (member === meta.author) {
      activity.push({ item, at: e.at });
      continue;
    }
    // The article's first event is what creates it: an interaction needs the item to exist a moment before.
    interactions.push({ member, item, at: Math.max(e.at, meta.createdAt + 1000), strength: COFACTS_STRENGTH[e.kind] });
  }
  interactions.sort((a, b) => a.at - b.at || a.member - b.member || a.item - b.item);
  return { items, interactions, activity, members: memberIndex.size };
}
