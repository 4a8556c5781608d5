import type { InteractionEvent } from '../domain/types.ts';
import type { Translate } from '../i18n/translate.ts';
import type { MemberActivity } from './interaction-graph.ts';

/** Leaderboard windows, their start, topic filtering and the "why" line of each entry. */

export const LEADERBOARD_WINDOWS = ['7d', '30d', 'all'] as const;
export type LeaderboardWindow = (typeof LEADERBOARD_WINDOWS)[number];

const WINDOW_DAYS: Record<LeaderboardWindow, number | null> = { '7d': 7, '30d': 30, all: null };

export function windowStart(window: LeaderboardWindow, now: Date): Date | undefined {
  const days = WINDOW_DAYS[window];
  return days === null ? undefined : new Date(now.getTime() - days * 86_400_000);
}

/** Half-life of interaction weights per window: short windows care about this week, "all" barely decays. */
export function windowHalfLifeDays(window: LeaderboardWindow): number {
  return window === '7d' ? 7 : window === '30d' ? 30 : 180;
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
  };
}

/** Up to three facts, strongest signals first: "42 replies received, tipped by 9 members, 12 posts". */
export function explain(facts: WhyFacts, t: Translate, max = 3): string {
  const parts: string[] = [];
  const add = (key: keyof WhyFacts, count: number) => {
    if (count > 0 && parts.length < max) parts.push(t(`interactions:leaderboard.why.${key}`, { count }));
  };
  add('replies', facts.replies);
  add('tippers', facts.tippers);
  add('reactions', facts.reactions);
  add('mentions', facts.mentions);
  add('shares', facts.shares);
  add('posts', facts.posts);
  if (facts.quality !== null && parts.length < max) {
    parts.push(t('interactions:leaderboard.why.quality', { quality: facts.quality }));
  }
  add('activeDays', facts.activeDays);
  add('memberDays', facts.memberDays ?? 0);
  return parts.join(', ');
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
