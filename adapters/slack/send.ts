import type { types, webApi } from '@slack/bolt';
import type { Logger } from '../../core/ports/logger.ts';
import { type RateLimitPolicy, withRateLimitRetry } from '../shared/rate-limit.ts';
import type { EncodedSlackReply, SlackFile } from './encode.ts';

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

/** The message metadata type our scheduled posts carry their nonce in (read back with include_all_metadata). */
export const POST_METADATA_TYPE = 'cohort_post';

/**
 * Posts an encoded reply to a channel (or a thread) through the Web API; returns the first message's ts. A nonce
 * rides in the first message's metadata, invisible to members.
 */
export async function postToChannel(
  client: webApi.WebClient,
  channel: string,
  encoded: EncodedSlackReply,
  policy: RateLimitPolicy,
  threadTs?: string,
  nonce?: string,
): Promise<string> {
  let first: string | undefined;
  for (const message of encoded.messages) {
    const metadata =
      first === undefined && nonce ? { metadata: { event_type: POST_METADATA_TYPE, event_payload: { nonce } } } : {};
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
        ...metadata,
      }),
    );
    first ??= response.ts;
  }
  if (encoded.upload) await uploadImage(client, channel, encoded.upload, policy, threadTs);
  if (encoded.file) await uploadFile(client, channel, encoded.file, policy, threadTs);
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

/** Uploads a document (files.getUploadURLExternal, the bytes, files.completeUploadExternal) into a conversation. */
export async function uploadFile(
  client: webApi.WebClient,
  channel: string,
  file: SlackFile,
  policy: RateLimitPolicy,
  threadTs?: string,
  comment?: string,
): Promise<void> {
  await withRateLimitRetry('files.uploadV2', policy, () =>
    client.files.uploadV2({
      channel_id: channel,
      file: Buffer.from(file.data),
      filename: file.filename,
      title: file.title,
      ...(comment ? { initial_comment: comment } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
    } as webApi.FilesUploadV2Arguments),
  );
}

/**
 * Ephemeral messages cannot carry files: a personal file (a data export) goes to the member's DM with the bot
 * instead, with the reply's summary as its comment.
 */
export async function uploadFileToDm(
  client: webApi.WebClient,
  userId: string,
  file: SlackFile,
  policy: RateLimitPolicy,
  comment?: string,
): Promise<string> {
  const opened = await withRateLimitRetry('conversations.open', policy, () =>
    client.conversations.open({ users: userId }),
  );
  const dm = opened.channel?.id;
  if (!dm) throw new Error('conversations.open returned no channel');
  await uploadFile(client, dm, file, policy, undefined, comment);
  return dm;
}
