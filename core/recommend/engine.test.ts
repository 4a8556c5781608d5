import { describe, expect, it } from 'vitest';
import { seededRandom } from '../ports/random.ts';
import { HOUR_MS } from './activity.ts';
import { buildCatalog } from './catalog.ts';
import { RecommenderEngine } from './engine.ts';
import { F, FEATURE_SETS, FEATURES } from './features.ts';

const TOPICS = ['data', 'design', 'investing'];

/**
 * A small community where an item appears every hour and members mostly pick items of their own topic that are
 * a few hours old: the engine should learn that freshness and topics matter.
 */
function community(seed: number) {
  const random = seededRandom(seed);
  const start = Date.UTC(2026, 0, 1);
  const items = Array.from({ length: 150 }, (_, i) => ({
    createdAt: start + i * HOUR_MS,
    author: -1,
    topics: [TOPICS[i % 3] as string],
  }));
  const catalog = buildCatalog(items);
  const events: { member: number; item: number; at: number }[] = [];
  for (let step = 24; step < 150; step++) {
    const at = start + step * HOUR_MS + 30 * 60_000;
    for (let member = 0; member < 9; member++) {
      if (random() > 0.5) continue;
      const topic = member % 3;
      const wantsOwnTopic = random() < 0.8;
      // A fresh item of the member's topic (or any fresh item), at most ~6 hours old.
      const candidates = [];
      for (let i = step; i > step - 6; i--) if (!wantsOwnTopic || i % 3 === topic) candidates.push(i);
      const item = candidates[Math.floor(random() * candidates.length)] as number;
      events.push({ member, item, at });
    }
  }
  return { catalog, events, start };
}

describe('recommender engine', () => {
  it('learns that fresh, on-topic items are picked, and ranks them first', () => {
    const { catalog, events, start } = community(1);
    const engine = new RecommenderEngine(catalog, seededRandom(2));
    let nextRetrain = start + 48 * HOUR_MS;
    for (const e of events) {
      if (e.at >= nextRetrain) {
        engine.retrain(nextRetrain);
        nextRetrain += 24 * HOUR_MS;
      }
      engine.observe(e.member, e.item, e.at);
    }
    engine.retrain(nextRetrain);
    // The blend was learned (not the prior) and leans on the member's topics.
    expect(engine.exampleCount).toBeGreaterThan(200);
    expect(engine.ranker.weights[F.topic]).toBeGreaterThan(0.1);
    // The shipped signal set leaves the per-member age preference out.
    expect(engine.ranker.weights[F.ageFit]).toBe(0);
    const now = start + 150 * HOUR_MS;
    const picks = engine.recommend(4, now, { k: 5, mmrLambda: 1 });
    expect(picks).toHaveLength(5);
    const history = engine.state.members.get(4)!;
    for (const p of picks) {
      expect(history.has(p.item)).toBe(false);
      expect(p.reason.signal).toBeTruthy();
    }
    // Member 4 follows topic 1 (design): the best pick is a design item, and every pick is fresh.
    const topicOf = (item: number) => catalog.topicNames[catalog.topicIdx[catalog.topicPtr[item]!]!];
    expect(topicOf(picks[0]!.item)).toBe('design');
    expect(picks[0]!.reason.signal).toBe('topic');
    for (const p of picks) expect(now - catalog.createdAt[p.item]!).toBeLessThan(12 * HOUR_MS);
  });

  it('excludes dismissed items, filters by topic and forms interest groups', () => {
    const { catalog, events, start } = community(3);
    const engine = new RecommenderEngine(catalog, seededRandom(2));
    for (const e of events) engine.observe(e.member, e.item, e.at, 1, false);
    const now = start + 150 * HOUR_MS;
    engine.retrain(now, true);
    const first = engine.recommend(0, now, { k: 3 })[0]!.item;
    engine.dismiss(0, first, now);
    expect(engine.recommend(0, now, { k: 10 }).map((p) => p.item)).not.toContain(first);
    const investing = catalog.topicNames.indexOf('investing');
    for (const p of engine.recommend(0, now, { k: 5, topic: investing })) {
      expect(Array.from(catalog.topicIdx.subarray(catalog.topicPtr[p.item], catalog.topicPtr[p.item + 1]))).toContain(
        investing,
      );
    }
    expect(engine.grouping?.k).toBeGreaterThanOrEqual(2);
    // Members who share a topic end up together.
    expect(engine.groupOf(0)).toBe(engine.groupOf(3));
  });

  it('serves a member it has never seen (cold start) from freshness and popularity', () => {
    const { catalog, events, start } = community(5);
    const engine = new RecommenderEngine(catalog, seededRandom(2));
    for (const e of events) engine.observe(e.member, e.item, e.at, 1, false);
    const now = start + 150 * HOUR_MS;
    engine.retrain(now, true);
    const picks = engine.recommend(999, now, { k: 5 });
    expect(picks).toHaveLength(5);
    for (const p of picks)
      expect([
        'fresh',
        'newer',
        'justPosted',
        'trendShort',
        'trendLong',
        'popularity',
        'lastActive',
        'justActive',
        'ageFit',
      ]).toContain(p.reason.signal);
  });
});

describe('blend variants (EngineOptions.blendFeatures, fullSoftmax)', () => {
  it('learns only the named signals, over every item on offer, and still serves and explains', () => {
    const { catalog, events, start } = community(1);
    const engine = new RecommenderEngine(catalog, seededRandom(2), {
      blendFeatures: FEATURE_SETS.time,
      fullSoftmax: true,
      priorExamples: 0,
    });
    let nextRetrain = start + 48 * HOUR_MS;
    for (const e of events) {
      if (e.at >= nextRetrain) {
        engine.retrain(nextRetrain);
        nextRetrain += 24 * HOUR_MS;
      }
      engine.observe(e.member, e.item, e.at);
    }
    engine.retrain(nextRetrain, true);
    expect(engine.exampleCount).toBeGreaterThan(200);
    const time = new Set<string>(FEATURE_SETS.time);
    FEATURES.forEach((f, a) => {
      if (!time.has(f)) expect(engine.ranker.weights[a]).toBe(0);
    });
    // Members pick items a few hours old: freshness is learned as a positive signal.
    expect(engine.ranker.weights[F.fresh]! + engine.ranker.weights[F.justPosted]!).toBeGreaterThan(0.1);
    const now = start + 150 * HOUR_MS;
    const picks = engine.recommend(4, now, { k: 5, mmrLambda: 1 });
    expect(picks).toHaveLength(5);
    for (const p of picks) {
      expect(now - catalog.createdAt[p.item]!).toBeLessThan(12 * HOUR_MS);
      // No personal signal carries weight, so no pick claims one.
      expect(['fresh', 'trendShort', 'trendLong', 'popularity']).toContain(p.reason.signal);
    }
  });
});

describe('signal set chosen by the engine (blendFeatureChoice)', () => {
  it('reads each candidate on its newest examples and fits the best', () => {
    const { catalog, events, start } = community(1);
    const engine = new RecommenderEngine(catalog, seededRandom(2), { blendFeatureChoice: [null, FEATURE_SETS.time] });
    for (const e of events) engine.observe(e.member, e.item, e.at);
    engine.retrain(start + 150 * HOUR_MS, true);
    const choice = engine.blendChoice!;
    expect(choice.heldOut).toHaveLength(2);
    // Members here follow their topics: the set with the topic signal reads better on the newest examples.
    expect(choice.heldOut[0]).toBeGreaterThan(choice.heldOut[1]!);
    expect(choice.features).toBeNull();
    expect(engine.ranker.weights[F.topic]).toBeGreaterThan(0.1);
  });
});

describe('serving scorer', () => {
  it('scores exactly like the reference feature path', async () => {
    const { scoreAll } = await import('./hybrid.ts');
    const { scoreAllFast } = await import('./fast-score.ts');
    const { queryContext } = await import('./features.ts');
    const { catalog, events, start } = community(7);
    const engine = new RecommenderEngine(catalog, seededRandom(2), { maxExamples: 300 });
    for (const e of events) engine.observe(e.member, e.item, e.at, 1, e.at > start + 100 * HOUR_MS);
    const now = start + 150 * HOUR_MS;
    engine.retrain(now, true);
    for (const member of [0, 4, 999]) {
      const q = queryContext(engine.sources, member, now);
      const reference = scoreAll(engine.sources, engine.ranker, q);
      const fast = scoreAllFast(engine.sources, engine.ranker, q);
      for (let i = 0; i < catalog.size; i++) {
        if (Number.isNaN(reference[i])) expect(fast[i]).toBeNaN();
        else expect(fast[i]).toBeCloseTo(reference[i]!, 3);
      }
    }
  });
});
