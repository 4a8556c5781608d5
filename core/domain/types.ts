/** Platform-free domain records. Stores return these; nothing here knows Prisma or a chat SDK. */

export const PLATFORMS = ['discord', 'slack', 'telegram', 'console'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** Ordered from least to most privileged: a level includes every level before it. */
export const PERMISSION_LEVELS = ['member', 'creator', 'moderator', 'admin'] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

export function hasPermission(actual: PermissionLevel, required: PermissionLevel): boolean {
  return PERMISSION_LEVELS.indexOf(actual) >= PERMISSION_LEVELS.indexOf(required);
}

export interface Community {
  id: string;
  platform: Platform;
  /** Guild id, Slack team id, Telegram chat id, or the console's demo id. */
  platformId: string;
  name: string;
  /** IANA zone; schedules and daily allowances follow it. */
  timezone: string;
  /** When set, overrides every member's own locale in this community. */
  locale: Locale | null;
  createdAt: Date;
}

export interface Member {
  id: string;
  communityId: string;
  platformUserId: string;
  /** The @handle people type; unique within a community. */
  handle: string;
  displayName: string;
  locale: Locale | null;
  role: PermissionLevel;
  isBot: boolean;
  joinedAt: Date;
}

export interface Channel {
  id: string;
  communityId: string;
  platformChannelId: string;
  name: string;
}

export const PAYMENT_MODELS = ['one_off', 'subscription', 'membership'] as const;
export type PaymentModel = (typeof PAYMENT_MODELS)[number];

export interface Course {
  id: string;
  communityId: string;
  creatorId: string | null;
  title: string;
  description: string;
  tags: string[];
  language: string;
  /** Minor units (cents, fen): money is never a float. */
  priceMinor: number;
  currency: string;
  paymentModel: PaymentModel;
  url: string | null;
  createdAt: Date;
}

/**
 * Verbs of the append-only interaction log. Dotted names group by object kind;
 * new features add verbs here rather than inventing side tables for behaviour.
 */
export const EVENT_VERBS = [
  'message.posted',
  'message.replied',
  'message.mentioned',
  'reaction.added',
  'reaction.removed',
  'message.shared',
  'button.clicked',
  'member.joined',
  'member.left',
  'command.used',
  'search.performed',
  'course.viewed',
  'course.enrolled',
  'course.purchased',
  'course.dismissed',
  'digest.clicked',
  'digest.voted',
  'tip.sent',
  /** A moderator's points adjustment (actor: the moderator, target: the member; objectId: the transfer). */
  'points.granted',
  'points.revoked',
  /** A member corrected their profile (`/profile interests add|remove`): objectType 'topic', objectId the topic. */
  'profile.interest_added',
  'profile.interest_removed',
] as const;
export type EventVerb = (typeof EVENT_VERBS)[number];

export interface InteractionEvent {
  id: string;
  communityId: string;
  actorId: string;
  verb: EventVerb;
  /** What the verb acts on: 'message', 'member', 'course', 'digest_item', ... */
  objectType: string;
  objectId: string;
  /** The member on the receiving end (reply target, reaction target, tip recipient), when there is one. */
  targetMemberId: string | null;
  channelId: string | null;
  platform: Platform;
  occurredAt: Date;
  metadata: Record<string, unknown>;
}

export type NewInteractionEvent = Omit<InteractionEvent, 'id'> & {
  /** Idempotency key: the platform's delivery or message id. A second append with the same key is ignored. */
  dedupKey?: string | null;
};
