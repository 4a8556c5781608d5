import {
  DEFAULT_LAYER_OPTIONS,
  type LayerExample,
  type LayerInput,
  type LayerOptions,
  type QualityLayerState,
  score,
  trainLayer,
} from '../../core/content/scoring/community-layer.ts';
import {
  DEFAULT_LABEL_OPTIONS,
  engagementLabels,
  engagementOf,
  type LabelOptions,
  labelKindOf,
  type SignalItem,
} from '../../core/content/scoring/community-signals.ts';
import type { InteractionEvent } from '../../core/domain/types.ts';

/**
 * The product's per-community learning, replayed on a community's history: the same engagement counting, labels,
 * layer update and calibration as `content:learn` (core/content/scoring/community-learning.ts), run every `everyMs`
 * of the site's own time on what had happened by then (posts published before, votes cast before), and each later
 * post scored by the layer of its moment, as the digest would have scored it when it arrived.
 */
export interface ReplayPost extends LayerInput {
  id: string;
  kind: string;
  publishedAt: number;
}

export interface ReplayVote {
  postId: string;
  at: number;
  value: 1 | -1;
}

export interface ReplayOptions {
  /** Posts published at or after this are scored. */
  from: number;
  /** Scoring stops here (exclusive). Default: after the last post. */
  until?: number;
  /** How often the learning job runs, in the site's time. Default 1 day. */
  everyMs?: number;
  /** Product settings: how far back and how many items a pass reads (community-learning.ts). */
  historyMs?: number;
  maxItems?: number;
  layer?: LayerOptions;
  labels?: LabelOptions;
}

export const REPLAY_DEFAULTS = { everyMs: 86_400_000, historyMs: 365 * 86_400_000, maxItems: 5_000 };

/** Returns post id → the calibrated score the product would have given it when it was published. */
export function replayLearning(
  posts: readonly ReplayPost[],
  votes: readonly ReplayVote[],
  options: ReplayOptions,
): Map<string, number> {
  const everyMs = options.everyMs ?? REPLAY_DEFAULTS.everyMs;
  const historyMs = options.historyMs ?? REPLAY_DEFAULTS.historyMs;
  const maxItems = options.maxItems ?? REPLAY_DEFAULTS.maxItems;
  const layerOptions = options.layer ?? DEFAULT_LAYER_OPTIONS;
  const labelOptions = options.labels ?? DEFAULT_LABEL_OPTIONS;
  const sorted = [...posts].sort((a, b) => a.publishedAt - b.publishedAt);
  const sortedVotes = [...votes].sort((a, b) => a.at - b.at);
  const until = options.until ?? Number.POSITIVE_INFINITY;
  // Each vote as the product sees it: a 👍/👎 by its own member (votes are anonymous in the dumps).
  const events: InteractionEvent[] = sortedVotes.map((v, k) => ({
    id: `v${k}`,
    communityId: 'site',
    actorId: `voter${k}`,
    verb: 'digest.voted',
    objectType: 'digest_item',
    objectId: v.postId,
    targetMemberId: null,
    channelId: null,
    platform: 'console',
    occurredAt: new Date(v.at),
    metadata: { value: v.value },
  }));
  const out = new Map<string, number>();
  let state: QualityLayerState | null = null;
  let next = 0;
  let votesSeen = 0;
  let t = options.from;
  while (next < sorted.length && (sorted[next] as ReplayPost).publishedAt < options.from) next++;
  while (next < sorted.length && t < until) {
    // No post to score before the next pass: skip to the pass before the next post (nothing would be scored).
    const upcoming = (sorted[next] as ReplayPost).publishedAt;
    if (upcoming >= t + everyMs) t += Math.floor((upcoming - t) / everyMs) * everyMs;
    // The job's pass at time t: items published in the history window before t, votes cast before t.
    while (votesSeen < events.length && (events[votesSeen] as InteractionEvent).occurredAt.getTime() < t) votesSeen++;
    let hi = next;
    let lo = hi;
    while (lo > 0 && (sorted[lo - 1] as ReplayPost).publishedAt >= t - historyMs && hi - lo < maxItems) lo--;
    const window = sorted.slice(lo, hi);
    const signalItems: SignalItem[] = window.map((p) => ({
      id: p.id,
      guid: `post:${p.id}`,
      kind: labelKindOf(p.kind, p.features),
      publishedAt: new Date(p.publishedAt),
    }));
    const ids = new Set(window.map((p) => p.id));
    const seen = events.slice(0, votesSeen).filter((e) => ids.has(e.objectId));
    const labels = engagementLabels(signalItems, engagementOf(seen, signalItems), new Date(t), labelOptions);
    const examples: LayerExample[] = window.flatMap((p) => {
      const label = labels.get(p.id);
      return label === undefined ? [] : [{ ...p, label }];
    });
    state = trainLayer(state, examples, window, new Date(t), layerOptions);
    const end = Math.min(until, t + everyMs);
    while (hi < sorted.length && (sorted[hi] as ReplayPost).publishedAt < end) {
      const p = sorted[hi] as ReplayPost;
      out.set(p.id, score(state, p));
      hi++;
    }
    next = hi;
    t = end;
  }
  return out;
}
