import { describe, expect, it } from 'vitest';
import type { ContentItem } from '../types.ts';
import { buildFeedback } from './feedback.ts';
import { NO_FEEDBACK, type RankCandidate, rankCandidates } from './rank.ts';

const NOW = new Date('2026-11-20T00:00:00Z');
const HOUR = 3_600_000;

function unit(...values: number[]): Float32Array {
  const v = Float32Array.from(values);
  const norm = Math.hypot(...values);
  return v.map((x) => x / norm);
}

function candidate(id: string, patch: Partial<ContentItem> = {}, sourceTopics: string[] = []): RankCandidate {
  return {
    sourceTitle: `Source ${patch.sourceId ?? 's1'}`,
    sourceTopics,
    item: {
      id,
      communityId: 'c1',
      sourceId: 's1',
      guid: id,
      url: `https://example.com/${id}`,
      canonicalUrl: `https://example.com/${id}`,
      title: `Item ${id}`,
      text: '',
      language: 'en',
      contentHash: id,
      publishedAt: new Date(NOW.getTime() - HOUR),
      fetchedAt: NOW,
      quality: 0.5,
      sentiment: 0,
      topics: [],
      embedding: unit(1, Number(id.replace(/\D/g, '')) + 1, 0),
      dropReason: null,
      duplicateOfId: null,
      reactions: 0,
      author: null,
      categories: [],
      ...patch,
    },
  };
}

const base = {
  topics: [],
  minScore: 0,
  maxItems: 3,
  language: 'any' as const,
  now: NOW,
  nearDuplicateThreshold: 0.999,
};

describe('rankCandidates', () => {
  it('orders by quality and freshness and records a reason for everything not picked', () => {
    const cands = [
      candidate('a1', { quality: 0.9, sourceId: 's1' }),
      candidate('a2', { quality: 0.8, sourceId: 's2' }),
      candidate('a3', { quality: 0.9, sourceId: 's3', publishedAt: new Date(NOW.getTime() - 72 * HOUR) }),
      candidate('a4', { quality: 0.7, sourceId: 's4' }),
      candidate('a5', { quality: 0.1, sourceId: 's5' }),
    ];
    const { picked, decisions } = rankCandidates(cands, new Set(), NO_FEEDBACK, base);
    expect(picked.map((p) => p.candidate.item.id)).toEqual(['a1', 'a2', 'a4']);
    expect(decisions).toHaveLength(5);
    expect(decisions.find((d) => d.itemId === 'a3')).toMatchObject({ rank: null, reason: 'OVER_MAX_ITEMS' });
    expect(decisions.find((d) => d.itemId === 'a2')).toMatchObject({ rank: 2, reason: null });
  });

  it('filters by channel history, age, language, topic and minimum score, each with its reason', () => {
    const cands = [
      candidate('b1', { quality: 0.9, title: 'AI agents in production' }),
      candidate('b2', { quality: 0.9, title: 'AI news, already posted' }),
      candidate('b3', {
        quality: 0.9,
        title: 'AI from last month',
        publishedAt: new Date(NOW.getTime() - 30 * 24 * HOUR),
      }),
      candidate('b4', { quality: 0.9, title: 'AI 产品', language: 'zh' }),
      candidate('b5', { quality: 0.9, title: 'Gardening tips' }),
      candidate('b6', { quality: 0.2, title: 'AI, shallow take' }),
      candidate('b7', { quality: 0.9, title: 'Investing basics' }, ['ai']),
    ];
    const { picked, decisions } = rankCandidates(cands, new Set(['b2']), NO_FEEDBACK, {
      ...base,
      topics: ['ai'],
      minScore: 0.5,
      language: 'en',
    });
    expect(picked.map((p) => p.candidate.item.id).sort()).toEqual(['b1', 'b7']);
    const reason = (id: string) => decisions.find((d) => d.itemId === id)?.reason;
    expect(reason('b2')).toBe('ALREADY_POSTED');
    expect(reason('b3')).toBe('TOO_OLD');
    expect(reason('b4')).toBe('LANGUAGE_MISMATCH');
    expect(reason('b5')).toBe('TOPIC_MISMATCH');
    expect(reason('b6')).toBe('BELOW_MIN_SCORE');
    expect(picked.find((p) => p.candidate.item.id === 'b7')?.matchedTopics).toEqual(['ai']);
  });

  it('spreads picks across sources and skips near-duplicates of earlier picks', () => {
    const same = unit(1, 0, 0);
    const cands = [
      candidate('c1', { quality: 0.9, sourceId: 'big' }),
      candidate('c2', { quality: 0.88, sourceId: 'big' }),
      candidate('c3', { quality: 0.86, sourceId: 'big' }),
      candidate('c4', { quality: 0.7, sourceId: 'small' }),
      candidate('c5', { quality: 0.95, sourceId: 'x', embedding: same }),
      candidate('c6', { quality: 0.94, sourceId: 'y', embedding: same }),
    ];
    const { picked, decisions } = rankCandidates(cands, new Set(), NO_FEEDBACK, { ...base, maxItems: 4 });
    const ids = picked.map((p) => p.candidate.item.id);
    expect(ids).toContain('c4');
    expect(ids.filter((id) => ['c1', 'c2', 'c3'].includes(id)).length).toBeLessThan(3);
    expect(decisions.find((d) => d.itemId === 'c6')?.reason).toBe('NEAR_DUPLICATE_OF_PICK');
    expect(picked.find((p) => p.candidate.item.id === 'c2')?.parts.diversity ?? 0.7).toBeLessThan(1);
  });

  it("lets the community's votes reorder items and lift a liked source's other items", () => {
    const cands = [
      candidate('d1', { quality: 0.8, sourceId: 'liked' }),
      candidate('d2', { quality: 0.8, sourceId: 'plain' }),
      candidate('d3', { quality: 0.8, sourceId: 'disliked' }),
      candidate('d9', { quality: 0.8, sourceId: 'liked', publishedAt: new Date(NOW.getTime() - 100 * HOUR) }),
    ];
    const items = cands.map((c) => c.item);
    const vote = (actor: string, objectId: string, value: number) => ({
      id: `${actor}${objectId}`,
      communityId: 'c1',
      actorId: actor,
      verb: 'digest.voted' as const,
      objectType: 'digest_item',
      objectId,
      targetMemberId: null,
      channelId: null,
      platform: 'console' as const,
      occurredAt: NOW,
      metadata: { value },
    });
    const events = [
      vote('m1', 'd9', 1),
      vote('m2', 'd9', 1),
      vote('m3', 'd3', -1),
      vote('m3', 'd3', -1),
      vote('m1', 'd3', -1),
    ];
    const feedback = buildFeedback(events, items);
    expect(feedback.item('d3')).toMatchObject({ down: 2 });
    const without = rankCandidates(cands.slice(0, 3), new Set(), NO_FEEDBACK, base);
    const withVotes = rankCandidates(cands.slice(0, 3), new Set(), feedback, base);
    const order = (r: typeof without) => r.picked.map((p) => p.candidate.item.id);
    expect(order(withVotes)[0]).toBe('d1');
    expect(order(withVotes)[2]).toBe('d3');
    expect(withVotes.picked[0]!.score).toBeGreaterThan(without.picked.find((p) => p.candidate.item.id === 'd1')!.score);
  });
});
