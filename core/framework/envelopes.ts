import type { RichReply } from '../domain/reply.ts';
import type { Community, EventVerb, Locale, Member, PermissionLevel, Platform } from '../domain/types.ts';
import type { PersonalScope } from '../ports/personal-data.ts';
import type { AnyCommand } from './command.ts';
import type { RawOptionValue } from './options.ts';

/**
 * What adapters hand to core. An adapter decodes a platform payload into one of these envelopes and encodes
 * the RichReply it gets back; it never calls a feature directly.
 */

export interface PlatformUser {
  platformUserId: string;
  /** The name people @-mention; lower-cased by core. */
  handle: string;
  displayName: string;
  /** The platform's locale hint (Discord `locale`, Telegram `language_code`, Slack user locale). */
  locale?: string | null;
  isBot?: boolean;
  /**
   * The permission the platform itself grants (Discord Manage Server/Administrator, Slack admin/owner,
   * Telegram chat administrator). Core takes the higher of this and the member's stored role.
   */
  platformRole?: PermissionLevel;
}

export interface PlatformSpace {
  platform: Platform;
  /** Guild id, Slack team id, Telegram chat id. */
  platformId: string;
  name: string;
}

export interface PlatformChannel {
  platformChannelId: string;
  name?: string;
}

/** A command typed as text (`/tip @bob 5 thanks`) or picked from a native form (Discord options). */
export type CommandInput =
  | { kind: 'text'; line: string }
  | { kind: 'structured'; path: string[]; options: Record<string, RawOptionValue | undefined> };

export interface CommandEnvelope {
  space: PlatformSpace;
  user: PlatformUser;
  channel?: PlatformChannel;
  input: CommandInput;
  /**
   * The platform's unique id for this delivery (Discord interaction id, Slack trigger/envelope id, Telegram update id).
   * A second envelope with the same id is not run again. Also the idempotency key handed to handlers.
   */
  deliveryId?: string;
  /** Users mentioned in the command, so core can create them as members on first contact. */
  mentions?: PlatformUser[];
  /** Where the command was given: a chat (default) or the web panel. Kept with the audit record of the command. */
  via?: 'chat' | 'panel';
}

export interface CommandOutcome {
  /** null when the delivery was a duplicate and nothing was run. */
  reply: RichReply | null;
  /**
   * 'ok', or the stable error code that shaped the reply; 'duplicate' (answered before) or 'in-progress' (another
   * run holds the delivery's lease: an adapter whose platform redelivers asks it to try again later).
   */
  status: 'ok' | 'duplicate' | 'in-progress' | string;
  locale: Locale;
  /**
   * Whose answer this is: the member who gave the command, once known (absent for a duplicate, or a failure before the
   * member was found). An adapter that keeps any of the answer (Telegram's reply pages) keeps it under this member, so
   * that the member's erasure reaches it.
   */
  requester?: PersonalScope;
  /** The platform was acknowledged while the command ran: the reply is a follow-up, not the answer itself. */
  acknowledged: boolean;
}

/** How an adapter lets the dispatcher acknowledge a delivery (bolt's `ack`): the dispatcher decides when. */
export interface HandleOptions {
  /** Discord deferReply, Slack ack(), Telegram "typing…". */
  acknowledge?: () => Promise<void>;
  /** Acknowledge a command still running after this long (default 2 000 ms, under the 3 s deadlines). */
  ackAfterMs?: number;
  /**
   * Sends the outcome's reply (or, for a duplicate, whatever the platform needs). Given, the dispatcher marks the
   * delivery answered only once this resolved: a process that dies before the member has the answer leaves the
   * delivery unfinished, for a redelivery or a recovery to answer, instead of finished and silent.
   */
  answer?: (outcome: CommandOutcome) => Promise<void>;
  /**
   * For platforms that never send a command again (Discord interactions, Slack commands): the adapter's record of
   * how to finish this command elsewhere (the command and where its answer goes). It is stored before the command is
   * acknowledged, so that if this process dies afterwards another one answers it (`resumeAbandoned`).
   */
  resume?: {
    platform: Platform;
    record: string;
    /**
     * Kept as soon as the delivery is claimed, before the command runs, instead of only once it is acknowledged: for
     * a platform that will not send it again although nothing was acknowledged. Telegram long polling confirms an
     * update by asking for the next ones, so an update redelivered after a kill while the dead run's lease holds is
     * confirmed unanswered; its record lets a sweep answer it once the lease is over (ADR 0018).
     */
    whenClaimed?: boolean;
  };
}

/** A command whose process died after acknowledging it, as the adapter rebuilt it from its record: re-run and answer. */
export interface ResumedCommand {
  envelope: CommandEnvelope;
  /** Sends the answer as the follow-up of an acknowledged command (the "thinking…" edit, the response_url post). */
  answer: (outcome: CommandOutcome) => Promise<void>;
}

/** A non-command happening on the platform that becomes an entry in the interaction log. */
export interface EventEnvelope {
  space: PlatformSpace;
  user: PlatformUser;
  channel?: PlatformChannel;
  verb: EventVerb;
  objectType: string;
  objectId: string;
  /** The other member involved: the author replied to or reacted to, the member mentioned. */
  target?: PlatformUser;
  occurredAt?: Date;
  metadata?: Record<string, unknown>;
  /** Platform delivery id; the same event delivered twice is logged once. */
  deliveryId?: string;
  /**
   * Users a message mentions, so core knows them as members before listeners run (a `+1 @bob` tip names a member
   * who may never have spoken yet).
   */
  mentions?: PlatformUser[];
}

/** Runs after an event is recorded (e.g. digests taking in members' posts). Failures are logged, never thrown. */
export type EventListener = (event: EventEnvelope, scope: { community: Community; actor: Member }) => Promise<void>;

/** The one surface adapters call. Implemented by core/framework/dispatcher.ts. */
export interface CohortCore {
  /**
   * Resolves and runs a command once: the dispatcher acknowledges through `options.acknowledge` when the command is
   * slow or runs past the deadline, and says so in the outcome.
   */
  handleCommand(envelope: CommandEnvelope, options?: HandleOptions): Promise<CommandOutcome>;
  handleEvent(envelope: EventEnvelope): Promise<{ recorded: boolean }>;
  /**
   * Finishes commands acknowledged on `platform` by a process that died before answering them (their lease ran out):
   * `resume` rebuilds each from the adapter's record (null: unreadable, dropped), and it is run again (of several
   * processes sweeping, the one that wins its claim) and answered. Resolves with how many this process answered.
   */
  resumeAbandoned(
    platform: Platform,
    resume: (record: string, deliveryId: string) => ResumedCommand | null,
    limit?: number,
  ): Promise<number>;
  /** Every command, for native registration (Discord application commands, Telegram setMyCommands, Slack manifest). */
  commands(): readonly AnyCommand[];
  /** Localised text for adapter-level messages (e.g. "this took too long"). */
  translate(locale: Locale, key: string, params?: Record<string, unknown>): string;
}
