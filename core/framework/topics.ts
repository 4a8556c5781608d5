import { UserError } from '../errors.ts';
import type { CoreStores } from '../ports/stores.ts';

/**
 * The topics a community has: the tags of its courses. A topic named in a command (/leaderboard, /profile interests
 * add) must be one of them, or the member is told which ones come close: a typo must not quietly become an empty
 * board or an interest nothing will ever match.
 */

/** How a typed topic is compared: lower case, spaces and underscores as hyphens. */
export function normalizeTopic(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
}

/** The community's topics, from its courses' tags (lower case, sorted). */
export async function communityTopics(stores: Pick<CoreStores, 'courses'>, communityId: string): Promise<string[]> {
  const courses = await stores.courses.list(communityId, { limit: 2000 });
  return [...new Set(courses.flatMap((c) => c.tags.map((tag) => tag.trim().toLowerCase())).filter(Boolean))].sort();
}

/** Levenshtein distance over code points (Chinese topics are one code point per character). */
export function distance(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[y.length] as number;
}

/**
 * Up to `max` known topics closest to what was typed: containing it or contained in it first, then by edit distance.
 * `close` is false when none came close and the list is only a sample of what exists.
 */
export function suggestTopics(typed: string, known: readonly string[], max = 5): { topics: string[]; close: boolean } {
  const t = normalizeTopic(typed);
  const scored = known.map((k) => {
    const n = normalizeTopic(k);
    const overlap = n.includes(t) || t.includes(n);
    const d = distance(t, n);
    return { k, score: overlap ? d / 10 : d };
  });
  // About one typo per three characters: "desgin" finds "design", while "设计" does not "find" every two-letter tag.
  const limit = Math.max(1, Math.floor(Array.from(t).length / 3));
  const close = scored.filter((s) => s.score <= limit).sort((a, b) => a.score - b.score || (a.k < b.k ? -1 : 1));
  // Nothing close: show some topics that exist, so the member learns what to type.
  const picked = close.length > 0 ? close : [...scored].sort((a, b) => (a.k < b.k ? -1 : 1));
  return { topics: picked.slice(0, max).map((s) => s.k), close: close.length > 0 };
}

/**
 * The known topic a member meant, in its stored spelling (`Machine learning` finds `machine-learning`); a
 * `TOPIC_UNKNOWN` user error listing suggestions otherwise. A community without any topic yet accepts nothing (there
 * is nothing a topic could match).
 */
export function requireKnownTopic(typed: string, known: readonly string[]): string {
  const t = normalizeTopic(typed);
  const found = known.find((k) => normalizeTopic(k) === t);
  if (found !== undefined) return found;
  const { topics, close } = suggestTopics(t, known);
  const key =
    topics.length === 0
      ? 'common:errors.topicUnknownNone'
      : close
        ? 'common:errors.topicUnknown'
        : 'common:errors.topicUnknownList';
  throw new UserError('TOPIC_UNKNOWN', key, { topic: typed.trim(), suggestions: topics.join(', ') });
}
