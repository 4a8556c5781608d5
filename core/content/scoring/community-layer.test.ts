import { describe, expect, it } from 'vitest';
import type { InteractionEvent } from '../../domain/types.ts';
import { seededRandom } from '../../ports/random.ts';
import { adaptedLogit, calibrated, identityLayer, type LayerExample, score, trainLayer } from './community-layer.ts';
import {
  DEFAULT_LABEL_OPTIONS,
  engagementLabels,
  engagementOf,
  labelKindOf,
  type SignalItem,
} from './community-signals.ts';
import { logit } from './quality-combiner.ts';
import { STRUCTURE_FEATURES } from './structure-features.ts';

const DAY = 86_400_000;
const now = new Date('2026-11-20T00:00:00Z');

/** Items whose community likes feature 0 (say, code) although the shipped model scores them on feature 1. */
function community(n: number, seed = 7) {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const features = Float64Array.from([random() < 0.5 ? 1 : 0, random() * 4]);
    const baseQuality = 1 / (1 + Math.exp(-(features[1]! - 2) * 0.5));
    const liked = features[0]! === 1 ? 0.8 : 0.2;
    return { i, features, baseQuality, label: liked, kind: 'post' as const };
  });
}

describe('per-community quality layer', () => {
  /** A community that likes one topic (embedding dimension 0), which neither the shipped score nor structure shows. */
  function topical(n: number, seed = 11): LayerExample[] {
    const random = seededRandom(seed);
    return Array.from({ length: n }, () => {
      const onTopic = random() < 0.5;
      const embedding = Float32Array.from({ length: 8 }, (_, j) => (j === 0 ? (onTopic ? 1 : 0) : random()));
      return { baseQuality: 0.5, features: Float64Array.from([random()]), embedding, label: onTopic ? 0.8 : 0.2 };
    });
  }
  const options = {
    priorStrength: 5,
    useEmbedding: true,
    embeddingPriorScale: 1,
    steps: 150,
    learningRate: 0.3,
    minExamples: 30,
  };

  it("reads the item's embedding: learns the topics a community rewards", () => {
    const items = topical(300);
    const gap = (useEmbedding: boolean) => {
      const state = trainLayer(null, items, items, now, { ...options, useEmbedding });
      const mean = (on: boolean) => {
        const list = items.filter((i) => (i.embedding![0] === 1) === on);
        return list.reduce((s, i) => s + adaptedLogit(state, i), 0) / list.length;
      };
      return mean(true) - mean(false);
    };
    expect(gap(true)).toBeGreaterThan(1);
    expect(Math.abs(gap(false))).toBeLessThan(0.1);
    // An item without an embedding reads as the average item, not as an error.
    const state = trainLayer(null, items, items, now, options);
    expect(Number.isFinite(adaptedLogit(state, { baseQuality: 0.5, features: Float64Array.from([0.5]) }))).toBe(true);
  });

  it('stays stable under a prior far stronger than the labels (a proximal step, not an overshooting one)', () => {
    const items = topical(30);
    const state = trainLayer(null, items, items, now, { ...options, priorStrength: 3000, embeddingPriorScale: 30 });
    for (const w of state.weights) expect(Math.abs(w)).toBeLessThan(0.01);
    expect(Math.abs(state.baseScale)).toBeLessThan(0.01);
  });

  it("pulls toward the shipped model by prior strength / n: the pull fades as the community's labels accumulate", () => {
    const norm = (n: number) => {
      const state = trainLayer(null, topical(n), topical(n), now, { ...options, priorStrength: 200, steps: 300 });
      return Math.abs(state.weights[1]!);
    };
    // Same community, more labels: the data outweighs the same prior.
    expect(norm(400)).toBeGreaterThan(norm(40) * 1.5);
  });

  it('is the shipped model until the community has said enough', () => {
    const items = community(10);
    const state = trainLayer(null, items.slice(0, 5), items, now, {
      priorStrength: 1,
      useEmbedding: true,
      embeddingPriorScale: 1,
      steps: 100,
      learningRate: 0.3,
      minExamples: 30,
    });
    for (const item of items) expect(adaptedLogit(state, item)).toBeCloseTo(logit(item.baseQuality), 9);
  });

  it('learns what the community rewards and ranks it higher', () => {
    const items = community(400);
    const examples: LayerExample[] = items.slice(0, 300);
    const state = trainLayer(null, examples, items, now);
    const held = items.slice(300);
    const liked = held.filter((x) => x.features[0] === 1).map((x) => score(state, x));
    const other = held.filter((x) => x.features[0] === 0).map((x) => score(state, x));
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    expect(mean(liked)).toBeGreaterThan(mean(other) + 0.2);
    // Untrained, the shipped model cannot tell them apart (feature 0 is not in it).
    const shipped = trainLayer(null, [], items, now);
    const likedBefore = held.filter((x) => x.features[0] === 1).map((x) => score(shipped, x));
    const otherBefore = held.filter((x) => x.features[0] === 0).map((x) => score(shipped, x));
    expect(Math.abs(mean(likedBefore) - mean(otherBefore))).toBeLessThan(0.1);
  });

  it('warm-starts: a second pass on the same signals keeps what the first learned', () => {
    const items = community(300);
    const first = trainLayer(null, items, items, now);
    const second = trainLayer(first, items, items, new Date(now.getTime() + DAY));
    expect(second.weights[0]).toBeGreaterThanOrEqual((first.weights[0] as number) - 1e-9);
    expect(second.trainedAt).toBe(new Date(now.getTime() + DAY).toISOString());
  });

  it('calibrates per community: its median item reads 0.5, whatever the raw scale', () => {
    for (const shift of [-2, 0, 3]) {
      const items = community(201).map((x) => ({
        ...x,
        baseQuality: 1 / (1 + Math.exp(-(logit(x.baseQuality) + shift))),
      }));
      const state = trainLayer(null, [], items, now);
      const scores = items.map((x) => score(state, x)).sort((a, b) => a - b);
      expect(scores[100]).toBeCloseTo(0.5, 6);
      expect(scores[0]).toBeLessThan(0.5);
      expect(scores[200]).toBeGreaterThan(0.5);
    }
  });

  it('calibrates each kind among its own kind, and a rare kind among all items', () => {
    const posts = community(60).map((x) => ({ ...x, kind: 'post' }));
    const courses = community(30, 9).map((x) => ({ ...x, kind: 'course', baseQuality: 0.95 }));
    const lone = { ...posts[0]!, kind: 'article', baseQuality: 0.95 };
    const state = trainLayer(null, [], [...posts, ...courses, lone], now);
    expect(score(state, courses[0]!)).toBeCloseTo(0.5, 6);
    const postScores = posts.map((x) => score(state, x)).sort((a, b) => a - b);
    expect(postScores[30]).toBeCloseTo(0.5, 1);
    // Against all items (most of them posts scored far lower), the lone article reads high.
    expect(score(state, lone)).toBeGreaterThan(0.6);
    expect(calibrated(identityLayer(2), 0)).toBe(0.5);
  });
});

describe('community signals', () => {
  const item = (id: string, daysAgo: number, kind = 'post'): SignalItem => ({
    id,
    guid: `message:${id}`,
    kind,
    publishedAt: new Date(now.getTime() - daysAgo * DAY),
  });
  let seq = 0;
  const event = (verb: InteractionEvent['verb'], fields: Partial<InteractionEvent>): InteractionEvent => ({
    id: `e${seq++}`,
    communityId: 'c',
    actorId: 'a',
    verb,
    objectType: 'message',
    objectId: 'x',
    targetMemberId: null,
    channelId: null,
    platform: 'console',
    occurredAt: new Date(now.getTime() - DAY),
    metadata: {},
    ...fields,
  });

  it('counts votes (latest per member), clicks once, reactions, replies by others and tips to the author', () => {
    const items = [item('p1', 5), item('p2', 5), item('p3', 5)];
    const events = [
      event('message.posted', { actorId: 'author', objectId: 'p1', occurredAt: items[0]!.publishedAt }),
      event('message.posted', { actorId: 'author2', objectId: 'p2', occurredAt: items[1]!.publishedAt }),
      event('digest.voted', { actorId: 'm1', objectType: 'digest_item', objectId: 'p1', metadata: { value: 1 } }),
      event('digest.voted', { actorId: 'm1', objectType: 'digest_item', objectId: 'p1', metadata: { value: -1 } }),
      event('digest.voted', { actorId: 'm2', objectType: 'digest_item', objectId: 'p2', metadata: { value: 1 } }),
      event('digest.clicked', { actorId: 'm2', objectType: 'digest_item', objectId: 'p2' }),
      event('digest.clicked', { actorId: 'm2', objectType: 'digest_item', objectId: 'p2' }),
      event('reaction.added', { actorId: 'm3', objectId: 'p2' }),
      event('message.replied', { actorId: 'm3', objectId: 'p2' }),
      event('message.replied', { actorId: 'author2', objectId: 'p2' }),
      event('tip.sent', {
        actorId: 'm4',
        objectType: 'transfer',
        objectId: 't1',
        targetMemberId: 'author2',
        occurredAt: new Date(items[1]!.publishedAt.getTime() + 3_600_000),
      }),
      event('digest.voted', { actorId: 'm1', objectType: 'digest_item', objectId: 'p3', metadata: { value: -3 } }),
    ];
    const engagement = engagementOf(events, items);
    expect(engagement.get('p1')).toBe(-1);
    // 👍 + one click (0.5) + reaction + reply by another member + a tip an hour after the post.
    expect(engagement.get('p2')).toBe(4.5);
    expect(engagement.get('p3')).toBe(-3);
  });

  it('labels old-enough items by their engagement percentile, within their kind and overall', () => {
    const items = [item('a', 10), item('b', 9), item('c', 8), item('fresh', 0.5), item('k', 9, 'course')];
    const engagement = new Map([
      ['a', 3],
      ['b', 0],
      ['c', 1],
      ['fresh', 9],
      ['k', 5],
    ]);
    const labels = engagementLabels(items, engagement, now);
    expect(labels.get('a')).toBeGreaterThan(labels.get('c')!);
    expect(labels.get('c')).toBeGreaterThan(labels.get('b')!);
    // Too young to be judged: no label. The lone course is the middle of its kind but the best overall.
    expect(labels.has('fresh')).toBe(false);
    // The default weighs its own kind 0.75, the whole community 0.25.
    expect(labels.get('k')).toBeCloseTo(0.75 * 0.5 + 0.25 * 0.875, 9);
    expect(engagementLabels(items, new Map(), now).size).toBe(0);
  });

  it('judges a reply among replies and a question among questions (structure features say which)', () => {
    const features = (kind: 'question' | 'answer') =>
      Float64Array.from(STRUCTURE_FEATURES, (name) => (name === `is_${kind}` ? 1 : 0));
    expect(labelKindOf('post', features('answer'))).toBe('answer');
    expect(labelKindOf('post', features('question'))).toBe('question');
    expect(labelKindOf('post', new Float64Array(STRUCTURE_FEATURES.length))).toBe('post');
    // Replies collect fewer votes than questions here; the best reply is still a positive among replies.
    const items = [
      { ...item('q1', 10), kind: 'question' },
      { ...item('q2', 9.5), kind: 'question' },
      { ...item('r1', 9), kind: 'answer' },
      { ...item('r2', 8.5), kind: 'answer' },
    ];
    const engagement = new Map([
      ['q1', 9],
      ['q2', 5],
      ['r1', 2],
      ['r2', 0],
    ]);
    const labels = engagementLabels(items, engagement, now, { ...DEFAULT_LABEL_OPTIONS, withinKind: 1 });
    expect(labels.get('r1')).toBeGreaterThan(0.5);
    expect(labels.get('q2')).toBeLessThan(0.5);
  });
});
