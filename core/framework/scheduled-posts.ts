import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RichReply } from '../domain/reply.ts';
import { PlatformError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Messenger, PostTarget } from '../ports/messenger.ts';
import type { Metrics } from '../ports/metrics.ts';
import type {
  ScheduledPost,
  ScheduledPostExpectation,
  ScheduledPostPatch,
  ScheduledPostStatus,
  ScheduledPostStore,
} from '../ports/scheduled-posts.ts';

/**
 * One slot of a scheduled job, as the job describes it to the runner. The runner decides who posts it, when, and
 * whether it is already on the platform; the job only says what to post and what to record afterwards.
 */
export interface SlotPost {
  job: string;
  subject: string;
  communityId: string;
  slotAt: Date;
  target: PostTarget;
  /** How long after its slot a failed post is still retried. */
  retryWindowMs: number;
  /** What to post, or null when there is nothing to post this slot (recorded as skipped). */
  build(): Promise<RichReply | null>;
  /** The platform has the post (also when a takeover finds it there): record it. Must be idempotent. */
  onPosted?(messageId: string): Promise<void>;
  onSkipped?(): Promise<void>;
  /** An attempt failed; the slot may be retried later. */
  onFailed?(error: string): Promise<void>;
}

export type SlotOutcome =
  /** This process acted on the slot. */
  | { status: 'posted' | 'skipped' | 'failed' | 'unconfirmed'; post: ScheduledPost }
  /** Nothing for this process to do: done already, held by a live owner, superseded, past its retries, stopping. */
  | { status: 'idle'; reason: IdleReason };

export type IdleReason = 'done' | 'busy' | 'superseded' | 'expired' | 'stopping' | 'lost';

export interface ScheduledPostRunnerOptions {
  store: ScheduledPostStore;
  messenger: Messenger;
  clock: Clock;
  log: Logger;
  /** This process's name on the rows it holds. Default: host, pid and a random suffix. */
  owner?: string;
  /**
   * How long a claim holds before another process may take the slot over. Longer than the slowest send
   * (SDK timeouts and rate-limit waits included), so a live owner is never overtaken. Default 10 minutes.
   */
  leaseMs?: number;
  /** How long stop() lets a send in progress finish. Default 15 s. */
  drainMs?: number;
  /** Where each outcome this process reached is counted. Default: nowhere. */
  metrics?: Metrics;
}

interface Tracked {
  postId: string | null;
  phase: 'building' | 'sending';
}

const NOT_SENT = 'PLATFORM_NOT_RUNNING';
export const DELIVERY_UNCONFIRMED = 'DELIVERY_UNCONFIRMED';

/** True when the platform answered with a refusal (so the post is not there), false when the outcome is unknown. */
function refused(error: unknown): boolean {
  if (!(error instanceof PlatformError)) return false;
  if (error.code === NOT_SENT) return true;
  const status = error.details.status;
  return status !== undefined && status >= 400 && status < 500;
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.length > 0) return code.slice(0, 200);
  return error instanceof Error ? error.message.slice(0, 200) : 'UNKNOWN';
}

/**
 * Posts scheduled slots exactly once across processes, restarts and crashes:
 *
 * - **Claim.** Inserting the (job, subject, slot) row claims it, with a lease. A newer slot supersedes older ones.
 * - **Lease.** A claim whose lease ran out (its owner died, or handed it back on shutdown) is taken over by
 *   compare-and-set, so exactly one process continues it.
 * - **Reconcile.** Before anything is sent again, the platform is asked whether the post is already there (by the
 *   nonce the post carries, from when its send started). Found: it is recorded, not re-sent.
 * - **Retry.** A refused or failed post is tried again on later runs within the job's retry window.
 * - **Stop.** stop() hands back slots still being built and lets a send in progress finish.
 *
 * Digests, weekly reports and approved digests all post through here; a new scheduled job needs no table of its own.
 */
export class ScheduledPostRunner {
  readonly owner: string;
  readonly #store: ScheduledPostStore;
  readonly #messenger: Messenger;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #leaseMs: number;
  readonly #drainMs: number;
  readonly #metrics: Metrics | undefined;
  readonly #inFlight = new Map<Promise<unknown>, Tracked>();
  #stopping = false;

  constructor(options: ScheduledPostRunnerOptions) {
    this.#store = options.store;
    this.#messenger = options.messenger;
    this.#clock = options.clock;
    this.#log = options.log.child({ ns: 'core:scheduled-posts' });
    this.#leaseMs = options.leaseMs ?? 10 * 60_000;
    this.#drainMs = options.drainMs ?? 15_000;
    this.#metrics = options.metrics;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  }

  /** Posts the slot if it is this process's to post now; see the class comment for the rules. */
  run(slot: SlotPost): Promise<SlotOutcome> {
    if (this.#stopping) return Promise.resolve({ status: 'idle', reason: 'stopping' });
    const tracked: Tracked = { postId: null, phase: 'building' };
    const work = this.#run(slot, tracked).then((outcome) => {
      if (outcome.status !== 'idle') this.#metrics?.scheduledPost({ job: slot.job, outcome: outcome.status });
      return outcome;
    });
    this.#inFlight.set(work, tracked);
    void work.finally(() => this.#inFlight.delete(work)).catch(() => {});
    return work;
  }

  /** Stops taking slots: hands back the ones being built, waits (bounded) for sends in progress, releases the rest. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const tracked of this.#inFlight.values()) {
      if (tracked.phase === 'building' && tracked.postId) await this.#handBack(tracked.postId, ['claimed', 'sending']);
    }
    let timer: NodeJS.Timeout | undefined;
    const drained = Promise.allSettled([...this.#inFlight.keys()]);
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#drainMs);
      timer.unref();
    });
    await Promise.race([drained, timeout]);
    clearTimeout(timer);
    // A send that outlived the drain keeps its row `sending`; released now, another process looks before it resends.
    for (const tracked of this.#inFlight.values()) {
      if (tracked.postId) await this.#handBack(tracked.postId, ['claimed', 'sending']);
    }
  }

  async #run(slot: SlotPost, tracked: Tracked): Promise<SlotOutcome> {
    const now = this.#clock.now();
    const latest = await this.#store.latestSlot(slot.job, slot.subject);
    if (latest && latest.getTime() > slot.slotAt.getTime()) return idle('superseded');
    const claimed = await this.#store.claim({
      job: slot.job,
      subject: slot.subject,
      slotAt: slot.slotAt,
      communityId: slot.communityId,
      channelId: slot.target.channelId,
      owner: this.owner,
      leaseUntil: this.#leaseFrom(now),
      nonce: newNonce(),
      claimedAt: now,
    });
    if (claimed) return this.#attempt(slot, claimed, tracked);
    const existing = await this.#store.get(slot.job, slot.subject, slot.slotAt);
    return existing ? this.#resume(slot, existing, tracked, now) : idle('busy');
  }

  /** A slot someone claimed before: finished, held, abandoned by a dead owner, or waiting for a retry. */
  async #resume(slot: SlotPost, post: ScheduledPost, tracked: Tracked, now: Date): Promise<SlotOutcome> {
    const log = this.#log.child({ job: slot.job, subject: slot.subject, slotAt: slot.slotAt, post: post.id });
    switch (post.status) {
      case 'posted':
      case 'skipped':
        return idle('done');
      case 'claimed':
      case 'sending':
      case 'sent': {
        if (post.leaseUntil && post.leaseUntil.getTime() > now.getTime()) return idle('busy');
        const taken = await this.#take(post, { owner: post.owner, leaseUntil: post.leaseUntil }, now, {});
        if (!taken) return idle('busy');
        log.warn({ previousOwner: post.owner, status: post.status }, 'taking over a scheduled post after its lease');
        tracked.postId = taken.id;
        if (taken.status === 'sent') return this.#finishSent(slot, taken);
        if (taken.status === 'sending') return this.#reconcile(slot, taken, tracked, 'unknown-after-send');
        return this.#attempt(slot, taken, tracked);
      }
      case 'failed':
      case 'unconfirmed': {
        if (now.getTime() - slot.slotAt.getTime() > slot.retryWindowMs) return idle('expired');
        // A post that may have reached the platform is retaken as `sending`: whoever holds it looks before sending.
        const mayBeThere = post.status === 'unconfirmed' || post.sentAt !== null;
        const taken = await this.#take(post, {}, now, { status: mayBeThere ? 'sending' : 'claimed', error: null });
        if (!taken) return idle('busy');
        tracked.postId = taken.id;
        if (!mayBeThere) return this.#attempt(slot, taken, tracked);
        return this.#reconcile(slot, taken, tracked, post.status === 'failed' ? 'resend' : 'unknown-after-send');
      }
    }
  }

  /** Compare-and-set from the state we saw: exactly one process wins. */
  #take(
    post: ScheduledPost,
    expected: Omit<ScheduledPostExpectation, 'status'>,
    now: Date,
    patch: ScheduledPostPatch,
  ): Promise<ScheduledPost | null> {
    return this.#store.update(
      post.id,
      { status: [post.status], ...expected },
      { owner: this.owner, leaseUntil: this.#leaseFrom(now), attempts: post.attempts + 1, ...patch },
    );
  }

  /**
   * The post may already be on the platform: look for it by its nonce. Found: record it. Not there: send it.
   * A platform that cannot tell (no history API) gets the post again only when its last attempt was refused.
   */
  async #reconcile(
    slot: SlotPost,
    post: ScheduledPost,
    tracked: Tracked,
    whenUnknown: 'resend' | 'unknown-after-send',
  ): Promise<SlotOutcome> {
    const since = post.sentAt ?? post.claimedAt;
    const lookup = await this.#messenger.findPost(slot.target, post.nonce, since).catch((error: unknown) => {
      // No access to the channel's history (a missing permission, an outage): as good as a platform without one.
      this.#log.warn({ err: error, job: slot.job, post: post.id }, 'could not look for a scheduled post');
      return { found: 'unknown' } as const;
    });
    if (lookup.found === true) {
      this.#log.info(
        { job: slot.job, post: post.id, messageId: lookup.messageId },
        'scheduled post found on the platform',
      );
      const sent = await this.#mine(post.id, ['sending'], { status: 'sent', messageId: lookup.messageId });
      return sent ? this.#finishSent(slot, sent) : idle('lost');
    }
    if (lookup.found === false || whenUnknown === 'resend') return this.#attempt(slot, post, tracked);
    // Sent, perhaps; the platform cannot say. Sending again could post it twice: keep it unconfirmed.
    const held = await this.#mine(post.id, ['sending'], {
      status: 'unconfirmed',
      owner: null,
      leaseUntil: null,
      error: DELIVERY_UNCONFIRMED,
      finishedAt: this.#clock.now(),
    });
    if (!held) return idle('lost');
    await slot.onFailed?.(DELIVERY_UNCONFIRMED);
    return { status: 'unconfirmed', post: held };
  }

  /** Builds and sends a post this process holds (claimed, or sending after a lookup found nothing). */
  async #attempt(slot: SlotPost, post: ScheduledPost, tracked: Tracked): Promise<SlotOutcome> {
    tracked.postId = post.id;
    const log = this.#log.child({ job: slot.job, subject: slot.subject, slotAt: slot.slotAt, post: post.id });
    let reply: RichReply | null;
    try {
      reply = await slot.build();
    } catch (error) {
      // Our own failure, not the platform's: hand the slot back for a later run rather than hold it for a lease.
      log.error({ err: error }, 'building a scheduled post failed');
      await this.#handBack(post.id, [post.status]);
      throw error;
    }
    if (!reply) {
      const skipped = await this.#mine(post.id, [post.status], {
        status: 'skipped',
        owner: null,
        leaseUntil: null,
        finishedAt: this.#clock.now(),
      });
      if (!skipped) return idle('lost');
      await slot.onSkipped?.();
      return { status: 'skipped', post: skipped };
    }
    const now = this.#clock.now();
    const sending = await this.#mine(post.id, [post.status], {
      status: 'sending',
      leaseUntil: this.#leaseFrom(now),
      sentAt: now,
      error: null,
    });
    if (!sending) {
      log.info('scheduled post handed back before sending');
      return idle(this.#stopping ? 'stopping' : 'lost');
    }
    tracked.phase = 'sending';
    let messageId: string;
    try {
      ({ messageId } = await this.#messenger.post(slot.target, reply, { nonce: post.nonce }));
    } catch (error) {
      const code = codeOf(error);
      const status: ScheduledPostStatus = refused(error) ? 'failed' : 'unconfirmed';
      log.warn({ err: error, code, status }, 'scheduled post not confirmed by the platform; will retry');
      const failed = await this.#mine(post.id, ['sending'], {
        status,
        owner: null,
        leaseUntil: null,
        error: code,
        finishedAt: this.#clock.now(),
      });
      await slot.onFailed?.(code);
      return { status, post: failed ?? sending };
    }
    const sent = await this.#mine(post.id, ['sending'], { status: 'sent', messageId });
    if (!sent) {
      // Another process took the slot over while we sent; it finds this post by its nonce.
      log.error({ messageId }, 'lease lost while sending a scheduled post');
      return idle('lost');
    }
    return this.#finishSent(slot, sent);
  }

  /** The platform has it: let the job record it, then close the row. A failing follow-up is retried by a takeover. */
  async #finishSent(slot: SlotPost, post: ScheduledPost): Promise<SlotOutcome> {
    try {
      await slot.onPosted?.(post.messageId ?? '');
    } catch (error) {
      this.#log.error({ err: error, job: slot.job, post: post.id }, 'recording a scheduled post failed; will retry');
      await this.#handBack(post.id, ['sent']);
      return { status: 'posted', post };
    }
    const done = await this.#mine(post.id, ['sent'], {
      status: 'posted',
      owner: null,
      leaseUntil: null,
      finishedAt: this.#clock.now(),
    });
    this.#log.info(
      { job: slot.job, subject: slot.subject, slotAt: slot.slotAt, post: post.id },
      'scheduled post posted',
    );
    return { status: 'posted', post: done ?? post };
  }

  /** A compare-and-set on a row this process holds. */
  #mine(id: string, status: readonly ScheduledPostStatus[], patch: ScheduledPostPatch): Promise<ScheduledPost | null> {
    return this.#store.update(id, { status, owner: this.owner }, patch);
  }

  /** Releases a row this process holds, its lease already over, so any process may continue it at once. */
  async #handBack(id: string, status: readonly ScheduledPostStatus[]): Promise<void> {
    try {
      const released = await this.#mine(id, status, { owner: null, leaseUntil: this.#clock.now() });
      if (released) this.#log.info({ post: id, status: released.status }, 'scheduled post handed back');
    } catch (error) {
      // The lease still runs out on its own; another process takes the slot over then.
      this.#log.error({ err: error, post: id }, 'handing back a scheduled post failed');
    }
  }

  #leaseFrom(now: Date): Date {
    return new Date(now.getTime() + this.#leaseMs);
  }
}

const idle = (reason: IdleReason): SlotOutcome => ({ status: 'idle', reason });

/** 20 characters: fits Discord's 25-character nonce. */
function newNonce(): string {
  return `cp${randomBytes(9).toString('hex')}`;
}
