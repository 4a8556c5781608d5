import { z } from 'zod';
import type { InteractionEvent } from '../../domain/types.ts';

/**
 * What a community's members did with its items, as one engagement number per item: the training signal of the
 * per-community quality layer (community-layer.ts). Read from the interaction log, so every platform's signals
 * count the same way:
 *   👍 on a digest item +1, 👎 −1, a moderator's removal −3 (`digest.voted`, the member's latest vote counts);
 *   a click on a digest item +0.5 (once per member);
 *   a reaction on the member post behind an item +1 (removed: −1);
 *   a reply to that post +1 (not the author's own);
 *   a tip to the post's author within a day of it +1 (a tip names no post; the author's latest post before it
 *   is what it thanks).
 */
export const LEARNING_VERBS = [
  'digest.voted',
  'digest.clicked',
  'reaction.added',
  'reaction.removed',
  'message.posted',
  'message.replied',
  'tip.sent',
] as const;

export interface SignalItem {
  id: string;
  /** `message:<platform message id>` for members' posts (feeds have their own guids). */
  guid: string;
  /** Items are ranked against items of the same kind (a course announcement is not a chat post). */
  kind: string;
  publishedAt: Date;
}

const voteValue = z.looseObject({ value: z.number().int().min(-3).max(1).catch(0) }).catch({ value: 0 });

const TIP_WINDOW_MS = 86_400_000;

export function engagementOf(events: readonly InteractionEvent[], items: readonly SignalItem[]): Map<string, number> {
  const byGuid = new Map(items.map((item) => [item.guid, item]));
  const known = new Set(items.map((item) => item.id));
  const out = new Map<string, number>();
  const add = (itemId: string, value: number) => out.set(itemId, (out.get(itemId) ?? 0) + value);
  const votes = new Map<string, { itemId: string; value: number }>();
  const clicks = new Set<string>();
  const authorOf = new Map<string, string>();
  // Each author's posts that are items, oldest first: where a tip to them lands.
  const postsBy = new Map<string, { itemId: string; at: number }[]>();
  for (const event of events) {
    if (event.verb !== 'message.posted') continue;
    authorOf.set(event.objectId, event.actorId);
    const item = byGuid.get(`message:${event.objectId}`);
    if (!item) continue;
    const list = postsBy.get(event.actorId) ?? [];
    list.push({ itemId: item.id, at: item.publishedAt.getTime() });
    postsBy.set(event.actorId, list);
  }
  for (const list of postsBy.values()) list.sort((a, b) => a.at - b.at);

  for (const event of events) {
    switch (event.verb) {
      case 'digest.voted':
        if (known.has(event.objectId))
          votes.set(`${event.actorId}\u0000${event.objectId}`, {
            itemId: event.objectId,
            value: voteValue.parse(event.metadata).value,
          });
        break;
      case 'digest.clicked': {
        const key = `${event.actorId}\u0000${event.objectId}`;
        if (known.has(event.objectId) && !clicks.has(key)) {
          clicks.add(key);
          add(event.objectId, 0.5);
        }
        break;
      }
      case 'reaction.added':
      case 'reaction.removed': {
        const item = event.objectType === 'message' ? byGuid.get(`message:${event.objectId}`) : undefined;
        if (item) add(item.id, event.verb === 'reaction.added' ? 1 : -1);
        break;
      }
      case 'message.replied': {
        const item = event.objectType === 'message' ? byGuid.get(`message:${event.objectId}`) : undefined;
        if (item && authorOf.get(event.objectId) !== event.actorId) add(item.id, 1);
        break;
      }
      case 'tip.sent': {
        const posts = event.targetMemberId ? postsBy.get(event.targetMemberId) : undefined;
        const at = event.occurredAt.getTime();
        const post = posts?.filter((p) => p.at <= at && at - p.at <= TIP_WINDOW_MS).at(-1);
        if (post) add(post.itemId, 1);
        break;
      }
      default:
        break;
    }
  }
  for (const vote of votes.values()) add(vote.itemId, vote.value);
  return out;
}

/** Mid-rank percentile of v among sorted values, in [0, 1]. */
function percentile(sorted: readonly number[], v: number): number {
  let below = 0;
  let atOrBelow = 0;
  for (const x of sorted) {
    if (x < v) below++;
    if (x <= v) atOrBelow++;
  }
  return (below + atOrBelow) / 2 / Math.max(1, sorted.length);
}

export interface LabelOptions {
  /** Items younger than this have not been seen enough to be judged. Default 2 days. */
  minAgeMs: number;
  /** An item is ranked among the this many items of its kind nearest in time. Default 200. */
  window: number;
}

export const DEFAULT_LABEL_OPTIONS: LabelOptions = { minAgeMs: 2 * 86_400_000, window: 200 };

/**
 * Soft labels: each old-enough item's engagement percentile among the items of its kind published around the
 * same time (older items had longer to collect signals, so they are compared with their neighbours in time).
 * Returns item id → label in [0, 1].
 */
export function engagementLabels(
  items: readonly SignalItem[],
  engagement: ReadonlyMap<string, number>,
  now: Date,
  options: LabelOptions = DEFAULT_LABEL_OPTIONS,
): Map<string, number> {
  const cutoff = now.getTime() - options.minAgeMs;
  const byKind = new Map<string, SignalItem[]>();
  for (const item of items) {
    if (item.publishedAt.getTime() > cutoff) continue;
    const list = byKind.get(item.kind) ?? [];
    list.push(item);
    byKind.set(item.kind, list);
  }
  const labels = new Map<string, number>();
  for (const list of byKind.values()) {
    list.sort((a, b) => a.publishedAt.getTime() - b.publishedAt.getTime() || a.id.localeCompare(b.id));
    const values = list.map((item) => engagement.get(item.id) ?? 0);
    // Nothing to tell apart: no labels from this kind.
    if (values.every((v) => v === values[0])) continue;
    const half = Math.floor(options.window / 2);
    list.forEach((item, k) => {
      const lo = Math.max(0, Math.min(k - half, list.length - options.window));
      const window = values.slice(lo, lo + options.window).sort((a, b) => a - b);
      labels.set(item.id, percentile(window, values[k] as number));
    });
  }
  return labels;
}
