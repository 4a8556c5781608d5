import { randomBytes } from 'node:crypto';
import type { RichReply } from '../../core/domain/reply.ts';
import type { Clock } from '../../core/ports/clock.ts';

const TTL_MS = 5 * 60_000;
const MAX = 2_000;

/**
 * A command's reply, kept for the page the form redirects back to (a reply can be larger than a cookie may hold).
 * Only the member who ran the command can take it, once, within five minutes.
 */
export class FlashBox {
  readonly #entries = new Map<string, { owner: string; reply: RichReply; at: number }>();
  constructor(private readonly clock: Clock) {}

  put(owner: string, reply: RichReply): string {
    const now = this.clock.now().getTime();
    for (const [id, entry] of this.#entries)
      if (now - entry.at > TTL_MS || this.#entries.size > MAX) this.#entries.delete(id);
    const id = randomBytes(12).toString('base64url');
    this.#entries.set(id, { owner, reply, at: now });
    return id;
  }

  take(id: string, owner: string): RichReply | null {
    const entry = this.#entries.get(id);
    if (!entry || entry.owner !== owner || this.clock.now().getTime() - entry.at > TTL_MS) return null;
    this.#entries.delete(id);
    return entry.reply;
  }
}
