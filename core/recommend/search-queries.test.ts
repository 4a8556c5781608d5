import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CohortContentModel, createContentModel } from '../../adapters/ml/index.ts';
import { demoCourses } from '../../prisma/demo/courses.ts';
import type { Course } from '../domain/types.ts';
import { silentLogger } from '../ports/logger.ts';
import { DEFAULT_SEARCH_OPTIONS, type SearchCandidate, type SearchOptions, searchCatalogue } from './search.ts';

/**
 * Recall@5 of /search on a bilingual query set written from the demo catalogue (testdata/search-queries.json):
 * Chinese queries for English courses and the other way round. Even-indexed queries are the dev half (the search
 * weights are chosen there: this test checks the shipped defaults are the dev half's best), odd ones the test half.
 * The baseline is the search before this one: embedding similarity plus an exact tag/title bonus.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const set = JSON.parse(readFileSync(path.join(here, 'testdata/search-queries.json'), 'utf8')) as {
  queries: { q: string; course: string }[];
  nothing: string[];
};

const GRID: SearchOptions[] = [0.5, 0.6, 0.7, 0.8, 0.9].flatMap((lexicalWeight) =>
  [0.45, 0.55, 0.65].map((minSimilarity) => ({ lexicalWeight, minSimilarity })),
);

describe('bilingual course search', () => {
  let model: CohortContentModel;
  let candidates: SearchCandidate[];
  const vectors = new Map<string, Float32Array>();

  beforeAll(async () => {
    model = await createContentModel({ name: 'cohort-mini', allowRemote: false, log: silentLogger });
    const courses: Course[] = demoCourses.map((c, i) => ({
      id: `c${String(i).padStart(2, '0')}`,
      communityId: 'demo',
      creatorId: null,
      title: c.title,
      description: c.description,
      tags: c.tags,
      language: c.language,
      priceMinor: c.priceMinor,
      currency: c.currency,
      paymentModel: c.paymentModel,
      url: null,
      createdAt: new Date(0),
    }));
    // The text the recommender embeds a course from (core/recommend/service.ts).
    const embedded = await model.embed(courses.map((c) => `${c.title}. ${c.description} ${c.tags.join(' ')}`));
    candidates = courses.map((course, i) => ({ course, vector: embedded[i] as Float32Array }));
    const queries = [...new Set([...set.queries.map((x) => x.q), ...set.nothing])];
    const qv = await model.embed(queries);
    queries.forEach((q, i) => {
      vectors.set(q, qv[i] as Float32Array);
    });
  });
  afterAll(() => model.dispose());

  const recall = (search: (q: string) => Course[], half: 'dev' | 'test' | 'all') => {
    const picked = set.queries.filter((_, i) => half === 'all' || (i % 2 === 0) === (half === 'dev'));
    const hits = picked.filter((x) => search(x.q).some((c) => c.title === x.course)).length;
    return hits / picked.length;
  };
  const ours = (options: SearchOptions) => (q: string) =>
    searchCatalogue(candidates, q, vectors.get(q) ?? null, 5, options).map((h) => h.course);
  /** The search this replaces: dot product plus 0.3 for an exact tag/title match, kept near the best. */
  const baseline = (q: string) => {
    const v = vectors.get(q) as Float32Array;
    const needle = q.trim().toLowerCase();
    const hits = candidates.map((c) => {
      let dot = 0;
      for (let a = 0; a < v.length; a++) dot += (c.vector[a] as number) * (v[a] as number);
      const lexical = c.course.tags.includes(needle) || c.course.title.toLowerCase().includes(needle) ? 0.3 : 0;
      return { course: c.course, similarity: dot + lexical };
    });
    hits.sort((a, b) => b.similarity - a.similarity);
    const best = hits[0]?.similarity ?? 0;
    return hits
      .filter((h) => h.similarity >= Math.max(0.2, best * 0.6))
      .slice(0, 5)
      .map((h) => h.course);
  };

  it('has at least 60 query–course pairs in both directions', () => {
    expect(set.queries.length).toBeGreaterThanOrEqual(60);
    const zh = /\p{Script=Han}/u;
    expect(set.queries.filter((x) => zh.test(x.q) && !zh.test(x.course)).length).toBeGreaterThanOrEqual(15);
    expect(set.queries.filter((x) => !zh.test(x.q) && zh.test(x.course)).length).toBeGreaterThanOrEqual(15);
  });

  it('uses the weights that are best on the dev half', () => {
    const score = (o: SearchOptions) =>
      recall(ours(o), 'dev') + (set.nothing.every((q) => ours(o)(q).length === 0) ? 1 : 0);
    const best = GRID.reduce((a, b) => (score(b) > score(a) ? b : a));
    expect(score(DEFAULT_SEARCH_OPTIONS)).toBe(score(best));
  });

  it('finds the meant course in the top 5 far more often than the embedding search did', () => {
    const test = recall(ours(DEFAULT_SEARCH_OPTIONS), 'test');
    const before = recall(baseline, 'test');
    console.log(
      `recall@5: test half ${test.toFixed(3)} (baseline ${before.toFixed(3)}); dev half ${recall(ours(DEFAULT_SEARCH_OPTIONS), 'dev').toFixed(3)} (baseline ${recall(baseline, 'dev').toFixed(3)}); all ${recall(ours(DEFAULT_SEARCH_OPTIONS), 'all').toFixed(3)} (baseline ${recall(baseline, 'all').toFixed(3)}) over ${set.queries.length} queries`,
    );
    expect(test).toBeGreaterThanOrEqual(0.85);
    expect(test).toBeGreaterThan(before + 0.2);
  });

  it('期权 lists the options course first, 产品需求文档 the PRD course, 大模型 the LLM courses', () => {
    const search = ours(DEFAULT_SEARCH_OPTIONS);
    expect(search('期权')[0]?.title).toBe('Options Strategies Explained');
    expect(search('产品需求文档')[0]?.title).toBe('Writing PRDs Engineers Love');
    expect(
      search('大模型')
        .slice(0, 2)
        .map((c) => c.title)
        .sort(),
    ).toEqual(['Building with Large Language Models', '大模型应用开发入门']);
  });

  it('a query that means nothing here finds nothing', () => {
    for (const q of set.nothing) expect(ours(DEFAULT_SEARCH_OPTIONS)(q)).toEqual([]);
  });
});
