import { type APIEmbed, type APIMessage, type REST, Routes, SnowflakeUtil } from 'discord.js';
import type { DirectTarget, Messenger, PostLookup, PostTarget } from '../../core/ports/messenger.ts';
import { invisibleNonce, noncesIn } from '../shared/post-nonce.ts';
import { type RateLimitPolicy, withRateLimitRetry } from '../shared/rate-limit.ts';
import { type DiscordMessage, encodeReply } from './encode.ts';
import { postToChannel } from './send.ts';

/** How much of a channel's history a lookup reads: 5 pages of 100 messages after the send started. */
const LOOKUP_PAGES = 5;
/** Clock skew between us and Discord: the lookup starts this much before the send did. */
const SKEW_MS = 60_000;

/** The nonce goes where readers never see it: zero-width characters at the end of the first embed's text. */
function withNonce(messages: DiscordMessage[], nonce: string): DiscordMessage[] {
  const [first, ...rest] = messages;
  if (!first) return messages;
  const [embed = {}, ...embeds] = first.embeds;
  const marker = invisibleNonce(nonce);
  const marked: APIEmbed = embed.footer
    ? { ...embed, footer: { ...embed.footer, text: embed.footer.text + marker } }
    : embed.description
      ? { ...embed, description: embed.description + marker }
      : { ...embed, footer: { text: marker } };
  return [{ ...first, embeds: [marked, ...embeds] }, ...rest];
}

function textsOf(message: APIMessage): string[] {
  return [message.content, ...message.embeds.flatMap((e) => [e.description ?? '', e.footer?.text ?? ''])];
}

/**
 * Posts that no command triggered, on a channel with the bot token. A post's nonce is sent to Discord (which drops a
 * repeat made within minutes) and hidden in the post, so `findPost` can read the channel and find it later.
 */
export class DiscordMessenger implements Messenger {
  constructor(
    private readonly rest: REST,
    private readonly policy: RateLimitPolicy,
    /** The bot's own user id: only its messages count as found. */
    private readonly botUserId: () => string,
  ) {}

  async post(target: PostTarget, reply: Parameters<Messenger['post']>[1], options: { nonce?: string } = {}) {
    const encoded = encodeReply(reply);
    const messages = options.nonce ? withNonce(encoded, options.nonce) : encoded;
    return { messageId: await postToChannel(this.rest, target.channelId, messages, this.policy, options.nonce) };
  }

  /** Opens the bot's DM channel with the member (Discord returns the same one each time), then posts there. */
  async direct(target: DirectTarget, reply: Parameters<Messenger['post']>[1]) {
    const channel = (await withRateLimitRetry('open dm', this.policy, () =>
      this.rest.post(Routes.userChannels(), { body: { recipient_id: target.platformUserId } }),
    )) as { id: string };
    return { messageId: await postToChannel(this.rest, channel.id, encodeReply(reply), this.policy) };
  }

  async findPost(target: PostTarget, nonce: string, since: Date): Promise<PostLookup> {
    let after = SnowflakeUtil.generate({ timestamp: since.getTime() - SKEW_MS }).toString();
    for (let page = 0; page < LOOKUP_PAGES; page++) {
      const query = new URLSearchParams({ after, limit: '100' });
      const batch = (await withRateLimitRetry('list messages', this.policy, () =>
        this.rest.get(Routes.channelMessages(target.channelId), { query }),
      )) as APIMessage[];
      const mine = batch.find(
        (m) => m.author.id === this.botUserId() && textsOf(m).some((text) => noncesIn(text).includes(nonce)),
      );
      if (mine) return { found: true, messageId: mine.id };
      if (batch.length < 100) break;
      after = batch.reduce((max, m) => (BigInt(m.id) > BigInt(max) ? m.id : max), after);
    }
    return { found: false };
  }
}
