import type {
  Channel,
  Community,
  Course,
  EventVerb,
  InteractionEvent,
  Locale,
  Member,
  NewInteractionEvent,
  PaymentModel,
  PermissionLevel,
  Platform,
} from '../domain/types.ts';

/**
 * Storage ports. Core defines what it needs; adapters/storage implements them with Prisma
 * (SQLite by default, PostgreSQL at scale). Every method is atomic on its own.
 */

export interface CommunityStore {
  /** Finds the community for a platform space, creating it on first contact. */
  ensure(platform: Platform, platformId: string, defaults: { name: string }): Promise<Community>;
  get(id: string): Promise<Community | null>;
  update(id: string, patch: Partial<Pick<Community, 'name' | 'timezone' | 'locale'>>): Promise<Community>;
  list(): Promise<Community[]>;
  /** Deletes the community and everything that belongs to it (used to rebuild the demo). */
  remove(id: string): Promise<void>;
}

export interface MemberIdentity {
  platformUserId: string;
  handle: string;
  displayName: string;
  locale?: Locale | null;
  isBot?: boolean;
  /** When they joined, if known (imports, the demo seed); otherwise first contact is the join. */
  joinedAt?: Date;
}

export interface MemberStore {
  /** A platform user becomes a member on first contact; later contacts refresh the display name. */
  ensure(communityId: string, identity: MemberIdentity): Promise<Member>;
  get(id: string): Promise<Member | null>;
  getMany(ids: readonly string[]): Promise<Member[]>;
  findByPlatformUserId(communityId: string, platformUserId: string): Promise<Member | null>;
  findByHandle(communityId: string, handle: string): Promise<Member | null>;
  list(communityId: string, page?: { limit?: number; offset?: number }): Promise<Member[]>;
  count(communityId: string): Promise<number>;
  setRole(id: string, role: PermissionLevel): Promise<Member>;
  setLocale(id: string, locale: Locale | null): Promise<Member>;
  /** Replaces every identifying field with `alias` and a random platform id (privacy erasure). */
  pseudonymize(id: string, alias: string): Promise<void>;
}

export interface ChannelStore {
  ensure(communityId: string, platformChannelId: string, name: string): Promise<Channel>;
  get(id: string): Promise<Channel | null>;
}

export interface NewCourse {
  /**
   * The id to use (derived from the request's delivery id, so a re-run finds the course it made); a short random
   * one when left out.
   */
  id?: string;
  communityId: string;
  creatorId: string | null;
  title: string;
  description: string;
  tags: string[];
  language: string;
  priceMinor: number;
  currency: string;
  paymentModel: PaymentModel;
  url?: string | null;
  createdAt?: Date;
}

export interface CourseStore {
  create(course: NewCourse): Promise<Course>;
  get(id: string): Promise<Course | null>;
  list(communityId: string, filter?: { tag?: string; limit?: number; offset?: number }): Promise<Course[]>;
  count(communityId: string): Promise<number>;
  /** A creator's correction of what the catalogue says; the currency and payment model stay what was sold. */
  update(id: string, patch: CourseEdit, at: Date): Promise<Course>;
  /**
   * The catalogue's version: it changes whenever a course is added or edited (count, newest creation, newest edit),
   * so a process serving from a trained snapshot can tell in one query that it is out of date.
   */
  catalogueVersion(communityId: string): Promise<string>;
}

export type CourseEdit = Partial<Pick<Course, 'title' | 'description' | 'tags' | 'language' | 'priceMinor'>>;

export interface EventQuery {
  communityId: string;
  since?: Date;
  until?: Date;
  verbs?: readonly EventVerb[];
  actorId?: string;
  limit?: number;
  /** Newest first (with `limit`: the most recent events); oldest first otherwise. */
  newestFirst?: boolean;
}

/**
 * The outbox of an effect: the events that record it (a tip, an order, an entitlement), handed to the effect's own
 * store and written in the effect's transaction, so the graph, profiles and analytics see every effect that
 * committed, once, and none that did not. Stores write them only when they write the effect (not for a repeat), and
 * skip an event whose dedupKey exists, as `EventStore.append` does. Ids the events need are chosen by the caller.
 */
export type EffectEvents = readonly NewInteractionEvent[];

export interface EventStore {
  /** Appends one event; returns false (and writes nothing) when its dedupKey was seen before. */
  append(event: NewInteractionEvent): Promise<{ appended: boolean }>;
  /** Bulk append in one transaction; events whose dedupKey exists are skipped. Returns how many were written. */
  appendMany(events: readonly NewInteractionEvent[]): Promise<number>;
  /** Oldest first. */
  query(query: EventQuery): Promise<InteractionEvent[]>;
  count(communityId: string): Promise<number>;
}

/**
 * What a delivery claim found: `first` (run it), `retry` (an earlier run never finished and its lease ran out, so
 * its process died: run it again; effects are keyed by the delivery id, so nothing doubles), `in-progress` (a run
 * holds the lease now: a live one, or one whose process died and whose lease has not run out; a platform that
 * redelivers is told to try again later) or `duplicate` (answered already).
 */
export type DeliveryClaim = 'first' | 'retry' | 'in-progress' | 'duplicate';

/** Remembers platform delivery ids so a retried delivery is handled once, and a crashed one is not dropped. */
export interface DeliveryStore {
  /** Claims the key until `leaseUntil` (also across processes: exactly one claimer wins each `first` or `retry`). */
  claim(key: string, at: Date, leaseUntil: Date): Promise<DeliveryClaim>;
  /**
   * The delivery was answered: every later claim is a duplicate. `resumable`: it was kept resumable, forget that
   * record too (in the same write).
   */
  finish(key: string, at: Date, options?: { resumable?: boolean }): Promise<void>;
  /**
   * Keeps how another process can finish this command (`resume`, the adapter's own JSON) if the process running it
   * dies after acknowledging it to a platform that will not send it again. Kept until `finish`; nothing is kept for a
   * delivery already finished (an erasure finishes its member's deliveries, ADR 0018: a record written after it would
   * hold their data where no sweep reaches it).
   */
  keepResumable(command: KeptCommand, at: Date): Promise<void>;
  /** Commands kept resumable whose delivery is unfinished and whose lease ran out before `at`: oldest first. */
  abandoned(platform: string, at: Date, limit: number): Promise<ResumableCommand[]>;
}

/**
 * A command kept resumable. It holds a member's command (their id on the platform, what they asked), so it names
 * them the way the platform did: the record is kept at the claim, before the member is looked up, and the member's
 * erasure and export find it by their community's platform space and their platform user id.
 */
export interface KeptCommand {
  /** The delivery key it was claimed under. */
  key: string;
  platform: string;
  /** The adapter's own JSON: the decoded command and where its answer goes. */
  resume: string;
  /** The platform space it came from (guild, Slack team, Telegram chat): with `platform`, its community. */
  spaceId: string;
  /** The platform user who gave it: in that community, the member. */
  userId: string;
  /** The command as the member gave it (`/tip @bob 5 thanks`): what their export shows of it. */
  command: string;
}

/** A command whose process died after acknowledging it: its delivery key and the adapter's record. */
export interface ResumableCommand {
  key: string;
  resume: string;
}

/** The foundation's stores: what every feature can use, whatever features are installed. */
export interface CoreStores {
  communities: CommunityStore;
  members: MemberStore;
  channels: ChannelStore;
  courses: CourseStore;
  events: EventStore;
  deliveries: DeliveryStore;
}
