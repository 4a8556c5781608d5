import type { ContentItem } from '../types.ts';
import type { FilterSubject } from './filter-expression.ts';

/** What a source's filter reads of a stored item: the link as the feed gave it, or its canonical form. */
export function filterSubject(item: ContentItem): FilterSubject {
  return {
    title: item.title,
    body: item.text,
    author: item.author,
    categories: item.categories,
    link: item.url ?? item.canonicalUrl,
  };
}
