import type { NewInteractionEvent } from './types.ts';

/** The fields every event names; the rest default to none (no target, no channel, no metadata, no dedup key). */
export type EventFields = Pick<
  NewInteractionEvent,
  'communityId' | 'actorId' | 'verb' | 'objectType' | 'objectId' | 'platform' | 'occurredAt'
> &
  Partial<Pick<NewInteractionEvent, 'targetMemberId' | 'channelId' | 'metadata' | 'dedupKey'>>;

/** A new interaction-log entry from the fields that matter for it. */
export function interactionEvent(fields: EventFields): NewInteractionEvent {
  return {
    ...fields,
    targetMemberId: fields.targetMemberId ?? null,
    channelId: fields.channelId ?? null,
    metadata: fields.metadata ?? {},
    dedupKey: fields.dedupKey ?? null,
  };
}
