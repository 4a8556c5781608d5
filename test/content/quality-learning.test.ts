import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentFeature } from '../../core/content/feature.ts';
import type { ContentItem } from '../../core/content/types.ts';
import type { NewInteractionEvent } from '../../core/domain/types.ts';
import { type ContentHarness, createContentHarness } from './support/harness.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The quality score learns from the community it serves: members' reactions, replies and votes on its posts train
 * the community's own layer (the `content:learn` job), and the scores moderators see are calibrated to it.
 */
describe('a quality score that learns from each community', () => {
  let h: ContentHarness;
  let seq = 0;
  const members: string[] = [];

  // This community rewards short, concrete questions and ignores long musings, which the shipped model prefers.
  const tools = ['pandas', 'SQL', 'Excel', 'Tableau', 'Python', 'dbt', 'Spark', 'Looker', 'R', 'BigQuery', 'Airflow'];
  const tasks = [
    'a running total',
    'a pivot by month',
    'duplicate rows',
    'a cohort table',
    'missing dates',
    'a median',
  ];
  const themes = ['hiring', 'pricing', 'onboarding', 'roadmaps', 'meetings', 'offsites', 'budgets', 'mentoring'];
  const moods = ['tired', 'hopeful', 'curious', 'restless', 'grateful', 'uneasy', 'calm', 'busy', 'stuck'];
  const places = ['the office', 'a train', 'the café', 'home', 'a conference', 'the park', 'an airport'];
  const liked = (i: number) =>
    `How do I get ${tasks[i % tasks.length]} in ${tools[(i * 7) % tools.length]} (case ${i})? https://q.example/${i}`;
  const musing = (i: number) =>
    `Feeling ${moods[i % moods.length]} at ${places[(i * 3) % places.length]} today, thinking about ` +
    `${themes[(i * 5) % themes.length]} and ${themes[(i * 5 + 3) % themes.length]}, and how my week went, and ` +
    `what I might write about ${themes[(i * 7 + 1) % themes.length]} once things settle down a little (${i}).`;

  const event = (fields: Partial<NewInteractionEvent> & Pick<NewInteractionEvent, 'verb'>): NewInteractionEvent => ({
    communityId: h.community.id,
    actorId: members[0]!,
    objectType: 'message',
    objectId: `m${seq}`,
    targetMemberId: null,
    channelId: 'general',
    platform: 'console',
    occurredAt: h.clock.now(),
    metadata: {},
    dedupKey: `e${seq++}`,
    ...fields,
  });

  beforeAll(async () => {
    h = await createContentHarness({ now: '2026-11-20T02:00:00Z' });
    for (const handle of ['ann', 'ben', 'cai', 'dee']) {
      const m = await h.core.members.ensure(h.community.id, { platformUserId: handle, handle, displayName: handle });
      members.push(m.id);
    }
    const events: NewInteractionEvent[] = [];
    for (let i = 0; i < 80; i++) {
      const at = new Date(h.clock.now().getTime() - (25 - i * 0.28) * DAY);
      const good = i % 2 === 0;
      const id = `post${i}`;
      events.push(
        event({
          verb: 'message.posted',
          actorId: members[i % 4]!,
          objectId: id,
          occurredAt: at,
          metadata: { text: good ? liked(i) : musing(i) },
        }),
      );
      if (good) {
        for (const k of [1, 2]) {
          events.push(
            event({
              verb: k === 1 ? 'reaction.added' : 'message.replied',
              actorId: members[(i + k) % 4]!,
              objectId: id,
              targetMemberId: members[i % 4]!,
              occurredAt: new Date(at.getTime() + HOUR),
              metadata: k === 1 ? { emoji: '👍' } : { text: 'thanks, that helped' },
            }),
          );
        }
      }
    }
    await h.core.events.appendMany(events);
    await h.service.sources.ensureBuiltins(h.community.id);
    await h.service.poller.pollDue();
  });
  afterAll(() => h.dispose());

  async function take(text: string): Promise<ContentItem> {
    const summary = await h.service.poller.takePost(h.community.id, {
      objectId: `new${seq++}`,
      metadata: { text },
      occurredAt: h.clock.now(),
    });
    return summary!.keptItems[0]!;
  }

  it('is scheduled on the app scheduler as a feature job', () => {
    expect(contentFeature.jobs).toBeDefined();
    const jobs = contentFeature.jobs!({ content: h.service }, {} as never);
    expect(jobs.map((j) => j.name)).toContain('content:learn');
  });

  it('calibrates to the community before it has learned anything: 0.5 is its median post', async () => {
    const items = await h.stores.items.listCandidates({ communityId: h.community.id, since: new Date(0), limit: 500 });
    expect(items.length).toBeGreaterThanOrEqual(40);
    const scores = [...(await h.service.quality.qualityOf(h.community.id, items)).values()].sort((a, b) => a - b);
    const middle = (v: number[]) => v[Math.floor(v.length / 2)]!;
    expect(Math.abs(middle(scores) - 0.5)).toBeLessThan(0.02);
    // The shipped model's raw scores of these chat posts sit well away from 0.5; calibrated, they straddle it.
    const raw = items.map((i) => i.quality).sort((a, b) => a - b);
    expect(Math.abs(middle(raw) - 0.5)).toBeGreaterThan(0.1);
    expect(scores[0]).toBeLessThan(0.45);
    expect(scores.at(-1)).toBeGreaterThanOrEqual(0.5);
  });

  it("learns from members' reactions and replies, and ranks what they reward higher", async () => {
    const good = await take('How do I unnest a JSON column in DuckDB? https://q.example/duckdb');
    const other = await take(
      'Walking home along the river tonight, pondering seasons, friendships and the gentle rhythm of weekends ' +
        'that drift by, and what I will sketch next once the evenings get longer again.',
    );
    const scoredBefore = await h.service.quality.qualityOf(h.community.id, [good, other]);
    const gapBefore = scoredBefore.get(good.id)! - scoredBefore.get(other.id)!;

    const [outcome] = await h.service.quality.learnAll();
    expect(outcome).toMatchObject({ communityId: h.community.id, adapted: true });
    expect(outcome!.examples).toBeGreaterThanOrEqual(40);
    const stored = await h.stores.quality.getLayer(h.community.id);
    expect(stored?.examples).toBe(outcome!.examples);

    const scoredAfter = await h.service.quality.qualityOf(h.community.id, [good, other]);
    const gapAfter = scoredAfter.get(good.id)! - scoredAfter.get(other.id)!;
    expect(gapAfter).toBeGreaterThan(gapBefore + 0.1);
    expect(scoredAfter.get(good.id)).toBeGreaterThan(scoredAfter.get(other.id)!);
    // A digest lists candidates without embeddings: the layer reads them itself, so the score is the same.
    const listed = await h.service.quality.qualityOf(h.community.id, [{ ...good, embedding: null }]);
    expect(listed.get(good.id)).toBeCloseTo(scoredAfter.get(good.id)!, 12);
  });

  it('the digest ranks and filters on the calibrated score', async () => {
    const built = await h.service.digests.build(
      h.community.id,
      'general',
      { topics: [], minScore: 0.5, maxItems: 5, language: 'any' },
      h.clock.now(),
    );
    expect(built.result.picked.length).toBe(5);
    for (const pick of built.result.picked) expect(pick.parts.quality).toBeGreaterThanOrEqual(0.5);
    const below = built.result.decisions.filter((d) => d.reason === 'BELOW_MIN_SCORE');
    expect(below.length).toBeGreaterThan(5);
  });

  it('an item dated in the future is treated as published when it was fetched', async () => {
    const summary = await h.service.poller.takePost(h.community.id, {
      objectId: 'future',
      metadata: { text: 'How do I schedule a flow run in Prefect next month? https://q.example/prefect' },
      occurredAt: new Date(h.clock.now().getTime() + 30 * DAY),
    });
    expect(summary?.keptItems[0]?.publishedAt).toEqual(h.clock.now());
  });
});
