import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, type RespondFn, webApi } from '@slack/bolt';
import { z } from 'zod';
import type { Locale } from '../../core/domain/types.ts';
import type { CohortCore, CommandEnvelope, CommandOutcome, ResumedCommand } from '../../core/framework/envelopes.ts';
import type { AccessGranter } from '../../core/ports/access.ts';
import { type Clock, systemClock } from '../../core/ports/clock.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { Messenger } from '../../core/ports/messenger.ts';
import type { HardenedListenerOptions } from '../shared/hardened-listener.ts';
import { adapterText } from '../shared/messages.ts';
import type { RateLimitPolicy } from '../shared/rate-limit.ts';
import { readRecord, StoredEnvelope, startResumeSweep } from '../shared/resume-sweep.ts';
import { handleCommandSafely } from '../shared/safe-handle.ts';
import { listenFailure, networkFailure, PlatformStartError } from '../shared/start-error.ts';
import { SlackAccess } from './access.ts';
import {
  BlockActionPayload,
  decodeBlockAction,
  decodeEvent,
  decodeSlashCommand,
  EventCallback,
  SlackEvent,
  SlashCommandPayload,
} from './decode.ts';
import { type EncodedSlackReply, encodeReply, type SlackMessage } from './encode.ts';
import { boltLogger } from './logger.ts';
import { SlackMessenger } from './messenger.ts';
import { HardenedSlackReceiver } from './receiver.ts';
import { slackRateLimitPolicy, uploadFile, uploadFileToDm, uploadImage } from './send.ts';
import { SlackDirectory } from './users.ts';

export interface SlackOptions {
  botToken: string;
  /** HTTP mode: requests are verified with it and forged ones get 401. */
  signingSecret?: string;
  /** Socket Mode when set (no public URL needed). */
  appToken?: string;
  /** Web API base, e.g. https://slack-gov.com/api/ or a proxy (default https://slack.com/api/). */
  apiUrl?: string;
  /** HTTP mode listener (default 127.0.0.1:3000: Slack needs HTTPS, so a reverse proxy sits in front). */
  port?: number;
  host?: string;
  /** HTTP mode listener limits; the hardened listener's defaults otherwise. */
  limits?: Pick<HardenedListenerOptions, 'maxBodyBytes' | 'readTimeoutMs'>;
  /** Counts each refused request (forged signature, stale timestamp, oversized). */
  onWebhookRefused?: HardenedListenerOptions['onRefused'];
  /** A Slack user group whose members are Cohort moderators. */
  moderatorGroupId?: string;
  /** The slash command that takes a whole command line (default `/cohort`). */
  umbrellaCommand?: string;
  ackAfterMs?: number;
  /** How often to look for slash commands acknowledged by a process that died (default 15 000 ms). */
  resumeEveryMs?: number;
  clock?: Clock;
  /** Web API retries on network errors and 5xx (the SDK's default policy when unset). */
  retries?: number;
  rateLimit?: Pick<RateLimitPolicy, 'maxRetries' | 'maxWaitMs' | 'budget'>;
}

export interface SlackAdapter {
  name: 'slack';
  messenger: Messenger;
  /** Course channels (invite/kick) and user groups. */
  access: AccessGranter;
  app: App;
  /** The HTTP listener's address in HTTP mode. */
  address?: AddressInfo;
  /** Answers slash commands acknowledged by a process that died, now (the adapter also does it on a timer). */
  sweepAbandoned(): Promise<number>;
  stop(): Promise<void>;
}

/** Bolt's `respond`, or a plain POST to the response_url from a process that never saw the request. */
type Respond = (message: Parameters<RespondFn>[0]) => Promise<unknown>;

/** What another process needs to answer an acknowledged slash command: the command and its response_url. */
const ResumeRecord = z.object({ envelope: StoredEnvelope, responseUrl: z.string().url() });
type ResumeRecord = z.infer<typeof ResumeRecord>;

/** A response_url answer from any process: the URL is the credential; Slack refuses it after 30 minutes or 5 uses. */
function respondTo(url: string): Respond {
  return async (message) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`response_url answered HTTP ${response.status}`);
  };
}

const EVENT_TYPES = ['message', 'reaction_added', 'reaction_removed', 'member_joined_channel', 'member_left_channel'];
/** The start-up auth.test retries briefly: an unreachable API is reported in seconds, not after the SDK's 30 minutes. */
const START_RETRY = { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2_000 };

/** Slack's answer to a failed Web API call: its `error` field, or what the network said. */
function startFailure(error: unknown, setting: 'token' | 'appToken'): PlatformStartError {
  const data = (error as { data?: { error?: unknown } }).data;
  if (typeof data?.error === 'string')
    return new PlatformStartError('slack', 'PLATFORM_REFUSED', setting, data.error, { cause: error });
  const network = networkFailure(error);
  const status = (error as { statusCode?: unknown }).statusCode;
  const answer = network ?? (typeof status === 'number' ? `HTTP ${status}` : String((error as Error).message));
  return new PlatformStartError('slack', 'PLATFORM_UNREACHABLE', 'apiUrl', answer, { cause: error });
}

export async function startSlack(core: CohortCore, options: SlackOptions, baseLog: Logger): Promise<SlackAdapter> {
  const log = baseLog.child({ ns: 'adapter:slack' });
  const clock = options.clock ?? systemClock;
  const umbrella = options.umbrellaCommand ?? '/cohort';
  const policy = slackRateLimitPolicy(log, options.rateLimit);
  const clientOptions = {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    ...(options.retries !== undefined ? { retryConfig: { retries: options.retries } } : {}),
    // A 429 comes back to us (withRateLimitRetry waits and retries, or reports) instead of queueing silently.
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  };
  const logger = boltLogger(log);
  const socketMode = Boolean(options.appToken);
  if (!socketMode && !options.signingSecret)
    throw new Error('Slack needs SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN');
  // The token is checked before the App exists: given the bot's ids, Bolt makes no auth.test of its own, whose
  // rejection nothing awaits (an invalid token would otherwise end the process with an unhandled rejection).
  const probe = new webApi.WebClient(options.botToken, { ...clientOptions, logger, retryConfig: START_RETRY });
  const auth = await probe.auth.test().catch((error: unknown) => {
    throw startFailure(error, 'token');
  });
  const botUserId = auth.user_id;
  const identity = { token: options.botToken, botId: auth.bot_id, botUserId: auth.user_id, logger, clientOptions };
  const app = socketMode
    ? new App({ ...identity, appToken: options.appToken, socketMode: true })
    : new App({
        ...identity,
        receiver: new HardenedSlackReceiver({
          bolt: {
            signingSecret: options.signingSecret ?? '',
            logger,
            logLevel: LogLevel.WARN,
            unhandledRequestTimeoutMillis: 2_500,
          },
          host: options.host ?? '127.0.0.1',
          port: options.port ?? 3000,
          clock: systemClock,
          log,
          ...(options.limits ? { limits: options.limits } : {}),
          ...(options.onWebhookRefused ? { onRefused: options.onWebhookRefused } : {}),
        }),
      });
  const directory = new SlackDirectory(app.client, clock, log, options.moderatorGroupId);
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    return work.finally(() => inFlight.delete(work));
  };

  const toResponse = (message: SlackMessage, encoded: EncodedSlackReply) => ({
    response_type: encoded.ephemeral ? ('ephemeral' as const) : ('in_channel' as const),
    text: message.text,
    blocks: message.blocks,
    replace_original: false,
  });

  async function respondAll(
    respond: Respond,
    messages: readonly SlackMessage[],
    encoded: EncodedSlackReply,
    channel: string | undefined,
    userId: string,
    locale: Locale,
  ) {
    for (const message of messages) await respond(toResponse(message, encoded));
    if (encoded.upload && channel) await uploadImage(app.client, channel, encoded.upload, policy);
    if (encoded.file) {
      // A personal reply's file goes to the member's DM (ephemeral messages carry no files); a public one to the channel.
      try {
        if (encoded.ephemeral || !channel)
          await uploadFileToDm(app.client, userId, encoded.file, policy, encoded.messages[0]?.text);
        else await uploadFile(app.client, channel, encoded.file, policy);
      } catch (error) {
        // The text arrived but the file did not (a missing scope, an outage): say so rather than leave it silent.
        log.error({ err: error, file: encoded.file.filename }, 'file upload failed');
        await respond({
          response_type: 'ephemeral',
          text: adapterText(locale, 'fileUndelivered'),
          replace_original: false,
        });
      }
    }
  }

  /**
   * Runs a command. `ackWith` acknowledges, with a reply body when the answer is ready in time. Once acknowledged
   * (Slack never sends it again) the command is kept resumable: another process answers through its response_url if
   * this one dies.
   */
  async function runCommand(
    envelope: CommandEnvelope,
    ackWith: (body?: ReturnType<typeof toResponse>) => Promise<void>,
    respond: Respond,
    responseUrl?: string,
  ) {
    // The dispatcher acks when the command is slow or runs past the deadline, and says whether it did.
    await handleCommandSafely(core, envelope, log, {
      acknowledge: () => ackWith(),
      ackAfterMs: options.ackAfterMs,
      ...(responseUrl ? { resume: resumeRecord(envelope, responseUrl) } : {}),
      answer: (outcome) => answer(outcome, envelope, outcome.acknowledged ? null : ackWith, respond),
    });
  }

  /**
   * Runs a button click. Its acknowledgement carries nothing (Slack shows no body for a click), so it is given at
   * once, after the claim and, when the click has a response_url, the resumable record: a click acknowledged by a
   * process that then dies is answered by another, like a slash command.
   */
  async function runClick(envelope: CommandEnvelope, ack: () => Promise<void>, respond: Respond, responseUrl?: string) {
    await handleCommandSafely(core, envelope, log, {
      acknowledge: ack,
      ackAfterMs: 0,
      ...(responseUrl ? { resume: resumeRecord(envelope, responseUrl) } : {}),
      answer: async (outcome) => {
        // A duplicate, or a failure before the claim, was not acknowledged: Slack still waits for the ack.
        if (!outcome.acknowledged) await ack().catch((error: unknown) => log.warn({ err: error }, 'ack failed'));
        await answer(outcome, envelope, null, respond);
      },
    });
  }

  function resumeRecord(envelope: CommandEnvelope, responseUrl: string) {
    const record: ResumeRecord = { envelope, responseUrl };
    return { platform: 'slack' as const, record: JSON.stringify(record) };
  }

  /** `ackWith` null: acknowledged already, every message goes through response_url. */
  async function answer(
    outcome: CommandOutcome,
    envelope: CommandEnvelope,
    ackWith: ((body?: ReturnType<typeof toResponse>) => Promise<void>) | null,
    respond: Respond,
  ) {
    if (!outcome.reply) {
      await ackWith?.();
      return;
    }
    const encoded = encodeReply(outcome.reply);
    const channel = envelope.channel?.platformChannelId;
    const userId = envelope.user.platformUserId;
    if (!ackWith) return respondAll(respond, encoded.messages, encoded, channel, userId, outcome.locale);
    const [first, ...rest] = encoded.messages;
    await ackWith(first ? toResponse(first, encoded) : undefined);
    await respondAll(respond, rest, encoded, channel, userId, outcome.locale);
  }

  /** A slash command acknowledged by a process that died: answered through its response_url (30 minutes, 5 uses). */
  function resumeCommand(stored: string): ResumedCommand | null {
    const record = readRecord(ResumeRecord, stored);
    if (!record) return null;
    const respond = respondTo(record.responseUrl);
    return { envelope: record.envelope, answer: (outcome) => answer(outcome, record.envelope, null, respond) };
  }

  app.command(/^\/.+/, async ({ command, ack, respond }) => {
    const payload = SlashCommandPayload.safeParse(command);
    if (!payload.success) {
      await ack();
      log.warn({ issues: payload.error.issues.slice(0, 3) }, 'unreadable slash command');
      return;
    }
    const user = await directory.caller(payload.data.user_id, payload.data.user_name);
    const envelope = decodeSlashCommand(payload.data, user, umbrella);
    await track(runCommand(envelope, (body) => (body ? ack(body) : ack()), respond, payload.data.response_url));
  });

  app.action({ type: 'block_actions', action_id: /^cohort_action_/ }, async ({ ack, body, respond }) => {
    // Slack shows an error after 3 s: the click is acknowledged as soon as it is claimed (runClick).
    const payload = BlockActionPayload.safeParse(body);
    if (!payload.success) {
      await ack();
      log.warn({ issues: payload.error.issues.slice(0, 3) }, 'unreadable block action');
      return;
    }
    const user = await directory.caller(payload.data.user.id, payload.data.user.username);
    const envelope = decodeBlockAction(payload.data, user);
    if (!envelope) {
      await ack();
      return;
    }
    await track(runClick(envelope, () => ack(), respond, payload.data.response_url));
  });

  for (const type of EVENT_TYPES) {
    app.event(type, async ({ event, body }) => {
      const parsedEvent = SlackEvent.safeParse(event);
      const parsedBody = EventCallback.safeParse(body);
      if (!parsedEvent.success || !parsedBody.success) return;
      const envelopes = await decodeEvent(parsedEvent.data, parsedBody.data, (id) => directory.user(id), botUserId);
      await track(
        (async () => {
          for (const envelope of envelopes) await core.handleEvent(envelope);
        })(),
      );
    });
  }

  app.error(async (error) => {
    log.error({ err: error }, 'slack handler failed');
  });

  const sweep = startResumeSweep({
    core,
    platform: 'slack',
    log,
    resume: resumeCommand,
    ...(options.resumeEveryMs !== undefined ? { everyMs: options.resumeEveryMs } : {}),
  });

  let address: AddressInfo | undefined;
  if (socketMode) {
    await app.start().catch((error: unknown) => {
      throw startFailure(error, 'appToken');
    });
    log.info('slack socket mode connected');
  } else {
    const server = (await app.start().catch((error: unknown) => {
      throw listenFailure('slack', error) ?? error;
    })) as unknown as http.Server | undefined;
    address = server?.address() as AddressInfo | undefined;
    log.info({ host: address?.address, port: address?.port }, 'slack events endpoint listening on /slack/events');
  }

  return {
    name: 'slack',
    app,
    ...(address ? { address } : {}),
    access: new SlackAccess(app.client, policy, log),
    messenger: new SlackMessenger(app.client, policy, botUserId),
    sweepAbandoned: () => sweep.sweep(),
    async stop() {
      await sweep.stop();
      await Promise.allSettled([...inFlight]);
      await app.stop();
    },
  };
}
