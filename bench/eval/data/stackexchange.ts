import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';

/**
 * Loads a Stack Exchange data dump folder (Posts.xml, Users.xml, Comments.xml, Votes.xml, Tags.xml).
 * Evaluation commands take the folder's path; the data is never copied into the repository.
 */

export interface SePost {
  id: number;
  /** 1 question, 2 answer; other types (tag wikis) are kept but usually filtered out. */
  postTypeId: number;
  parentId: number | null;
  acceptedAnswerId: number | null;
  creationDate: Date;
  score: number;
  viewCount: number | null;
  body: string;
  ownerUserId: number | null;
  title: string | null;
  /** Parsed from `<a><b>` or `|a|b|`. */
  tags: string[];
  answerCount: number | null;
  commentCount: number | null;
  favoriteCount: number | null;
}

export interface SeUser {
  id: number;
  reputation: number;
  creationDate: Date;
  displayName: string;
}

export interface SeComment {
  id: number;
  postId: number;
  score: number;
  text: string;
  creationDate: Date;
  userId: number | null;
}

export interface SeVote {
  id: number;
  postId: number;
  /** 1 accept, 2 up, 3 down, 5 favourite, 8/9 bounty, ... */
  voteTypeId: number;
  creationDate: Date;
  /** Only present for favourites and bounties. */
  userId: number | null;
}

export interface StackExchangeDump {
  posts: SePost[];
  users: SeUser[];
  comments: SeComment[];
  votes: SeVote[];
  tags: string[];
}

type Row = Record<string, string | undefined>;

function readRows(dir: string, file: string, root: string): Row[] {
  const xml = readFileSync(path.join(dir, file), 'utf8');
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    isArray: (name) => name === 'row',
    // Stack Exchange bodies hold escaped HTML; entity expansion of the document itself is all we need.
    processEntities: true,
    htmlEntities: true,
  });
  const doc = parser.parse(xml) as Record<string, { row?: Row[] } | undefined>;
  return doc[root]?.row ?? [];
}

const int = (v: string | undefined): number | null => (v === undefined || v === '' ? null : Number.parseInt(v, 10));
/** The dump's timestamps have no zone; they are UTC. */
const date = (v: string | undefined): Date => new Date(`${v ?? '1970-01-01T00:00:00'}Z`);

export function parseTags(raw: string | undefined): string[] {
  if (!raw) return [];
  if (raw.includes('<')) return [...raw.matchAll(/<([^>]+)>/g)].map((m) => m[1] as string);
  return raw.split('|').filter(Boolean);
}

export function loadStackExchange(dir: string): StackExchangeDump {
  const posts = readRows(dir, 'Posts.xml', 'posts').map(
    (r): SePost => ({
      id: int(r.Id) as number,
      postTypeId: int(r.PostTypeId) as number,
      parentId: int(r.ParentId),
      acceptedAnswerId: int(r.AcceptedAnswerId),
      creationDate: date(r.CreationDate),
      score: int(r.Score) ?? 0,
      viewCount: int(r.ViewCount),
      body: r.Body ?? '',
      ownerUserId: int(r.OwnerUserId),
      title: r.Title ?? null,
      tags: parseTags(r.Tags),
      answerCount: int(r.AnswerCount),
      commentCount: int(r.CommentCount),
      favoriteCount: int(r.FavoriteCount),
    }),
  );
  const users = readRows(dir, 'Users.xml', 'users').map(
    (r): SeUser => ({
      id: int(r.Id) as number,
      reputation: int(r.Reputation) ?? 1,
      creationDate: date(r.CreationDate),
      displayName: r.DisplayName ?? '',
    }),
  );
  const comments = readRows(dir, 'Comments.xml', 'comments').map(
    (r): SeComment => ({
      id: int(r.Id) as number,
      postId: int(r.PostId) as number,
      score: int(r.Score) ?? 0,
      text: r.Text ?? '',
      creationDate: date(r.CreationDate),
      userId: int(r.UserId),
    }),
  );
  const votes = readRows(dir, 'Votes.xml', 'votes').map(
    (r): SeVote => ({
      id: int(r.Id) as number,
      postId: int(r.PostId) as number,
      voteTypeId: int(r.VoteTypeId) as number,
      creationDate: date(r.CreationDate),
      userId: int(r.UserId),
    }),
  );
  const tags = readRows(dir, 'Tags.xml', 'tags').map((r) => r.TagName ?? '');
  return { posts, users, comments, votes, tags };
}

/** Stack Exchange's "Community" user: a bot that owns wiki posts and bumps old questions, never a member. */
export const COMMUNITY_BOT = -1;

export const isMember = (userId: number | null): userId is number => userId !== null && userId !== COMMUNITY_BOT;

/**
 * Favourites (and other votes) carry only their day. Placed at the day's last millisecond, they never come before
 * what happened on that day; placing them at the question's creation (plus a second) would leak the answer to any
 * ranking that favours new questions.
 */
export function endOfDay(d: Date): number {
  const day = 86_400_000;
  return Math.floor(d.getTime() / day) * day + day - 1;
}
