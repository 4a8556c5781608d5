import type { EventVerb, InteractionEvent } from '../domain/types.ts';

/**
 * How much each verb of the interaction log says about a member's interest. Course verbs are interactions with an
 * item; the rest say something about topics, language, hours and sentiment. Decay over time is applied by the
 * activity state (topic half-life, trending half-lives), not here.
 */
export const COURSE_STRENGTH: Partial<Record<EventVerb, number>> = {
  'course.viewed': 1,
  'course.enrolled': 3,
  'course.purchased': 5,
};

/** Topic weight of a non-course event that names a topic (metadata.topic / topics) or a query. */
export const TOPIC_STRENGTH: Partial<Record<EventVerb, number>> = {
  'digest.clicked': 1,
  'digest.voted': 1,
  'search.performed': 1.5,
  'message.posted': 1,
  'message.replied': 0.8,
  'reaction.added': 0.4,
  'message.shared': 0.6,
  'tip.sent': 0.5,
  'profile.interest_added': 6,
  'profile.interest_removed': -6,
};

/** The verbs the recommender reads from the log. */
export const SIGNAL_VERBS: EventVerb[] = [
  ...new Set([...Object.keys(COURSE_STRENGTH), ...Object.keys(TOPIC_STRENGTH), 'course.dismissed']),
] as EventVerb[];

/** Topic names an event carries: `metadata.topic`, `metadata.topics`, or the object of an interest change. */
export function eventTopics(event: InteractionEvent): string[] {
  const m = event.metadata ?? {};
  const out: string[] = [];
  if (typeof m.topic === 'string') out.push(m.topic);
  if (Array.isArray(m.topics)) for (const t of m.topics) if (typeof t === 'string') out.push(t);
  if (event.verb === 'profile.interest_added' || event.verb === 'profile.interest_removed') out.push(event.objectId);
  return [...new Set(out.map((t) => t.trim().toLowerCase()).filter(Boolean))];
}

/** Free text an event carries (a message, a search query), for the member's content vector and sentiment. */
export function eventText(event: InteractionEvent): string | null {
  const m = event.metadata ?? {};
  if (typeof m.text === 'string' && m.text.trim()) return m.text;
  if (typeof m.query === 'string' && m.query.trim()) return m.query;
  return null;
}

/** A 👎 on a digest item or a "down" vote counts against the topic. */
export function topicStrength(event: InteractionEvent): number {
  const base = TOPIC_STRENGTH[event.verb] ?? 0;
  if (event.verb === 'digest.voted') {
    const v = event.metadata?.vote ?? event.metadata?.direction;
    if (v === 'down' || v === -1 || v === '👎') return -base;
  }
  return base;
}

/** A member's language from what they write: `metadata.lang`, or the script of the text. */
export function eventLanguage(event: InteractionEvent): 'zh' | 'en' | null {
  const lang = event.metadata?.lang;
  if (lang === 'zh' || lang === 'en') return lang;
  const text = eventText(event);
  if (!text) return null;
  return /\p{Script=Han}/u.test(text) ? 'zh' : /[a-z]/i.test(text) ? 'en' : null;
}
