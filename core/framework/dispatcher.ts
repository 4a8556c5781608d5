import { randomUUID } from 'node:crypto';
import { interactionEvent } from '../domain/events.ts';
import type { RichReply } from '../domain/reply.ts';
import type { Community, Locale, Member, PermissionLevel, Platform } from '../domain/types.ts';
import { hasPermission, PERMISSION_LEVELS } from '../domain/types.ts';
import { CohortError, UserError } from '../errors.ts';
import { normalizeLocale, type Translate } from '../i18n/translate.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { DeliveryClaim, KeptCommand } from '../ports/stores.ts';
import { Acknowledgement, DEFAULT_ACK_AFTER_MS } from './acknowledge.ts';
import { type AnyCommand, type CommandContext, optionEntries } from './command.ts';
import { commandAsGiven } from './command-as-given.ts';
import type { CoreServices } from './core-services.ts';
import type {
  CohortCore,
  CommandEnvelope,
  CommandOutcome,
  EventEnvelope,
  EventListener,
  HandleOptions,
  PlatformSpace,
  PlatformUser,
  ResumedCommand,
} from './envelopes.ts';
import type { MemberRef, RawOptionValue } from './options.ts';
import { assignWords, parseOptions } from './parse-options.ts';
import { suggestCommands } from './suggest-commands.ts';
import { tokenize } from './tokenize.ts';

export interface DispatcherOptions {
  commands: readonly AnyCommand[];
  /** The core stores and every installed feature's handles: what handlers see as `ctx.services`. */
  services: CoreServices;
  log: Logger;
  clock: Clock;
  /** Every installed feature's event listeners. */
  eventListeners: readonly EventListener[];
  /** Where every answered command is counted. Default: nowhere. */
  metrics?: Metrics;
}

/** Option values as the audit log keeps them: members by id and handle, everything else as given. */
function auditedOptions(parsed: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (value === undefined) continue;
    if (value && typeof value === 'object' && 'handle' in value && 'id' in value) {
      const member = value as Member;
      out[name] = { memberId: member.id, handle: member.handle };
    } else if (value instanceof Date) out[name] = value.toISOString();
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[name] = value;
    else if (Array.isArray(value)) out[name] = value.map(String);
  }
  return out;
}

/**
 * How long a command delivery is held by the process running it. A redelivery within it is a duplicate (a platform
 * retrying a slow answer); after it, an unfinished delivery's process is taken to have died and the command runs
 * again. Longer than any command takes; effects are keyed by the delivery id, so a re-run never doubles them.
 */
const DELIVERY_LEASE_MS = 2 * 60_000;

function higher(a: PermissionLevel, b: PermissionLevel | undefined): PermissionLevel {
  if (!b) return a;
  return PERMISSION_LEVELS.indexOf(b) > PERMISSION_LEVELS.indexOf(a) ? b : a;
}

/**
 * The one entry point adapters call. It turns envelopes into members and communities, guards against duplicate
 * deliveries, resolves the command and its options, checks permission, runs the handler and turns every error
 * into a polite reply in the member's language, with a structured log line.
 */
export class Dispatcher implements CohortCore {
  readonly #byName = new Map<string, AnyCommand>();
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #log: Logger;

  constructor(private readonly options: DispatcherOptions) {
    for (const command of options.commands) {
      if (this.#byName.has(command.name)) throw new Error(`duplicate command definition: ${command.name}`);
      this.#byName.set(command.name, command);
    }
    this.#log = options.log.child({ ns: 'core:dispatch' });
  }

  commands(): readonly AnyCommand[] {
    return this.options.commands;
  }

  translate(locale: Locale, key: string, params?: Record<string, unknown>): string {
    return this.options.services.translator.forLocale(locale)(key, params);
  }

  handleCommand(envelope: CommandEnvelope, options: HandleOptions = {}): Promise<CommandOutcome> {
    return this.#track(this.#acknowledged(envelope, options));
  }

  handleEvent(envelope: EventEnvelope): Promise<{ recorded: boolean }> {
    return this.#track(this.#handleEvent(envelope));
  }

  /** Resolves when every command and event already accepted has finished: graceful shutdown waits on it. */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work)).catch(() => {});
    return work;
  }

  async resumeAbandoned(
    platform: Platform,
    resume: (record: string, deliveryId: string) => ResumedCommand | null,
    limit = 20,
  ): Promise<number> {
    const { deliveries } = this.options.services;
    const prefix = `${platform}:cmd:`;
    let answered = 0;
    for (const row of await deliveries.abandoned(platform, this.options.clock.now(), limit)) {
      const deliveryId = row.key.startsWith(prefix) ? row.key.slice(prefix.length) : null;
      const resumed = deliveryId ? resume(row.resume, deliveryId) : null;
      if (!resumed || resumed.envelope.deliveryId !== deliveryId) {
        this.#log.error({ key: row.key }, 'unreadable record of an abandoned command: dropped');
        await deliveries.finish(row.key, this.options.clock.now(), { resumable: true });
        continue;
      }
      const outcome = await this.#track(this.#acknowledged(resumed.envelope, { answer: resumed.answer }, true));
      if (outcome.reply) {
        answered++;
        this.#log.warn({ delivery: deliveryId, platform, status: outcome.status }, 'abandoned command answered');
      } else if (outcome.status === 'duplicate') {
        // Finished since it was read: answered by another gateway, or its member's data erased (which finishes their
        // commands in flight unanswered, ADR 0018). Either way, nothing to send.
        this.#log.info({ delivery: deliveryId, platform }, 'abandoned command finished meanwhile: dropped');
      }
    }
    return answered;
  }

  /** `resumed`: a command another process acknowledged and kept resumable (its record goes when it finishes). */
  async #acknowledged(envelope: CommandEnvelope, options: HandleOptions, resumed = false): Promise<CommandOutcome> {
    const { services, clock } = this.options;
    const deliveryKey = envelope.deliveryId ? `${envelope.space.platform}:cmd:${envelope.deliveryId}` : null;
    // Claimed first, before anything else it costs: an acknowledgement (which may come on a timer) waits for the claim,
    // so that a duplicate is never acknowledged and a resumable record always has its delivery row.
    const claim = deliveryKey ? this.#claim(deliveryKey) : Promise.resolve('first' as const);
    claim.catch(() => {}); // awaited below; a failure is the command's failure
    let resumable = resumed;
    const keepResumable = async (): Promise<void> => {
      if (!options.resume || !deliveryKey || resumable) return;
      const kept: KeptCommand = {
        key: deliveryKey,
        platform: options.resume.platform,
        resume: options.resume.record,
        spaceId: envelope.space.platformId,
        userId: envelope.user.platformUserId,
        command: commandAsGiven(envelope.input),
      };
      await services.deliveries.keepResumable(kept, clock.now());
      resumable = true;
    };
    const acknowledge = options.acknowledge
      ? async (): Promise<boolean> => {
          const claimed = await claim;
          if (claimed !== 'first' && claimed !== 'retry') return false;
          await keepResumable();
          await options.acknowledge?.();
          return true;
        }
      : undefined;
    const ack = new Acknowledgement(acknowledge, options.ackAfterMs ?? DEFAULT_ACK_AFTER_MS, this.#log);
    let outcome: CommandOutcome;
    let claimed: Awaited<typeof claim> | null = null;
    try {
      claimed = await claim;
      if (options.resume?.whenClaimed && (claimed === 'first' || claimed === 'retry')) await keepResumable();
      const handled = await this.#handleCommand(envelope, ack, claimed);
      outcome = { ...handled, acknowledged: await ack.settle() };
    } catch (error) {
      // Failed before the command's own error handling (the database went away). Not acknowledged: the adapter's
      // guard answers. Acknowledged already: answer here, as the follow-up the platform now expects.
      if (!(await ack.settle())) throw error;
      const ref = randomUUID().slice(0, 8);
      const locale = normalizeLocale(envelope.user.locale) ?? 'en';
      this.#log.error({ err: error, ref, delivery: envelope.deliveryId }, 'command failed after acknowledging');
      const text = this.translate(locale, 'common:errors.internal', { ref });
      outcome = { reply: { text, tone: 'error', ephemeral: true }, status: 'INTERNAL', locale, acknowledged: true };
    }
    if (options.answer) {
      try {
        await options.answer(outcome);
      } catch (error) {
        // The platform refused the answer (or is down): finished all the same, as a re-run would meet the same fate.
        this.#log.error({ err: error, delivery: envelope.deliveryId }, 'sending the answer failed');
      }
    }
    // Answered (also with an error): a later redelivery is a duplicate. A crash before here leaves it to a retry.
    const ran = claimed === 'first' || claimed === 'retry';
    if (deliveryKey && ran) await services.deliveries.finish(deliveryKey, clock.now(), { resumable });
    return outcome;
  }

  async #claim(deliveryKey: string): Promise<DeliveryClaim> {
    const now = this.options.clock.now();
    return this.options.services.deliveries.claim(deliveryKey, now, new Date(now.getTime() + DELIVERY_LEASE_MS));
  }

  async #handleCommand(
    envelope: CommandEnvelope,
    ack: Acknowledgement,
    claim: DeliveryClaim,
  ): Promise<Omit<CommandOutcome, 'acknowledged'>> {
    const started = performance.now();
    if (claim === 'duplicate' || claim === 'in-progress') {
      this.#log.info({ status: claim, delivery: envelope.deliveryId }, 'duplicate command delivery ignored');
      return { reply: null, status: claim, locale: normalizeLocale(envelope.user.locale) ?? 'en' };
    }
    const community = await this.#community(envelope.space);
    const member = await this.#member(community, envelope.user);
    const locale = this.#locale(community, member, envelope.user, envelope.via);
    const t = this.options.services.translator.forLocale(locale);
    const log = this.#log.child({
      platform: envelope.space.platform,
      community: community.id,
      member: member.id,
      delivery: envelope.deliveryId,
    });
    if (claim === 'retry') log.warn({ status: 'retry' }, 'redelivered command whose first run never finished');
    return this.#run(envelope, ack, { community, member, locale, t, log, started });
  }

  async #run(
    envelope: CommandEnvelope,
    ack: Acknowledgement,
    scope: { community: Community; member: Member; locale: Locale; t: Translate; log: Logger; started: number },
  ): Promise<Omit<CommandOutcome, 'acknowledged'>> {
    const { services, clock } = this.options;
    const { community, member, locale, t, log, started } = scope;
    const requester = { communityId: community.id, memberId: member.id };
    let commandName = '?';
    try {
      const role = higher(member.role, envelope.user.platformRole);
      const { command, raw } = this.#resolve(envelope, role);
      commandName = command.name;
      // A slow command is acknowledged as soon as it is known, before anything else it costs.
      if (command.slow) await ack.now();
      if (!hasPermission(role, command.permission)) {
        throw new UserError('PERMISSION_DENIED', 'common:errors.permissionDenied', {
          command: command.name,
          required: t(`common:roles.${command.permission}`),
          actual: t(`common:roles.${role}`),
        });
      }
      const parsed = parseOptions(command, raw, (l, k, p) => this.translate(l, k, p), locale);
      await this.#resolveMembers(command, parsed, community, envelope);
      const channel = envelope.channel
        ? await services.channels.ensure(
            community.id,
            envelope.channel.platformChannelId,
            envelope.channel.name ?? envelope.channel.platformChannelId,
          )
        : null;
      const platform = envelope.space.platform;
      const ctx: CommandContext = {
        input: parsed,
        member: { ...member, role },
        community,
        channel,
        locale,
        t,
        services,
        log: log.child({ command: command.name }),
        clock,
        platform,
        interactionId: envelope.deliveryId ?? null,
        commands: () => this.options.commands,
        record: (event) =>
          services.events.append(
            interactionEvent({
              ...event,
              communityId: community.id,
              actorId: member.id,
              channelId: channel?.id ?? null,
              platform,
              occurredAt: clock.now(),
            }),
          ),
      };
      // Recorded before the handler runs: activity counts even when the command is refused later, and a command
      // that erases the member's data (privacy forget) erases this record with the rest.
      // Privileged commands keep their options too: the audit log shows who did what, from chat or from the panel.
      await ctx.record({
        verb: 'command.used',
        objectType: 'command',
        objectId: command.name,
        metadata: {
          via: envelope.via ?? 'chat',
          ...(command.permission === 'member' ? {} : { options: auditedOptions(parsed) }),
        },
        // A re-run of a crashed delivery counts once.
        dedupKey: envelope.deliveryId ? `${platform}:used:${envelope.deliveryId}` : null,
      });
      const reply = await command.handler(ctx);
      log.info({ command: command.name, status: 'ok', ms: Math.round(performance.now() - started) }, 'command handled');
      this.#counted(commandName, envelope, 'ok', started);
      return { reply, status: 'ok', locale, requester };
    } catch (error) {
      const status = this.#code(error);
      this.#counted(commandName, envelope, status, started);
      return { reply: this.#errorReply(error, t, log, commandName), status, locale, requester };
    }
  }

  #counted(command: string, envelope: CommandEnvelope, status: string, started: number): void {
    this.options.metrics?.commandHandled({
      // An unknown command counts under one name, so a flood of made-up names cannot grow the label set.
      command: this.#byName.has(command) ? command : '(unknown)',
      platform: envelope.space.platform,
      status,
      seconds: (performance.now() - started) / 1000,
    });
  }

  async #handleEvent(envelope: EventEnvelope): Promise<{ recorded: boolean }> {
    const { services, clock } = this.options;
    const community = await this.#community(envelope.space);
    const actor = await this.#member(community, envelope.user);
    const target = envelope.target ? await this.#member(community, envelope.target) : null;
    for (const mentioned of envelope.mentions ?? []) {
      if (!mentioned.isBot) await this.#member(community, mentioned);
    }
    const channel = envelope.channel
      ? await services.channels.ensure(
          community.id,
          envelope.channel.platformChannelId,
          envelope.channel.name ?? envelope.channel.platformChannelId,
        )
      : null;
    const { appended } = await services.events.append(
      interactionEvent({
        communityId: community.id,
        actorId: actor.id,
        verb: envelope.verb,
        objectType: envelope.objectType,
        objectId: envelope.objectId,
        targetMemberId: target?.id ?? null,
        channelId: channel?.id ?? null,
        platform: envelope.space.platform,
        occurredAt: envelope.occurredAt ?? clock.now(),
        metadata: envelope.metadata ?? {},
        dedupKey: envelope.deliveryId ? `${envelope.space.platform}:evt:${envelope.deliveryId}` : null,
      }),
    );
    if (!appended) {
      this.#log.info({ delivery: envelope.deliveryId, verb: envelope.verb }, 'duplicate event delivery ignored');
      return { recorded: false };
    }
    for (const listener of this.options.eventListeners) {
      try {
        await listener(envelope, { community, actor });
      } catch (error) {
        this.#log.error({ err: error, verb: envelope.verb }, 'event listener failed');
      }
    }
    return { recorded: true };
  }

  #resolve(
    envelope: CommandEnvelope,
    role: PermissionLevel,
  ): { command: AnyCommand; raw: Record<string, RawOptionValue | undefined> } {
    if (envelope.input.kind === 'structured') {
      const name = envelope.input.path.join(' ');
      const command = this.#byName.get(name);
      if (!command) throw new UserError('UNKNOWN_COMMAND', 'common:errors.unknownCommand', { command: name });
      return { command, raw: envelope.input.options };
    }
    const line = envelope.input.line.trim();
    if (!line.startsWith('/')) throw new UserError('NOT_A_COMMAND', 'common:errors.notACommand');
    const words = tokenize(line.slice(1));
    // Longest command path wins: `digest schedule add` before `digest`.
    for (let length = Math.min(words.length, 4); length > 0; length--) {
      const name = words
        .slice(0, length)
        .map((w) => w.toLowerCase())
        .join(' ');
      const command = this.#byName.get(name);
      if (command) return { command, raw: assignWords(command, words.slice(length)) };
    }
    const command = `/${words.slice(0, 2).join(' ')}`;
    const suggestions = suggestCommands(words, this.#byName.values(), role);
    if (suggestions.length === 0) throw new UserError('UNKNOWN_COMMAND', 'common:errors.unknownCommand', { command });
    throw new UserError('UNKNOWN_COMMAND', 'common:errors.unknownCommandSuggest', {
      command,
      suggestions: suggestions.join(', '),
    });
  }

  async #resolveMembers(
    command: AnyCommand,
    parsed: Record<string, unknown>,
    community: Community,
    envelope: CommandEnvelope,
  ): Promise<void> {
    for (const [name, spec] of optionEntries(command)) {
      if (spec.kind !== 'member' || parsed[name] === undefined) continue;
      const ref = parsed[name] as MemberRef;
      let member: Member | null = null;
      if (ref.kind === 'id') {
        member = await this.options.services.members.findByPlatformUserId(community.id, ref.platformUserId);
        const mentioned = envelope.mentions?.find((u) => u.platformUserId === ref.platformUserId);
        if (!member && mentioned) member = await this.#member(community, mentioned);
      } else {
        member = await this.options.services.members.findByHandle(community.id, ref.handle);
      }
      if (!member) {
        throw new UserError('MEMBER_UNKNOWN', 'common:errors.memberUnknown', {
          ref: ref.kind === 'id' ? ref.platformUserId : `@${ref.handle}`,
        });
      }
      parsed[name] = member;
    }
  }

  #community(space: PlatformSpace): Promise<Community> {
    return this.options.services.communities.ensure(space.platform, space.platformId, { name: space.name });
  }

  #member(community: Community, user: PlatformUser): Promise<Member> {
    return this.options.services.members.ensure(community.id, {
      platformUserId: user.platformUserId,
      handle: user.handle,
      displayName: user.displayName,
      locale: normalizeLocale(user.locale),
      isBot: user.isBot ?? false,
    });
  }

  /**
   * Community override, then the member's own choice, then what the platform says, then English. The panel shows
   * its pages in the language the viewer reads them in, so its replies follow that language before the member's.
   */
  #locale(community: Community, member: Member, user: PlatformUser, via?: 'chat' | 'panel'): Locale {
    const viewer = via === 'panel' ? normalizeLocale(user.locale) : null;
    return community.locale ?? viewer ?? member.locale ?? normalizeLocale(user.locale) ?? 'en';
  }

  #code(error: unknown): string {
    return error instanceof CohortError ? error.code : 'INTERNAL';
  }

  #errorReply(
    error: unknown,
    t: (key: string, params?: Record<string, unknown>) => string,
    log: Logger,
    command: string,
  ): RichReply {
    if (error instanceof UserError) {
      log.info({ command, status: error.code }, 'command refused');
      return { text: t(error.i18nKey, error.params), tone: 'error', ephemeral: true };
    }
    const ref = randomUUID().slice(0, 8);
    log.error({ err: error, command, ref, status: this.#code(error) }, 'command failed');
    return { text: t('common:errors.internal', { ref }), tone: 'error', ephemeral: true };
  }
}
