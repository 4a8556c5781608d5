import type { AddressInfo } from 'node:net';
import { Client, Events, GatewayIntentBits, REST, Routes, Status } from 'discord.js';
import { z } from 'zod';
import type { CohortCore, CommandOutcome, PlatformUser, ResumedCommand } from '../../core/framework/envelopes.ts';
import type { PaymentService } from '../../core/payments/payment-service.ts';
import type { AccessGranter } from '../../core/ports/access.ts';
import { type Clock, systemClock } from '../../core/ports/clock.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { Messenger } from '../../core/ports/messenger.ts';
import type { HardenedListenerOptions } from '../shared/hardened-listener.ts';
import type { RateLimitPolicy } from '../shared/rate-limit.ts';
import { readRecord, StoredEnvelope, startResumeSweep } from '../shared/resume-sweep.ts';
import { handleCommandSafely } from '../shared/safe-handle.ts';
import { listenFailure, networkFailure, PlatformStartError } from '../shared/start-error.ts';
import { TtlCache } from '../shared/ttl-cache.ts';
import { DiscordAccess } from './access.ts';
import {
  type DecodeContext,
  decodeGatewayEvent,
  decodeInteraction,
  type GatewayEvent,
  parseGatewayEvent,
  RawInteraction,
  toPlatformUser,
} from './decode.ts';
import { encodeReply, NO_MENTIONS } from './encode.ts';
import { type InitialResponder, type InteractionsEndpoint, startInteractionsEndpoint } from './http-interactions.ts';
import { DiscordMessenger } from './messenger.ts';
import { premiumEvents } from './premium.ts';
import { buildRegistration } from './register.ts';
import { DISCORD_REST_DEFAULTS } from './rest-options.ts';
import { makeRequestWithBytes } from './rest-request.ts';
import { discordRateLimitPolicy, InteractionResponder } from './send.ts';

export interface DiscordOptions {
  /** Bot token: the Gateway (events, and interactions unless an HTTP endpoint is configured) and registration. */
  token?: string;
  applicationId: string;
  /** REST base without the version, e.g. a proxy (default https://discord.com/api). */
  apiUrl?: string;
  /** With a public key and a port, interactions also arrive on an HTTP endpoint verified with Ed25519. */
  publicKey?: string;
  interactionsPort?: number;
  /** Default 127.0.0.1: Discord needs HTTPS, so a reverse proxy sits in front. */
  interactionsHost?: string;
  /** HTTP interactions listener limits; the hardened listener's defaults otherwise. */
  interactionsLimits?: Pick<HardenedListenerOptions, 'maxBodyBytes' | 'readTimeoutMs'>;
  /** Counts each refused HTTP interaction (forged, stale, malformed). */
  onWebhookRefused?: HardenedListenerOptions['onRefused'];
  /** Members with this role are Cohort moderators. */
  moderatorRoleId?: string;
  /** Register commands on this guild only (they update at once) instead of globally. */
  guildId?: string;
  registerCommands?: boolean;
  /**
   * Gateway shards of this process: `auto` (default) runs every shard, as many as `GET /gateway/bot` recommends;
   * ids of a fixed count run only those, so several processes each take a range (@discordjs/ws under discord.js).
   */
  shards?: 'auto' | { ids: number[]; count: number };
  /** Subscribe to member joins and leaves (the privileged Server Members intent; default true). */
  memberEvents?: boolean;
  /** Read what members write (the privileged Message Content intent; default true): digests and profiles use it. */
  messageContent?: boolean;
  ackAfterMs?: number;
  /** How often to look for interactions deferred by a process that died (default 15 000 ms). */
  resumeEveryMs?: number;
  clock?: Clock;
  /** REST retries on 5xx/timeouts and the per-request timeout (discord.js defaults: 3 and 15 000 ms). */
  rest?: { retries?: number; timeout?: number };
  rateLimit?: Pick<RateLimitPolicy, 'maxRetries' | 'maxWaitMs' | 'budget'>;
  /** How long to wait for guilds listed as unavailable in READY (discord.js default 15 000 ms). */
  waitGuildTimeout?: number;
  /** Discord premium apps (DISCORD_PREMIUM): entitlements of SKUs linked to courses become their access. */
  premium?: { payments: PaymentService };
}

export interface DiscordAdapter {
  name: 'discord';
  messenger: Messenger;
  /** Course roles and channels; needs the bot token (Manage Roles, Manage Channels). */
  access?: AccessGranter;
  client: Client;
  interactionsAddress?: AddressInfo;
  /** Answers interactions deferred by a process that died, now (the adapter also does it on a timer). */
  sweepAbandoned(): Promise<number>;
  connected(): boolean;
  stop(): Promise<void>;
}

/** What discord.js says when login fails, as a start failure about the token, the intents or the API address. */
function loginFailure(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'TokenInvalid' || (error as { status?: unknown }).status === 401)
    return new PlatformStartError('discord', 'PLATFORM_REFUSED', 'token', message, { cause: error, status: 401 });
  if (code === 'DisallowedIntents')
    return new PlatformStartError('discord', 'PLATFORM_REFUSED', 'intents', message, { cause: error });
  const network = networkFailure(error);
  if (network) return new PlatformStartError('discord', 'PLATFORM_UNREACHABLE', 'apiUrl', network, { cause: error });
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number')
    return new PlatformStartError('discord', 'PLATFORM_UNREACHABLE', 'apiUrl', message, { cause: error, status });
  return error;
}

/** What another process needs to answer a deferred interaction: the command, and the interaction's id and token. */
const ResumeRecord = z.object({
  envelope: StoredEnvelope,
  interaction: z.object({ id: z.string(), token: z.string() }),
});
type ResumeRecord = z.infer<typeof ResumeRecord>;

export async function startDiscord(
  core: CohortCore,
  options: DiscordOptions,
  baseLog: Logger,
): Promise<DiscordAdapter> {
  const log = baseLog.child({ ns: 'adapter:discord' });
  const clock = options.clock ?? systemClock;
  const policy = discordRateLimitPolicy(log, options.rateLimit);
  const restOptions = {
    ...DISCORD_REST_DEFAULTS,
    ...(options.apiUrl ? { api: options.apiUrl } : {}),
    ...(options.rest?.retries !== undefined ? { retries: options.rest.retries } : {}),
    ...(options.rest?.timeout !== undefined ? { timeout: options.rest.timeout } : {}),
    // A 429 is thrown back to withRateLimitRetry, which waits and retries or reports it.
    rejectOnRateLimit: () => true,
    makeRequest: makeRequestWithBytes,
  };
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.GuildMessageReactions];
  if (options.memberEvents ?? true) intents.push(GatewayIntentBits.GuildMembers);
  if (options.messageContent ?? true) intents.push(GatewayIntentBits.MessageContent);
  const client = new Client({
    intents,
    rest: restOptions,
    allowedMentions: NO_MENTIONS,
    ...(options.shards && options.shards !== 'auto'
      ? { shards: options.shards.ids, shardCount: options.shards.count }
      : { shards: 'auto' as const }),
    ...(options.waitGuildTimeout !== undefined ? { waitGuildTimeout: options.waitGuildTimeout } : {}),
  });
  if (!options.token && !options.publicKey) throw new Error('Discord needs DISCORD_TOKEN or DISCORD_PUBLIC_KEY');
  const rest = new REST(restOptions);
  if (options.token) rest.setToken(options.token);
  const registration = buildRegistration(core.commands().filter((c) => !c.hidden));
  if (registration.skipped.length > 0)
    log.warn({ skipped: registration.skipped }, 'commands Discord cannot represent (deeper than 3 words or bad names)');
  const decodeContext: DecodeContext = {
    registration,
    guildName: (id) => client.guilds.cache.get(id)?.name,
    ...(options.moderatorRoleId ? { moderatorRoleId: options.moderatorRoleId } : {}),
  };
  // Reaction removals do not say whose message it was: remember authors seen recently.
  const authors = new TtlCache<string, string>(7 * 86_400_000, clock, 50_000);
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  /** The answer: in the HTTP response (or callback) when not acknowledged yet, else in place of "thinking…". */
  async function answer(
    responder: InteractionResponder,
    outcome: CommandOutcome,
    followUp: boolean,
    recovering = false,
  ): Promise<void> {
    if (!outcome.reply) return; // duplicate delivery: the first one answered
    const [first, ...rest_] = encodeReply(outcome.reply);
    if (!first) return;
    if (!followUp) await responder.reply(first);
    else if (first.ephemeral) {
      // A public "thinking…" cannot turn ephemeral: replace it with ephemeral follow-ups. A recovery may find it
      // deleted already (the dead run got that far): the answer still goes out.
      await responder.deleteOriginal().catch((error: unknown) => {
        if (!recovering || (error as { status?: unknown }).status !== 404) throw error;
      });
      await responder.followUp(first);
    } else await responder.editOriginal(first);
    for (const message of rest_) await responder.followUp(message);
  }

  async function runInteraction(raw: RawInteraction, initial?: InitialResponder): Promise<void> {
    const envelope = decodeInteraction(raw, decodeContext);
    if (!envelope) return;
    const responder = new InteractionResponder(rest, options.applicationId, raw, policy, initial);
    // The dispatcher defers when the command is slow or runs past the deadline, and says whether it did; a deferred
    // interaction is kept resumable (Discord never sends it again), so another process answers it if this one dies.
    const record: ResumeRecord = { envelope, interaction: { id: raw.id, token: raw.token } };
    await handleCommandSafely(core, envelope, log, {
      acknowledge: () => responder.defer(false),
      ...(options.ackAfterMs !== undefined ? { ackAfterMs: options.ackAfterMs } : {}),
      resume: { platform: 'discord', record: JSON.stringify(record) },
      answer: (outcome) => answer(responder, outcome, outcome.acknowledged),
    });
  }

  /** An interaction deferred by a process that died: answered with the follow-up its token allows (15 minutes). */
  function resumeInteraction(stored: string): ResumedCommand | null {
    const record = readRecord(ResumeRecord, stored);
    if (!record) return null;
    const responder = new InteractionResponder(rest, options.applicationId, record.interaction, policy);
    return { envelope: record.envelope, answer: (outcome) => answer(responder, outcome, true, true) };
  }

  async function lookupUsers(ids: Array<string | undefined>): Promise<Map<string, PlatformUser>> {
    const found = new Map<string, PlatformUser>();
    for (const id of ids) {
      if (!id || found.has(id)) continue;
      const user = client.users.cache.get(id) ?? (await client.users.fetch(id).catch(() => undefined));
      if (user)
        found.set(
          id,
          toPlatformUser({ id: user.id, username: user.username, global_name: user.globalName, bot: user.bot }),
        );
    }
    return found;
  }

  async function recordGatewayEvent(event: GatewayEvent): Promise<void> {
    const botUserId = client.user?.id ?? options.applicationId;
    let users = new Map<string, PlatformUser>();
    if (event.t === 'MESSAGE_CREATE') authors.set(event.d.id, event.d.author.id);
    if (event.t === 'MESSAGE_REACTION_ADD' || event.t === 'MESSAGE_REACTION_REMOVE') {
      const d = event.d;
      if (d.message_author_id) authors.set(d.message_id, d.message_author_id);
      else {
        const known = authors.get(d.message_id);
        if (known) d.message_author_id = known;
      }
      users = await lookupUsers([d.member?.user ? undefined : d.user_id, d.message_author_id]);
    }
    const envelopes = decodeGatewayEvent(event, {
      botUserId,
      guildName: decodeContext.guildName,
      lookupUser: (id) => users.get(id),
      today: clock.now().toISOString().slice(0, 10),
    });
    for (const envelope of envelopes) await core.handleEvent(envelope);
  }

  const premium = options.premium
    ? premiumEvents({ payments: options.premium.payments, log, now: () => clock.now() })
    : null;

  client.on(Events.Raw, (packet: { t?: string | null; d?: unknown }) => {
    if (premium && packet.t?.startsWith('ENTITLEMENT_')) {
      track(premium(packet.t, packet.d).catch((error) => log.error({ err: error, t: packet.t }, 'entitlement failed')));
      return;
    }
    if (packet.t === 'INTERACTION_CREATE') {
      const parsed = RawInteraction.safeParse(packet.d);
      if (!parsed.success) return log.warn({ issues: parsed.error.issues.slice(0, 3) }, 'unreadable interaction');
      track(runInteraction(parsed.data).catch((error) => log.error({ err: error }, 'interaction failed')));
      return;
    }
    const event = parseGatewayEvent(packet.t, packet.d);
    if (event) track(recordGatewayEvent(event).catch((error) => log.error({ err: error, t: event.t }, 'event failed')));
  });
  client.on(Events.Error, (error) => log.error({ err: error }, 'discord client error'));
  client.on(Events.ShardDisconnect, (_event, shard) => log.warn({ shard }, 'gateway disconnected'));

  if (options.token) {
    // Without a token only the HTTP interactions endpoint runs: commands work, events are not recorded.
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(options.token).catch(async (error: unknown) => {
      await client.destroy().catch(() => undefined);
      throw loginFailure(error);
    });
    await ready;
    log.info(
      {
        user: client.user?.tag,
        guilds: client.guilds.cache.size,
        shards: client.options.shards,
        of: client.options.shardCount,
      },
      'discord gateway ready',
    );
  }

  // Of several processes splitting the shards, the one with shard 0 registers the commands (one PUT, not N).
  const ownsRegistration = !options.shards || options.shards === 'auto' || options.shards.ids.includes(0);
  if (options.token && (options.registerCommands ?? ownsRegistration)) {
    const route = options.guildId
      ? Routes.applicationGuildCommands(options.applicationId, options.guildId)
      : Routes.applicationCommands(options.applicationId);
    await rest
      .put(route, { body: registration.body })
      .catch((error: unknown) => log.error({ err: error }, 'command registration failed'));
  }

  let endpoint: InteractionsEndpoint | undefined;
  if (options.publicKey && options.interactionsPort !== undefined) {
    const starting = startInteractionsEndpoint({
      publicKey: options.publicKey,
      host: options.interactionsHost ?? '127.0.0.1',
      port: options.interactionsPort,
      // Replay protection compares with the wall clock, whatever clock the domain runs on.
      clock: systemClock,
      log,
      onInteraction: (raw, initial) => {
        const work = runInteraction(raw, initial);
        track(work);
        return work;
      },
      ...(options.interactionsLimits ? { limits: options.interactionsLimits } : {}),
      ...(options.onWebhookRefused ? { onRefused: options.onWebhookRefused } : {}),
      ...(premium
        ? {
            onWebhookEvent: (type: string, data: unknown) => {
              const work = premium(type, data).then(() => undefined);
              track(work);
              return work;
            },
          }
        : {}),
    });
    endpoint = await starting.catch(async (error: unknown) => {
      await client.destroy().catch(() => undefined);
      throw listenFailure('discord', error) ?? error;
    });
    log.info(
      { host: endpoint.address.address, port: endpoint.address.port },
      'discord interactions endpoint listening',
    );
  }

  const sweep = startResumeSweep({
    core,
    platform: 'discord',
    log,
    resume: resumeInteraction,
    ...(options.resumeEveryMs !== undefined ? { everyMs: options.resumeEveryMs } : {}),
  });

  return {
    name: 'discord',
    client,
    sweepAbandoned: () => sweep.sweep(),
    ...(endpoint ? { interactionsAddress: endpoint.address } : {}),
    ...(options.token ? { access: new DiscordAccess(rest, policy, log) } : {}),
    messenger: new DiscordMessenger(rest, policy, () => client.user?.id ?? options.applicationId),
    // With the Gateway, ready only while every shard is connected; the HTTP endpoint alone is stateless.
    connected: () => !options.token || client.ws.status === Status.Ready,
    async stop() {
      await sweep.stop();
      await endpoint?.close();
      await Promise.allSettled([...inFlight]);
      await client.destroy();
    },
  };
}
