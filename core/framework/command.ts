import type { RichReply } from '../domain/reply.ts';
import type { Channel, Community, EventVerb, Locale, Member, PermissionLevel, Platform } from '../domain/types.ts';
import type { Translate } from '../i18n/translate.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { DeliveryInEffect } from '../ports/stores.ts';
import type { CoreServices } from './core-services.ts';
import type { InferOptions, LocalizedText, OptionSpec, OptionsShape } from './options.ts';

/** What `ctx.record` writes besides the actor, community, channel, platform and time it takes from the context. */
export interface RecordedEvent {
  verb: EventVerb;
  objectType: string;
  objectId: string;
  targetMemberId?: string | null;
  metadata?: Record<string, unknown>;
  dedupKey?: string | null;
}

/**
 * Everything a handler may touch, in one object: no module singletons, no passing the bot around.
 * `services` holds the core stores and the handles of the feature the command belongs to (typed per feature).
 */
export interface CommandContext<I = Record<string, unknown>, S extends CoreServices = CoreServices> {
  input: I;
  member: Member;
  community: Community;
  channel: Channel | null;
  locale: Locale;
  t: Translate;
  services: S;
  log: Logger;
  clock: Clock;
  platform: Platform;
  /** The platform's id for this invocation (interaction id, Slack trigger id, Telegram update id): an idempotency key. */
  interactionId: string | null;
  /**
   * For a command declared `delivery: 'in-effect'` with a platform delivery id: the delivery, for the handler to
   * hand to its one effect's store, which claims and finishes it in the effect's transaction. Null otherwise.
   */
  delivery: DeliveryInEffect | null;
  /** Every registered command (for /help). */
  commands(): readonly AnyCommand[];
  /** Appends an event by the calling member in this community and channel, now. */
  record(event: RecordedEvent): Promise<{ appended: boolean }>;
}

export interface CommandDefinition<O extends OptionsShape = OptionsShape, S extends CoreServices = CoreServices> {
  /** Space-separated path, the same on every platform: `tip`, `digest schedule add`. */
  name: string;
  description: LocalizedText;
  permission: PermissionLevel;
  options: O;
  /** Acknowledge first, answer later: the dispatcher acknowledges (Discord defer, Slack ack) before the handler runs. */
  slow?: boolean;
  /**
   * `in-effect`: the handler's one effect settles the command delivery in its own transaction (`ctx.delivery`),
   * instead of the dispatcher claiming it before and finishing it after (two more commits). Only for a handler
   * whose effect is idempotent by the delivery id, since two concurrent deliveries both run it until that commit.
   */
  delivery?: 'in-effect';
  /** Hidden from /help (button-only actions such as "not interested"). */
  hidden?: boolean;
  handler(ctx: CommandContext<InferOptions<O>, S>): Promise<RichReply>;
}

/** Identity helper that keeps the options' types flowing into the handler. For commands that need only core services. */
export function defineCommand<O extends OptionsShape>(definition: CommandDefinition<O>): CommandDefinition<O> {
  return definition;
}

/**
 * The same helper for a feature's commands, typed with the feature's own handles:
 * `const command = commandsFor<ContentHandles>();` then `command({ name, ..., handler({ services }) {...} })`.
 */
export function commandsFor<H extends object>() {
  return <O extends OptionsShape>(
    definition: CommandDefinition<O, CoreServices & H>,
  ): CommandDefinition<O, CoreServices & H> => definition;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds commands of every option shape and every feature
export type AnyCommand = CommandDefinition<any, any>;

/** The command's options in declaration order, typed for framework code that walks any command. */
export function optionEntries(command: AnyCommand): [string, OptionSpec][] {
  return Object.entries(command.options as OptionsShape);
}
