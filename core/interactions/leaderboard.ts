import type { InteractionEvent } from '../domain/types.ts';
import type { Translate } from '../i18n/translate.ts';
import { nextPeriodStart, periodStart } from './community-day.ts';
import type { MemberActivity } from './interaction-graph.ts';

/** Leaderboard windows, their start, topic filtering and the "why" line of each entry. */

/**
 * Rolling windows (`7d`, `30d`), calendar windows that reset at local midnight on the first day of the month or of
 * the season (a calendar quarter) in the community's zone, and all time.
 */
export const LEADERBOARD_WINDOWS = ['7d', '30d', 'month', 'season', 'all'] as const;
export type LeaderboardWindow = (typeof LEADERBOARD_WINDOWS)[number];

/** Other words members use for a window, in both languages. */
const WINDOW_ALIASES: Record<string, LeaderboardWindow> = {
  week: '7d',
  weekly: '7d',
  本周: '7d',
  '7天': '7d',
  '30天': '30d',
  monthly: 'month',
  本月: 'month',
  月榜: 'month',
  quarter: 'season',
  seasonal: 'season',
  本季: 'season',
  本季度: 'season',
  赛季: 'season',
  季榜: 'season',
  alltime: 'all',
  'all-time': 'all',
  全部: 'all',
  总榜: 'all',
};

/** The window a word names, or null when it names none. */
export function parseWindow(word: string | undefined): LeaderboardWindow | null {
  const w = (word ?? '').trim().toLowerCase();
  if ((LEADERBOARD_WINDOWS as readonly string[]).includes(w)) return w as LeaderboardWindow;
  return WINDOW_ALIASES[w] ?? null;
}

/**
 * A word that is meant as a window but is not one (`1y`, `90d`, `year`, `today`): refused with the valid list
 * rather than silently read as a topic nobody talks about.
 */
export function looksLikeWindow(word: string | undefined): boolean {
  const w = (word ?? '').trim().toLowerCase();
  return (
    /^\d+\s*(s|m|h|d|w|y|mo|min|hours?|days?|weeks?|months?|years?|天|周|月|年)$/.test(w) ||
    ['day', 'daily', 'today', 'year', 'yearly', 'annual', 'ever', 'forever', '今天', '今年', '本年'].includes(w)
  );
}

const ROLLING_DAYS: Partial<Record<LeaderboardWindow, number>> = { '7d': 7, '30d': 30 };

/** Where a window starts: `now` minus its days, or the local start of this month or season; undefined for all time. */
export function windowStart(window: LeaderboardWindow, now: Date, timeZone = 'UTC'): Date | undefined {
  const days = ROLLING_DAYS[window];
  if (days !== undefined) return new Date(now.getTime() - days * 86_400_000);
  if (window === 'month' || window === 'season') return periodStart(now, timeZone, window);
  return undefined;
}

/** When a calendar window's board resets (the next month or season in the community's zone); null otherwise. */
export function windowResetsAt(window: LeaderboardWindow, now: Date, timeZone: string): Date | null {
  return window === 'month' || window === 'season' ? nextPeriodStart(now, timeZone, window) : null;
}

/** Half-life of interaction weights per window: short windows care about this week, "all" barely decays. */
export function windowHalfLifeDays(window: LeaderboardWindow): number {
  switch (window) {
    case '7d':
      return 7;
    case '30d':
    case 'month':
      return 30;
    case 'season':
      return 90;
    case 'all':
      return 180;
  }
}

/** The facts an entry's explanation is made of. Stored with snapshots so the line is localised at read time. */
export interface WhyFacts {
  replies: number;
  tippers: number;
  reactions: number;
  mentions: number;
  shares: number;
  posts: number;
  /** Mean model quality of scored posts, 0..100; null when no post was scored. */
  quality: number | null;
  activeDays: number;
  /** Days since joining, when the ranking counted tenure (the all-time board). Absent in older snapshots. */
  memberDays?: number;
  /** Replies the member they answered reacted to. Absent in older snapshots. */
  accepted?: number;
  /** Replies sent within a day of the message they answer. Absent in older snapshots. */
  quickReplies?: number;
}

export function whyFacts(a: MemberActivity, memberDays?: number): WhyFacts {
  return {
    replies: a.received.reply,
    tippers: a.tippers.size,
    reactions: Math.max(0, a.received.reaction),
    mentions: a.received.mention,
    shares: a.received.share,
    posts: a.posts,
    quality: a.qualityCount > 0 ? Math.round((100 * a.qualitySum) / a.qualityCount) : null,
    activeDays: a.activeDays.size,
    ...(memberDays !== undefined ? { memberDays } : {}),
    accepted: a.accepted,
    quickReplies: a.quickReplies,
  };
}

/**
 * Up to three facts, strongest signals first: "3 answers accepted by the asker, 42 replies received, tipped by 9
 * members". Acceptance leads: it weighs most in the score (kol-score.ts).
 */
export function explain(facts: WhyFacts, t: Translate, max = 3): string {
  const parts: string[] = [];
  const add = (key: keyof WhyFacts, count: number) => {
    if (count > 0 && parts.length < max) parts.push(t(`interactions:leaderboard.why.${key}`, { count }));
  };
  add('accepted', facts.accepted ?? 0);
  add('replies', facts.replies);
  add('tippers', facts.tippers);
  add('reactions', facts.reactions);
  add('mentions', facts.mentions);
  add('shares', facts.shares);
  add('quickReplies', facts.quickReplies ?? 0);
  add('posts', facts.posts);
  if (facts.quality !== null && parts.length < max) {
    parts.push(t('interactions:leaderboard.why.quality', { quality: facts.quality }));
  }
  add('activeDays', facts.activeDays);
  add('memberDays', facts.memberDays ?? 0);
  return parts.join(t('common:listSeparator'));
}

/** Topics an event carries: `metadata.topics` (model labels), `metadata.tags`, or a single `metadata.topic`. */
export function eventTopics(event: InteractionEvent): string[] {
  const m = event.metadata;
  const out: string[] = [];
  for (const key of ['topics', 'tags'] as const) {
    const v = m[key];
    if (Array.isArray(v)) {
      for (const item of v) {
        if (typeof item === 'string') out.push(item.toLowerCase());
        else if (item && typeof item === 'object' && typeof (item as { topic?: unknown }).topic === 'string') {
          out.push(((item as { topic: string }).topic as string).toLowerCase());
        }
      }
    }
  }
  if (typeof m['topic'] === 'string') out.push(m['topic'].toLowerCase());
  return out;
}

/**
 * Keeps the events about one topic: posts tagged with it, and interactions that either carry the topic themselves
 * or point at a tagged post (same objectId, or `metadata.parentObjectId` for replies).
 */
export function filterByTopic(events: readonly InteractionEvent[], topic: string): InteractionEvent[] {
  const wanted = topic.toLowerCase();
  const tagged = new Set<string>();
  for (const e of events) if (e.verb === 'message.posted' && eventTopics(e).includes(wanted)) tagged.add(e.objectId);
  return events.filter((e) => {
    if (eventTopics(e).includes(wanted)) return true;
    if (tagged.has(e.objectId)) return true;
    const parent = e.metadata['parentObjectId'];
    return typeof parent === 'string' && tagged.has(parent);
  });
}
