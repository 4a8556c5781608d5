import type { RichReply } from '../../core/domain/reply.ts';
import type { Messenger, PostTarget } from '../../core/ports/messenger.ts';
import { encodeConsoleReply } from './encode.ts';

export interface ConsolePost {
  target: PostTarget;
  reply: RichReply;
  text: string;
  messageId: string;
}

/**
 * Posts that no command triggered (a scheduled digest, a notice to moderators) shown in the console as
 * `── #channel ──` blocks, and kept in `posts` so tests can read what was "sent".
 */
export class ConsoleMessenger implements Messenger {
  readonly posts: ConsolePost[] = [];
  #next = 1;

  constructor(private readonly write: (text: string) => void = () => {}) {}

  async post(target: PostTarget, reply: RichReply): Promise<{ messageId: string }> {
    const messageId = `console-${this.#next++}`;
    const text = encodeConsoleReply(reply);
    this.posts.push({ target, reply, text, messageId });
    this.write(`── #${target.channelId} ──\n${text}\n`);
    return { messageId };
  }
}
