import type { types, webApi } from '@slack/bolt';
import type { RichReply } from '../../core/domain/reply.ts';
import type { DirectTarget, Messenger, PostLookup, PostOptions, PostTarget } from '../../core/ports/messenger.ts';
import { type RateLimitPolicy, withRateLimitRetry } from '../shared/rate-limit.ts';
import { encodeReply } from './encode.ts';
import { POST_METADATA_TYPE, postToChannel } from './send.ts';

/** How much of a channel's history a lookup reads: 3 pages of 200 messages after the send started. */
const LOOKUP_PAGES = 3;
const SKEW_MS = 60_000;

interface HistoryMessage {
  ts?: string;
  user?: string;
  metadata?: { event_type?: string; event_payload?: { nonce?: unknown } };
}

/**
 * Posts that no command triggered, with the bot token. A post's nonce travels as Slack message metadata, which
 * conversations.history returns, so `findPost` can tell whether a post whose answer was lost is in the channel.
 */
export class SlackMessenger implements Messenger {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly policy: RateLimitPolicy,
    private readonly botUserId: string | undefined,
  ) {}

  async post(target: PostTarget, reply: RichReply, options: PostOptions = {}) {
    const encoded = encodeReply(reply);
    return {
      // A thread of the channel is its parent message's ts; Slack has no forums, so `newThread` posts in the channel.
      messageId: await postToChannel(
        this.client,
        target.channelId,
        encoded,
        this.policy,
        target.threadId,
        options.nonce,
      ),
    };
  }

  /**
   * Replaces one of our posts with chat.update. Only a reply that fits one message without files can replace it in
   * place; a longer one resolves false, so the caller posts anew rather than leave a half-replaced post.
   */
  async edit(target: PostTarget, messageId: string, reply: RichReply): Promise<boolean> {
    const encoded = encodeReply(reply);
    const [only] = encoded.messages;
    if (!only || encoded.messages.length > 1 || encoded.upload || encoded.file) return false;
    await withRateLimitRetry('chat.update', this.policy, () =>
      this.client.chat.update({
        channel: target.channelId,
        ts: messageId,
        text: only.text,
        blocks: only.blocks as types.KnownBlock[],
        parse: 'none',
        link_names: false,
      }),
    );
    return true;
  }

  /** Opens (or finds) the app's conversation with the member, then posts there. */
  async direct(target: DirectTarget, reply: RichReply) {
    const opened = await withRateLimitRetry('conversations.open', this.policy, () =>
      this.client.conversations.open({ users: target.platformUserId }),
    );
    const channel = opened.channel?.id;
    if (!channel) throw new Error('conversations.open returned no channel');
    return { messageId: await postToChannel(this.client, channel, encodeReply(reply), this.policy) };
  }

  async findPost(target: PostTarget, nonce: string, since: Date): Promise<PostLookup> {
    const oldest = ((since.getTime() - SKEW_MS) / 1000).toFixed(6);
    let cursor: string | undefined;
    for (let page = 0; page < LOOKUP_PAGES; page++) {
      const response = await withRateLimitRetry('conversations.history', this.policy, () =>
        this.client.conversations.history({
          channel: target.channelId,
          oldest,
          limit: 200,
          include_all_metadata: true,
          ...(cursor ? { cursor } : {}),
        }),
      );
      const messages = (response.messages ?? []) as HistoryMessage[];
      const mine = messages.find(
        (m) =>
          m.metadata?.event_type === POST_METADATA_TYPE &&
          m.metadata.event_payload?.nonce === nonce &&
          (!this.botUserId || !m.user || m.user === this.botUserId),
      );
      if (mine?.ts) return { found: true, messageId: mine.ts };
      cursor = response.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return { found: false };
  }
}
