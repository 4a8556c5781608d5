import { textUnits } from '../domain/glossary.ts';
import type { Course } from '../domain/types.ts';

/**
 * `/search` over the catalogue, across Chinese and English: a query and each course are read as glossary concepts
 * plus their remaining words (core/domain/glossary.ts), so 期权 meets "Options Strategies" and 产品需求文档 meets
 * "Writing PRDs"; the content model's embedding adds what no word shares. A course is a match only when the two
 * agree enough: a query none of whose words or concepts any course has, and whose meaning is far from every course,
 * finds nothing ("xyzzy qwerty" is not the first three courses of the catalogue).
 */
export interface SearchOptions {
  /** Weight of the lexical/concept overlap against the embedding similarity. */
  lexicalWeight: number;
  /** Without any shared word or concept, the embedding similarity a course needs to be a match at all. */
  minSimilarity: number;
}

/** Chosen on the dev half of the bilingual query set (core/recommend/search-queries.test.ts), never its test half. */
export const DEFAULT_SEARCH_OPTIONS: SearchOptions = { lexicalWeight: 0.7, minSimilarity: 0.55 };

export interface SearchCandidate {
  course: Course;
  vector: Float32Array;
}

export interface Scored {
  course: Course;
  score: number;
  lexical: number;
  similarity: number;
}

const courseText = (c: Course) => `${c.title}\n${c.tags.join(' ')}\n${c.description}`;

/** Units of each course, cached by course id and text (the catalogue changes rarely, queries often). */
const unitCache = new Map<string, { text: string; title: Set<string>; all: Set<string> }>();

function unitsOf(course: Course) {
  const text = courseText(course);
  const cached = unitCache.get(course.id);
  if (cached?.text === text) return cached;
  const entry = { text, title: textUnits(`${course.title}\n${course.tags.join(' ')}`), all: textUnits(text) };
  if (unitCache.size > 10_000) unitCache.clear();
  unitCache.set(course.id, entry);
  return entry;
}

export function searchCatalogue(
  candidates: readonly SearchCandidate[],
  query: string,
  queryVector: Float32Array | null,
  k: number,
  options: SearchOptions = DEFAULT_SEARCH_OPTIONS,
): Scored[] {
  const q = textUnits(query);
  if (q.size === 0 && !queryVector) return [];
  // Rarer units say more: a concept every course has ("course") weighs little.
  const df = new Map<string, number>();
  const units = candidates.map((c) => unitsOf(c.course));
  for (const u of q) df.set(u, units.filter((x) => x.all.has(u)).length);
  const n = Math.max(1, candidates.length);
  const idf = (u: string) => Math.log(1 + n / (1 + (df.get(u) ?? 0)));
  const total = [...q].reduce((s, u) => s + idf(u), 0);
  const scored = candidates.map((c, i) => {
    const { title, all } = units[i] as (typeof units)[number];
    let hit = 0;
    for (const u of q) if (all.has(u)) hit += idf(u) * (title.has(u) ? 1 : 0.7);
    const lexical = total > 0 ? hit / total : 0;
    let similarity = 0;
    if (queryVector) {
      const v = c.vector;
      for (let a = 0; a < Math.min(v.length, queryVector.length); a++)
        similarity += (v[a] as number) * (queryVector[a] as number);
    }
    return {
      course: c.course,
      lexical,
      similarity,
      score: options.lexicalWeight * lexical + (1 - options.lexicalWeight) * similarity,
    };
  });
  const matches = scored.filter((s) => s.lexical > 0 || s.similarity >= options.minSimilarity);
  matches.sort((a, b) => b.score - a.score || a.course.id.localeCompare(b.course.id));
  // Keep what is close to the best match: a long tail of weak matches is noise.
  const best = matches[0]?.score ?? 0;
  return matches.filter((m) => m.score >= best * 0.5).slice(0, k);
}
