import { z } from 'zod';
import type { InteractionEvent } from '../../domain/types.ts';
import type { ContentItem } from '../types.ts';
import type { FeedbackStats } from './rank.ts';

/**
 * Community feedback from the interaction log: 👍/👎 on digest items (`digest.voted`, the member's latest vote
 * counts), clicks (`digest.clicked`), moderator removals (a `digest.voted` with value −3) and reactions on the
 * member posts that became items. Item feedback lifts or sinks the item; the sum over a source's items lifts or
 * sinks that source's future items, which is how one community's taste shapes its own ranking.
 */
export const FEEDBACK_VERBS = ['digest.voted', 'digest.clicked', 'reaction.added'] as const;

const voteMeta = z
  .looseObject({ value: z.number().int().min(-3).max(1).catch(0), sourceId: z.string().optional().catch(undefined) })
  .catch({ value: 0, sourceId: undefined });
const clickMeta = z.looseObject({ sourceId: z.string().optional().catch(undefined) }).catch({ sourceId: undefined });

export function buildFeedback(events: readonly InteractionEvent[], items: readonly ContentItem[]): FeedbackStats {
  const itemByGuid = new Map(items.map((item) => [item.guid, item]));
  const sourceOfItem = new Map(items.map((item) => [item.id, item.sourceId]));
  const latestVote = new Map<string, { itemId: string; sourceId: string | undefined; value: number }>();
  const perItem = new Map<string, { up: number; down: number; clicks: number; reactions: number }>();
  const perSource = new Map<string, number>();
  const entry = (itemId: string) => {
    const existing = perItem.get(itemId);
    if (existing) return existing;
    const created = { up: 0, down: 0, clicks: 0, reactions: 0 };
    perItem.set(itemId, created);
    return created;
  };
  const addSource = (sourceId: string | undefined, value: number) => {
    if (sourceId) perSource.set(sourceId, (perSource.get(sourceId) ?? 0) + value);
  };

  for (const event of events) {
    if (event.verb === 'digest.voted' && event.objectType === 'digest_item') {
      const meta = voteMeta.parse(event.metadata);
      latestVote.set(`${event.actorId}\u0000${event.objectId}`, {
        itemId: event.objectId,
        sourceId: meta.sourceId ?? sourceOfItem.get(event.objectId),
        value: meta.value,
      });
    } else if (event.verb === 'digest.clicked' && event.objectType === 'digest_item') {
      entry(event.objectId).clicks++;
      addSource(clickMeta.parse(event.metadata).sourceId ?? sourceOfItem.get(event.objectId), 0.25);
    } else if (event.verb === 'reaction.added' && event.objectType === 'message') {
      const item = itemByGuid.get(`message:${event.objectId}`);
      if (item) entry(item.id).reactions++;
    }
  }
  for (const vote of latestVote.values()) {
    const e = entry(vote.itemId);
    if (vote.value > 0) e.up += vote.value;
    else e.down -= vote.value;
    addSource(vote.sourceId, vote.value);
  }
  return {
    item: (itemId) => perItem.get(itemId) ?? { up: 0, down: 0, clicks: 0, reactions: 0 },
    source: (sourceId) => perSource.get(sourceId) ?? 0,
  };
}
