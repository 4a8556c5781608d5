import { z } from 'zod';
import type { InteractionEvent } from '../../domain/types.ts';
import { STRUCTURE_FEATURES } from './structure-features.ts';

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

const IS_QUESTION = STRUCTURE_FEATURES.indexOf('is_question');
const IS_ANSWER = STRUCTURE_FEATURES.indexOf('is_answer');

/**
 * The kind an item's label is relative to: a question or a reply when its structure features say so (a Q&A
 * community ranks replies among replies), else where it came from (`post`, `article`, `course`).
 */
export function labelKindOf(kind: string, features: Float64Array): string {
  if (features.length !== STRUCTURE_FEATURES.length) return kind;
  if (features[IS_QUESTION] === 1) return 'question';
  if (features[IS_ANSWER] === 1) return 'answer';
  return kind;
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
  /**
   * Weight of the within-kind percentile in the label (the rest is the percentile among all items): a reply is
   * judged against the replies around it, a question against the questions, as the community reads them.
   */
  withinKind: number;
}

/** `withinKind` chosen on the evaluation sites' validation slices with the layer's settings (ADR 0010). */
export const DEFAULT_LABEL_OPTIONS: LabelOptions = { minAgeMs: 2 * 86_400_000, window: 200, withinKind: 0.75 };

/**
 * Soft labels: each old-enough item's engagement percentile among the items published around the same time (older
 * items had longer to collect signals, so they are compared with their neighbours in time): the mean of its
 * percentile among items of its own kind ("better than usual for a question") and among all of them ("worth
 * reading at all"; a community may simply like one kind more). Returns item id → label in [0, 1].
 */
export function engagementLabels(
  items: readonly SignalItem[],
  engagement: ReadonlyMap<string, number>,
  now: Date,
  options: LabelOptions = DEFAULT_LABEL_OPTIONS,
): Map<string, number> {
  const cutoff = now.getTime() - options.minAgeMs;
  const old = items
    .filter((item) => item.publishedAt.getTime() <= cutoff)
    .sort((a, b) => a.publishedAt.getTime() - b.publishedAt.getTime() || a.id.localeCompare(b.id));
  const engagementOfItem = (item: SignalItem) => engagement.get(item.id) ?? 0;
  const labels = new Map<string, number>();
  const values = old.map(engagementOfItem);
  // Nothing to tell apart: no labels at all.
  if (values.every((v) => v === values[0])) return labels;
  const windowOf = <T>(list: readonly T[], k: number): T[] => {
    const lo = Math.max(0, Math.min(k - Math.floor(options.window / 2), list.length - options.window));
    return list.slice(lo, lo + options.window);
  };
  const byKind = new Map<string, SignalItem[]>();
  for (const item of old) byKind.set(item.kind, [...(byKind.get(item.kind) ?? []), item]);
  const withinKind = new Map<string, number>();
  for (const list of byKind.values()) {
    const kindValues = list.map(engagementOfItem);
    list.forEach((item, k) => {
      withinKind.set(
        item.id,
        percentile(
          [...windowOf(kindValues, k)].sort((a, b) => a - b),
          kindValues[k] as number,
        ),
      );
    });
  }
  old.forEach((item, k) => {
    const overall = percentile(
      [...windowOf(values, k)].sort((a, b) => a - b),
      values[k] as number,
    );
    const w = options.withinKind;
    labels.set(item.id, w * (withinKind.get(item.id) ?? overall) + (1 - w) * overall);
  });
  return labels;
}
