import { z } from 'zod';
import type { Course, InteractionEvent } from '../../domain/types.ts';
import type { RawFeedItem } from '../feed-document.ts';

/**
 * The community's own channels as content: members' posts that carry a link or enough text, and creators'
 * course announcements. Event metadata is parsed leniently with Zod: adapters fill it, and older events may lack fields.
 */
const postMetadata = z
  .looseObject({
    text: z.string().max(20_000).optional().catch(undefined),
    urls: z.array(z.string().max(2048)).max(20).optional().catch(undefined),
    url: z.string().max(2048).optional().catch(undefined),
  })
  .catch({});

/** The address of a community's built-in members' posts source. */
export const COMMUNITY_POSTS_URL = 'community:posts';

/** Chit-chat without a link below this weight is not content (a Han character weighs 2: Chinese is denser). */
const MIN_TEXT_WITHOUT_LINK = 80;

function textWeight(text: string): number {
  let weight = 0;
  for (const ch of text) weight += /\p{Script=Han}/u.test(ch) ? 2 : 1;
  return weight;
}

/** A member's post (its event, or the envelope it arrived in) as a feed item, or null when it is chit-chat. */
export function postToItem(event: Pick<InteractionEvent, 'objectId' | 'metadata' | 'occurredAt'>): RawFeedItem | null {
  const meta = postMetadata.parse(event.metadata);
  const text = (meta.text ?? '').trim();
  const url = meta.urls?.[0] ?? meta.url ?? /https?:\/\/[^\s<>"']+/.exec(text)?.[0] ?? null;
  if (!url && textWeight(text) < MIN_TEXT_WITHOUT_LINK) return null;
  const withoutUrl = url ? text.replace(url, '').trim() : text;
  const firstLine = withoutUrl.split('\n')[0]?.trim() ?? '';
  const title = [...(firstLine || url || '')].slice(0, 120).join('');
  return {
    guid: `message:${event.objectId}`,
    url,
    title,
    body: withoutUrl,
    publishedAt: event.occurredAt,
    categories: [],
  };
}

export function courseToItem(course: Course): RawFeedItem {
  return {
    guid: `course:${course.id}`,
    url: course.url,
    title: course.title,
    body: course.description,
    publishedAt: course.createdAt,
    categories: course.tags,
  };
}
