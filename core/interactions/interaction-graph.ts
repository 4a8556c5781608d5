import type { EventVerb, InteractionEvent } from '../domain/types.ts';
import { buildCsr, type CsrGraph } from './pagerank.ts';

/**
 * The interaction graph: members are nodes, "A paid attention to B" is a directed edge A → B.
 * Weights follow Orbit's model: each kind of interaction has a base weight, and every interaction
 * fades with age (exponential decay with a half-life), so last week's reply counts more than last year's.
 */

export type EdgeKind = 'reply' | 'mention' | 'reaction' | 'share' | 'tip';

export const EDGE_KIND_OF_VERB: Partial<Record<EventVerb, EdgeKind>> = {
  'message.replied': 'reply',
  'message.mentioned': 'mention',
  'reaction.added': 'reaction',
  'message.shared': 'share',
  'tip.sent': 'tip',
};

/** A reply costs more effort than a reaction; a tip costs points. Shares carry a message further. */
export const DEFAULT_EDGE_WEIGHTS: Record<EdgeKind, number> = {
  reply: 3,
  mention: 1.5,
  reaction: 1,
  share: 2,
  tip: 2.5,
};

export interface GraphOptions {
  now: Date;
  /** Interactions lose half their weight every this many days. Infinity turns decay off. */
  halfLifeDays?: number;
  weights?: Partial<Record<EdgeKind, number>>;
}

/** What each member received and did: the raw material of "why is this person on the leaderboard". */
export interface MemberActivity {
  received: Record<EdgeKind, number>;
  /** Distinct members who tipped this member. */
  tippers: Set<string>;
  /** Distinct members who interacted with this member in any way. */
  supporters: Set<string>;
  pointsReceived: number;
  posts: number;
  /** Sum of model quality scores (0..1) over posts that carried one. */
  qualitySum: number;
  qualityCount: number;
  /** Interactions this member initiated. */
  given: number;
  /** Distinct UTC days (epoch day numbers) with any activity: steady presence, not one burst. */
  activeDays: Set<number>;
  /** Distinct members this member replied to: the people they helped. */
  helped: Set<string>;
  /** Replies to this member that thank them ("thanks", "谢谢", …): help that landed, said in words, not votes. */
  thanked: number;
  /** Distinct places (topics, channels) this member replied in: members who bridge groups. */
  places: Set<string>;
  /** Replies this member sent to someone else's message. */
  repliesSent: number;
  /**
   * Replies of this member that the member they answered then reacted to (marked as the answer, 👍, ✅): help
   * acknowledged by the one who asked, not by bystanders. Counted once per reply.
   */
  accepted: number;
  /** Replies sent within a day of the message they answer (when that message is in the log): help that came fast. */
  quickReplies: number;
}

/** Posts that started a conversation rather than answered someone: what a member brought up themselves. */
export const threadsStarted = (a: MemberActivity): number => Math.max(0, a.posts - a.repliesSent);

/** A reply counts as quick when it comes within this long of the message it answers. */
export const QUICK_REPLY_MS = 86_400_000;

/** A reply that thanks its target, in English or Chinese (words, not votes). */
export const THANKS =
  /\b(thanks?|thank you|thx|ty|cheers|appreciated?|helpful|that worked|works now|solved)\b|谢谢|感谢|多谢|谢啦|有帮助|解决了/i;

function emptyActivity(): MemberActivity {
  return {
    received: { reply: 0, mention: 0, reaction: 0, share: 0, tip: 0 },
    tippers: new Set(),
    supporters: new Set(),
    pointsReceived: 0,
    posts: 0,
    qualitySum: 0,
    qualityCount: 0,
    given: 0,
    activeDays: new Set(),
    helped: new Set(),
    thanked: 0,
    places: new Set(),
    repliesSent: 0,
    accepted: 0,
    quickReplies: 0,
  };
}

export class InteractionGraph {
  readonly ids: string[] = [];
  readonly #index = new Map<string, number>();
  readonly activity: MemberActivity[] = [];
  readonly #sources: number[] = [];
  readonly #targets: number[] = [];
  readonly #weights: number[] = [];

  node(id: string): number {
    let i = this.#index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(id);
      this.activity.push(emptyActivity());
      this.#index.set(id, i);
    }
    return i;
  }

  indexOf(id: string): number | undefined {
    return this.#index.get(id);
  }

  /** Returns the edge's position so a later undo (reaction removed) can zero it. */
  addEdge(from: string, to: string, weight: number): number {
    const s = this.node(from);
    const t = this.node(to);
    this.#sources.push(s);
    this.#targets.push(t);
    this.#weights.push(weight);
    return this.#weights.length - 1;
  }

  zeroEdge(position: number): void {
    if (position < this.#weights.length) this.#weights[position] = 0;
  }

  get edgeCount(): number {
    return this.#weights.length;
  }

  /** Each (source, target, weight) triple, parallel edges included. */
  *edges(): Generator<[number, number, number]> {
    for (let e = 0; e < this.#weights.length; e++) {
      yield [this.#sources[e] as number, this.#targets[e] as number, this.#weights[e] as number];
    }
  }

  toCsr(): CsrGraph {
    return buildCsr(this.ids.length, this.#sources, this.#targets, this.#weights);
  }
}

const DAY_MS = 86_400_000;

export function decayFactor(ageMs: number, halfLifeDays: number): number {
  if (!Number.isFinite(halfLifeDays)) return 1;
  return 0.5 ** (Math.max(0, ageMs) / (halfLifeDays * DAY_MS));
}

/**
 * Folds events (oldest first, as the event log returns them) into a graph.
 * `message.posted` events add no edge but count as posts, with `metadata.quality` (0..1) when the content model scored them.
 */
export function graphFromEvents(events: Iterable<InteractionEvent>, options: GraphOptions): InteractionGraph {
  const graph = new InteractionGraph();
  const weights = { ...DEFAULT_EDGE_WEIGHTS, ...options.weights };
  const halfLife = options.halfLifeDays ?? 30;
  const now = options.now.getTime();
  const reactions = new Map<string, number>();
  /** When each message was posted, so a reply knows how long its asker waited. */
  const postedAt = new Map<string, number>();
  /** Each reply message: who wrote it and whom it answered, so the asker's reaction to it can be credited. */
  const replyOf = new Map<string, { author: number; asked: string }>();
  /** Replies already credited as accepted (one reply, one acceptance, whatever the emoji). */
  const acceptedBy = new Map<string, string>();

  for (const event of events) {
    (graph.activity[graph.node(event.actorId)] as MemberActivity).activeDays.add(
      Math.floor(event.occurredAt.getTime() / DAY_MS),
    );
    if (event.verb === 'message.posted') {
      const a = graph.activity[graph.node(event.actorId)] as MemberActivity;
      a.posts++;
      if (!postedAt.has(event.objectId)) postedAt.set(event.objectId, event.occurredAt.getTime());
      const quality = event.metadata['quality'];
      if (typeof quality === 'number' && quality >= 0 && quality <= 1) {
        a.qualitySum += quality;
        a.qualityCount++;
      }
      continue;
    }
    const reactionKey = `${event.actorId}|${event.objectType}|${event.objectId}|${String(event.metadata['emoji'] ?? '')}`;
    if (event.verb === 'reaction.removed') {
      const position = reactions.get(reactionKey);
      const reply = replyOf.get(event.objectId);
      if (reply && acceptedBy.get(event.objectId) === reactionKey) {
        (graph.activity[reply.author] as MemberActivity).accepted--;
        acceptedBy.delete(event.objectId);
      }
      if (position !== undefined) {
        graph.zeroEdge(position);
        reactions.delete(reactionKey);
        const target = event.targetMemberId ? graph.indexOf(event.targetMemberId) : undefined;
        if (target !== undefined) (graph.activity[target] as MemberActivity).received.reaction--;
      }
      continue;
    }
    const kind = EDGE_KIND_OF_VERB[event.verb];
    const target = event.targetMemberId;
    if (!kind || !target || target === event.actorId) continue;
    let weight = weights[kind] * decayFactor(now - event.occurredAt.getTime(), halfLife);
    const amount = event.metadata['amount'];
    if (kind === 'tip' && typeof amount === 'number' && amount > 0) {
      // More points say more, but logarithmically: a whale's 1,000 points must not drown 50 members' thanks.
      weight *= 1 + Math.log10(amount);
    }
    const position = graph.addEdge(event.actorId, target, weight);
    if (kind === 'reaction') {
      reactions.set(reactionKey, position);
      // The member a reply answered reacting to that reply: the asker's own "this helped".
      const reply = replyOf.get(event.objectId);
      if (reply && reply.asked === event.actorId && !acceptedBy.has(event.objectId)) {
        (graph.activity[reply.author] as MemberActivity).accepted++;
        acceptedBy.set(event.objectId, reactionKey);
      }
    }
    const received = graph.activity[graph.node(target)] as MemberActivity;
    received.received[kind]++;
    received.supporters.add(event.actorId);
    if (kind === 'tip') {
      received.tippers.add(event.actorId);
      if (typeof amount === 'number' && amount > 0) received.pointsReceived += amount;
    }
    const actor = graph.activity[graph.node(event.actorId)] as MemberActivity;
    actor.given++;
    if (kind === 'reply') {
      actor.repliesSent++;
      actor.helped.add(target);
      if (event.objectType === 'message')
        replyOf.set(event.objectId, { author: graph.node(event.actorId), asked: target });
      const parent = event.metadata['inReplyTo'];
      const askedAt = typeof parent === 'string' ? postedAt.get(parent) : undefined;
      if (askedAt !== undefined && event.occurredAt.getTime() - askedAt <= QUICK_REPLY_MS) actor.quickReplies++;
      const place = event.metadata['topic'] ?? event.channelId;
      if (typeof place === 'string' && place) actor.places.add(place);
      const text = event.metadata['text'];
      if (typeof text === 'string' && THANKS.test(text)) received.thanked++;
    }
  }
  return graph;
}
