import { RateLimitError, type RawFile, type REST, Routes } from 'discord.js';
import type { Logger } from '../../core/ports/logger.ts';
import { type RateLimitPolicy, withRateLimitRetry } from '../shared/rate-limit.ts';
import type { DiscordMessage } from './encode.ts';

export function discordRateLimitPolicy(log: Logger, overrides: Partial<RateLimitPolicy> = {}): RateLimitPolicy {
  return {
    platform: 'discord',
    log,
    retryAfterMs: (error) => (error instanceof RateLimitError ? Math.max(error.retryAfter, 0) : null),
    ...overrides,
  };
}

const EPHEMERAL = 1 << 6;

/** The JSON body and uploads of one message, as the REST API wants them. */
export function messageBody(message: DiscordMessage, ephemeral = message.ephemeral) {
  const files: RawFile[] = (message.files ?? []).map((f) => ({ name: f.name, data: f.attachment }));
  return {
    body: {
      embeds: message.embeds,
      components: message.components,
      allowed_mentions: message.allowed_mentions,
      ...(ephemeral ? { flags: EPHEMERAL } : {}),
      ...(files.length > 0
        ? {
            attachments: (message.files ?? []).map((f, id) => ({
              id,
              filename: f.name,
              ...(f.description ? { description: f.description } : {}),
            })),
          }
        : {}),
    },
    files,
  };
}

/**
 * Answers one interaction through the REST API (the interaction token authorises it, not the bot token).
 * `initial` is how the first response leaves: over REST for gateway interactions, or as the HTTP response body
 * for the HTTP interactions endpoint.
 */
export class InteractionResponder {
  #responded = false;

  constructor(
    private readonly rest: REST,
    private readonly applicationId: string,
    private readonly interaction: { id: string; token: string },
    private readonly policy: RateLimitPolicy,
    private readonly initial?: (response: { type: number; data?: unknown }) => boolean,
  ) {}

  get responded(): boolean {
    return this.#responded;
  }

  async #callback(type: number, message?: DiscordMessage, ephemeral?: boolean): Promise<void> {
    this.#responded = true;
    const encoded = message ? messageBody(message) : undefined;
    const data = encoded ? encoded.body : ephemeral ? { flags: EPHEMERAL } : undefined;
    if (this.initial) {
      // The HTTP endpoint carries the first response in its body. A JSON body cannot carry files:
      // answer "thinking…" there and put the message with its upload in place of it.
      if (message && encoded && encoded.files.length > 0) {
        if (this.initial({ type: 5, ...(message.ephemeral ? { data: { flags: EPHEMERAL } } : {}) })) {
          await this.editOriginal(message);
          return;
        }
      } else if (this.initial({ type, ...(data ? { data } : {}) })) return;
    }
    await withRateLimitRetry('interaction callback', this.policy, () =>
      this.rest.post(Routes.interactionCallback(this.interaction.id, this.interaction.token), {
        body: { type, ...(data ? { data } : {}) },
        files: encoded?.files ?? [],
        auth: false,
      }),
    );
  }

  /** deferReply: "thinking…", answered later with editOriginal. */
  defer(ephemeral: boolean): Promise<void> {
    return this.#callback(5, undefined, ephemeral);
  }

  reply(message: DiscordMessage): Promise<void> {
    return this.#callback(4, message);
  }

  /** editReply: replaces the deferred "thinking…" message. */
  async editOriginal(message: DiscordMessage): Promise<void> {
    const { body, files } = messageBody(message, false);
    await withRateLimitRetry('edit original', this.policy, () =>
      this.rest.patch(Routes.webhookMessage(this.applicationId, this.interaction.token, '@original'), {
        body,
        files,
        auth: false,
      }),
    );
  }

  async deleteOriginal(): Promise<void> {
    await withRateLimitRetry('delete original', this.policy, () =>
      this.rest.delete(Routes.webhookMessage(this.applicationId, this.interaction.token, '@original'), { auth: false }),
    );
  }

  async followUp(message: DiscordMessage): Promise<void> {
    const { body, files } = messageBody(message);
    await withRateLimitRetry('follow-up', this.policy, () =>
      this.rest.post(Routes.webhook(this.applicationId, this.interaction.token), { body, files, auth: false }),
    );
  }
}

/**
 * Posts to a channel with the bot token (digests, notices); returns the first message's id. With a nonce, the first
 * message carries it with `enforce_nonce`, so Discord itself answers a repeat within minutes with the message it made.
 */
export async function postToChannel(
  rest: REST,
  channelId: string,
  messages: readonly DiscordMessage[],
  policy: RateLimitPolicy,
  nonce?: string,
): Promise<string> {
  let first: string | undefined;
  for (const message of messages) {
    const { body, files } = messageBody(message, false);
    const once = first === undefined && nonce ? { nonce, enforce_nonce: true } : {};
    const sent = (await withRateLimitRetry('create message', policy, () =>
      rest.post(Routes.channelMessages(channelId), { body: { ...body, ...once }, files }),
    )) as { id: string };
    first ??= sent.id;
  }
  return first ?? '';
}
