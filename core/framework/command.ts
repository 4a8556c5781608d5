import type { RichReply } from '../domain/reply.ts';
import type { Channel, Community, Locale, Member, PermissionLevel, Platform } from '../domain/types.ts';
import type { Translate } from '../i18n/translate.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Services } from '../services.ts';
import type { InferOptions, LocalizedText, OptionSpec, OptionsShape } from './options.ts';

/** Everything a handler may touch, in one object: no module singletons, no passing the bot around. */
export interface CommandContext<I = Record<string, unknown>> {
  input: I;
  member: Member;
  community: Community;
  channel: Channel | null;
  locale: Locale;
  t: Translate;
  services: Services;
  log: Logger;
  clock: Clock;
  platform: Platform;
  /** The platform's id for this invocation (interaction id, Slack trigger id, Telegram update id): an idempotency key. */
  interactionId: string | null;
}

export interface CommandDefinition<O extends OptionsShape = OptionsShape> {
  /** Space-separated path, the same on every platform: `tip`, `digest schedule add`. */
  name: string;
  description: LocalizedText;
  permission: PermissionLevel;
  options: O;
  /** Acknowledge first, answer later: the adapter defers (Discord) or acks (Slack) before the handler runs. */
  slow?: boolean;
  /** Hidden from /help (button-only actions such as "not interested"). */
  hidden?: boolean;
  handler(ctx: CommandContext<InferOptions<O>>): Promise<RichReply>;
}

/** Identity helper that keeps the options' types flowing into the handler. */
export function defineCommand<O extends OptionsShape>(definition: CommandDefinition<O>): CommandDefinition<O> {
  return definition;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds commands of every option shape
export type AnyCommand = CommandDefinition<any>;

/** The command's options in declaration order, typed for framework code that walks any command. */
export function optionEntries(command: AnyCommand): [string, OptionSpec][] {
  return Object.entries(command.options as OptionsShape);
}
