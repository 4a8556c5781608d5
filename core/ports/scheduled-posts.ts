/**
 * The record of every scheduled post (a digest slot, a weekly report, an approved digest): one row per
 * (job, subject, slot), whoever inserts it first owns the slot. The owner holds a lease that expires, so a slot whose
 * owner died is taken over; the nonce travels inside the post, so a post whose acknowledgement was lost can be found
 * on the platform instead of being sent again. core/framework/scheduled-posts.ts is the one place that moves a row
 * between states; adapters/storage implements the store.
 */
export const SCHEDULED_POST_STATUSES = [
  /** The owner is building the post; nothing has been sent. */
  'claimed',
  /** The owner is handing the post to the platform: it may be there. */
  'sending',
  /** The platform has it (message id stored); the job's follow-up (e.g. recording deliveries) may still be due. */
  'sent',
  /** Done. */
  'posted',
  /** Nothing to post this slot (an empty digest). */
  'skipped',
  /** The platform refused it: not there, may be retried within the job's retry window. */
  'failed',
  /** Sending failed in a way that leaves it unknown whether the platform has it: looked up before any re-send. */
  'unconfirmed',
] as const;
export type ScheduledPostStatus = (typeof SCHEDULED_POST_STATUSES)[number];

export interface ScheduledPost {
  id: string;
  /** What posts it: `digest`, `digest-approved`, `weekly-report`. */
  job: string;
  /** Which instance of the job: a schedule id, a community id, a run id. */
  subject: string;
  slotAt: Date;
  communityId: string;
  channelId: string;
  status: ScheduledPostStatus;
  /** The process holding the slot (null once handed back or finished). */
  owner: string | null;
  /** The owner's hold ends here; after it anyone may take the slot over. */
  leaseUntil: Date | null;
  attempts: number;
  /** Carried inside the post (invisibly where the platform allows) and looked up by it. */
  nonce: string;
  messageId: string | null;
  error: string | null;
  claimedAt: Date;
  /** When a send last started: the lookup searches the channel from here. */
  sentAt: Date | null;
  finishedAt: Date | null;
}

export type NewScheduledPost = Pick<
  ScheduledPost,
  'job' | 'subject' | 'slotAt' | 'communityId' | 'channelId' | 'owner' | 'leaseUntil' | 'nonce' | 'claimedAt'
>;

export type ScheduledPostPatch = Partial<
  Pick<
    ScheduledPost,
    'status' | 'owner' | 'leaseUntil' | 'attempts' | 'nonce' | 'messageId' | 'error' | 'sentAt' | 'finishedAt'
  >
>;

/** What a compare-and-set expects the row to still be. */
export interface ScheduledPostExpectation {
  status: readonly ScheduledPostStatus[];
  owner?: string | null;
  leaseUntil?: Date | null;
}

export interface ScheduledPostStore {
  /** Inserts the slot's row as `claimed`; null when the slot already has one (in any state). */
  claim(post: NewScheduledPost): Promise<ScheduledPost | null>;
  get(job: string, subject: string, slotAt: Date): Promise<ScheduledPost | null>;
  /** The latest slot of (job, subject) with a row: an older slot is never posted once a newer one exists. */
  latestSlot(job: string, subject: string): Promise<Date | null>;
  /** Applies `patch` only when the row still matches `expected`; returns the updated row, or null. */
  update(id: string, expected: ScheduledPostExpectation, patch: ScheduledPostPatch): Promise<ScheduledPost | null>;
}
