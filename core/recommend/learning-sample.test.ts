import { describe, expect, it } from 'vitest';
import type { InteractionEvent } from '../domain/types.ts';
import { learningStart } from './learning-sample.ts';

const event = (actorId: string, objectId: string): InteractionEvent => ({
  id: `${actorId}-${objectId}`,
  communityId: 'c',
  actorId,
  verb: 'course.viewed',
  objectType: objectId.startsWith('c') ? 'course' : 'message',
  objectId,
  targetMemberId: null,
  channelId: null,
  platform: 'console',
  occurredAt: new Date(0),
  metadata: {},
});

describe('the learning sample of a retrain', () => {
  // a1 had touched c1 before the tail; within it a2 repeats c2, and m1 is a message.
  const tail = [
    event('a1', 'c9'),
    event('a2', 'c2'),
    event('a1', 'c1'),
    event('a2', 'c2'),
    event('a3', 'm1'),
    event('a3', 'c2'),
    event('a4', 'c5'),
  ];
  const firstTouch = (e: InteractionEvent) =>
    e.objectType !== 'course' || (e.actorId === 'a1' && e.objectId === 'c1')
      ? null
      : { pair: `${e.actorId}/${e.objectId}` };

  it('starts where the newest `window` first touches begin, skipping repeats and other events', () => {
    expect(learningStart(tail, 2, firstTouch, 1)).toBe(5);
    // The third newest first touch is a2's c2 at 1: its repeat at 3 builds nothing.
    expect(learningStart(tail, 3, firstTouch, 1)).toBe(1);
  });

  it('learns from the whole tail when it holds fewer first touches than the window', () => {
    expect(learningStart(tail, 10, firstTouch)).toBe(0);
    expect(learningStart([], 10, firstTouch)).toBe(0);
  });
});
