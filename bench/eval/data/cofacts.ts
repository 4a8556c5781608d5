import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadStackExchange, type SePost, type SeUser, type SeVote, type StackExchangeDump } from './stackexchange.ts';

/**
 * Loads the Cofacts open data (`cofacts-2019-01`: zipped CSVs of a Taiwanese fact-checking community, Traditional
 * Chinese, CC0) in the shape of a Stack Exchange dump, so every Q&A evaluation runs on it unchanged:
 *   each article–reply pair (status NORMAL) is an answer (postTypeId 2) whose body is the reply text and its
 *   references, its author the reply's editor, its date when the reply was attached;
 *   each usefulness vote (article_reply_feedbacks, +1 / −1) is an up/down vote with its exact time;
 *   a post's Score is the sum of its votes (the dump's denormalised counters are capped at 10, see SOURCE.md).
 * The forwarded messages themselves (articles.csv) are not in the snapshot, so answers have no question: no title,
 * no reply delay. The reply type the editor chose (rumor, not rumor, opinion, not an article) is the tag.
 * `maxPosts` keeps the newest pairs (the eval's cost grows with them).
 */
export function loadCofacts(dir: string, options: { maxPosts?: number } = {}): StackExchangeDump {
  const csv = (name: string) => parseCsv(unzipText(path.join(dir, `${name}.csv.zip`)));
  const replies = new Map(
    csv('replies').map((r) => [r.id ?? '', { type: r.type ?? '', text: r.text ?? '', reference: r.reference ?? '' }]),
  );
  const pairs = csv('article_replies')
    .filter((r) => r.status === 'NORMAL' && replies.has(r.replyId ?? ''))
    .map((r) => ({
      articleId: r.articleId ?? '',
      replyId: r.replyId ?? '',
      userIdsha256: r.userIdsha256 ?? '',
      at: Date.parse(r.createdAt ?? ''),
    }))
    .filter((r) => Number.isFinite(r.at))
    .sort((a, b) => a.at - b.at);
  const kept = options.maxPosts && pairs.length > options.maxPosts ? pairs.slice(-options.maxPosts) : pairs;

  const userIds = new Map<string, number>();
  const firstSeen = new Map<number, number>();
  const userOf = (sha: string | undefined, at: number): number | null => {
    if (!sha) return null;
    let id = userIds.get(sha);
    if (id === undefined) {
      id = userIds.size + 1;
      userIds.set(sha, id);
    }
    firstSeen.set(id, Math.min(firstSeen.get(id) ?? at, at));
    return id;
  };
  // An editor's account age counts from their first reply anywhere in the data, not only the kept window.
  for (const p of pairs) userOf(p.userIdsha256, p.at);

  const postId = new Map<string, number>();
  const articleIds = new Map<string, number>();
  const posts: SePost[] = kept.map((p, i) => {
    const reply = replies.get(p.replyId ?? '') as { type: string; text: string; reference: string };
    const id = i + 1;
    postId.set(`${p.articleId}\u0000${p.replyId}`, id);
    let article = articleIds.get(p.articleId ?? '');
    if (article === undefined) {
      article = 1_000_000 + articleIds.size;
      articleIds.set(p.articleId ?? '', article);
    }
    return {
      id,
      postTypeId: 2,
      parentId: article,
      acceptedAnswerId: null,
      creationDate: new Date(p.at),
      score: 0,
      viewCount: null,
      body: toHtml(reply.text, reply.reference),
      ownerUserId: userOf(p.userIdsha256, p.at),
      title: null,
      tags: reply.type ? [reply.type.toLowerCase()] : [],
      answerCount: null,
      commentCount: null,
      favoriteCount: null,
    };
  });
  const byId = new Map(posts.map((p) => [p.id, p]));
  const votes: SeVote[] = [];
  for (const f of csv('article_reply_feedbacks')) {
    const id = postId.get(`${f.articleId}\u0000${f.replyId}`);
    const at = Date.parse(f.createdAt ?? '');
    const value = Number(f.score);
    if (id === undefined || !Number.isFinite(at) || (value !== 1 && value !== -1)) continue;
    votes.push({
      id: votes.length + 1,
      postId: id,
      voteTypeId: value > 0 ? 2 : 3,
      creationDate: new Date(at),
      userId: null,
    });
    (byId.get(id) as SePost).score += value;
  }
  votes.sort((a, b) => a.creationDate.getTime() - b.creationDate.getTime());
  // Reputation as Stack Exchange would count it for answers (+10 per useful vote, −2 per not useful): the only
  // member-level truth in the data, for the KOL eval (a vote-free score checked against votes it never read).
  const reputation = new Map<number, number>();
  for (const v of votes) {
    const owner = byId.get(v.postId)?.ownerUserId;
    if (owner === null || owner === undefined) continue;
    reputation.set(owner, (reputation.get(owner) ?? 0) + (v.voteTypeId === 2 ? 10 : -2));
  }
  const users: SeUser[] = [...firstSeen].map(([id, at]) => ({
    id,
    reputation: 1 + (reputation.get(id) ?? 0),
    creationDate: new Date(at),
    displayName: `editor ${id}`,
  }));
  return { posts, users, comments: [], votes, tags: [] };
}

export const isCofacts = (dir: string): boolean => existsSync(path.join(dir, 'article_replies.csv.zip'));

/** A Q&A dump from either source, by what the folder holds. */
export function loadQaDump(dir: string, options: { maxPosts?: number } = {}): StackExchangeDump {
  return isCofacts(dir) ? loadCofacts(dir, options) : loadStackExchange(dir);
}

export function unzipText(file: string): string {
  return execFileSync('unzip', ['-p', file], { maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' });
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Paragraphs, and the references as links (structure the scorer counts, as on Stack Exchange). */
function toHtml(text: string, reference: string): string {
  const paragraphs = text
    .split(/\n\s*\n|\r\n\s*\r\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeHtml(p)}</p>`);
  const links = [...reference.matchAll(/https?:\/\/[^\s<>"']+/g)].map(
    (m) => `<a href="${escapeHtml(m[0])}">${escapeHtml(m[0])}</a>`,
  );
  const refText = escapeHtml(reference.replace(/https?:\/\/[^\s<>"']+/g, ' ').trim());
  return [...paragraphs, ...(links.length || refText ? [`<p>${refText} ${links.join(' ')}</p>`] : [])].join('');
}

/** RFC 4180 CSV (quoted fields with commas, quotes and newlines) into rows keyed by the header. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows;
  if (!header) return [];
  return body
    .filter((r) => r.length > 1 || r[0] !== '')
    .map((r) => Object.fromEntries(header.map((h, k) => [h, r[k] ?? ''])));
}
