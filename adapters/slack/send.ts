import type { types, webApi } from '@slack/bolt';
import type { Logger } from '../../core/ports/logger.ts';
import { type RateLimitPolicy, withRateLimitRetry } from '../shared/rate-limit.ts';
import type { EncodedSlackReply } from './encode.ts';

export function slackRateLimitPolicy(log: Logger, overrides: Partial<RateLimitPolicy> = {}): RateLimitPolicy {
  return {
    platform: 'slack',
    log,
    retryAfterMs: (error) => {
      const e = error as { code?: string; retryAfter?: number };
      return e?.code === 'slack_webapi_rate_limited_error' ? (e.retryAfter ?? 1) * 1_000 : null;
    },
    ...overrides,
  };
}

/** Posts an encoded reply to a channel (or a thread) through the Web API; returns the first message's ts. */
export async function postToChannel(
  client: webApi.WebClient,
  channel: string,
  encoded: EncodedSlackReply,
  policy: RateLimitPolicy,
  threadTs?: string,
): Promise<string> {
  let first: string | undefined;
  for (const message of encoded.messages) {
    const response = await withRateLimitRetry('chat.postMessage', policy, () =>
      client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks as types.KnownBlock[],
        unfurl_links: false,
        unfurl_media: false,
        // No implicit @-mention or #channel parsing of the text: only what the blocks spell out.
        parse: 'none',
        link_names: false,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      }),
    );
    first ??= response.ts;
  }
  if (encoded.upload) await uploadImage(client, channel, encoded.upload, policy, threadTs);
  return first ?? '';
}

export async function uploadImage(
  client: webApi.WebClient,
  channel: string,
  upload: NonNullable<EncodedSlackReply['upload']>,
  policy: RateLimitPolicy,
  threadTs?: string,
): Promise<void> {
  await withRateLimitRetry('files.uploadV2', policy, () =>
    client.files.uploadV2({
      channel_id: channel,
      file: Buffer.from(upload.png),
      filename: upload.filename,
      alt_text: upload.alt,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    } as webApi.FilesUploadV2Arguments),
  );
}
