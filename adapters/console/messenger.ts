import type { RichReply } from '../../core/domain/reply.ts';
import type { DirectTarget, Messenger, PostLookup, PostOptions, PostTarget } from '../../core/ports/messenger.ts';
import { encodeConsoleReply } from './encode.ts';

export interface ConsolePost {
  target: PostTarget;
  reply: RichReply;
  text: string;
  messageId: string;
  nonce: string | null;
  postedAt: Date;
}

/**
 * Posts that no command triggered (a scheduled digest, a notice to moderators) shown in the console as
 * `── #channel ──` blocks, and kept in `posts` so tests can read what was "sent" and `findPost` can look a post up.
 */
export class ConsoleMessenger implements Messenger {
  readonly posts: ConsolePost[] = [];
  #next = 1;

  constructor(private readonly write: (text: string) => void = () => {}) {}

  async post(target: PostTarget, reply: RichReply, options: PostOptions = {}): Promise<{ messageId: string }> {
    const messageId = `console-${this.#next++}`;
    const text = encodeConsoleReply(reply);
    this.posts.push({ target, reply, text, messageId, nonce: options.nonce ?? null, postedAt: new Date() });
    this.write(`── #${target.channelId} ──\n${text}\n`);
    return { messageId };
  }

  /** A direct message shows as a `── @user (private) ──` block; tests read it from `posts` (channel `@<user id>`). */
  async direct(target: DirectTarget, reply: RichReply): Promise<{ messageId: string }> {
    const messageId = `console-${this.#next++}`;
    const text = encodeConsoleReply(reply);
    const channelId = `@${target.platformUserId}`;
    this.posts.push({ target: { ...target, channelId }, reply, text, messageId, nonce: null, postedAt: new Date() });
    this.write(`── ${channelId} (private) ──\n${text}\n`);
    return { messageId };
  }

  async findPost(target: PostTarget, nonce: string, _since?: Date): Promise<PostLookup> {
    const post = this.posts.find((p) => p.nonce === nonce && p.target.channelId === target.channelId);
    return post ? { found: true, messageId: post.messageId } : { found: false };
  }
}
