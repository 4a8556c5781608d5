import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../core/ports/clock.ts';
import type { PanelIdentity } from '../server.ts';

const LINK_TTL_MS = 24 * 3_600_000;

/**
 * One-time sign-in links for a person at this machine (the console sandbox prints one): whoever opens the link
 * first is signed in as the identity it was made for, and the link is spent. Kept in memory only, so a restart
 * makes every printed link useless.
 */
export class LocalSignInLinks {
  readonly #links = new Map<string, { who: PanelIdentity; expires: number }>();
  #issued = false;
  constructor(private readonly clock: Clock) {}

  issue(who: PanelIdentity): string {
    const token = randomBytes(24).toString('base64url');
    this.#issued = true;
    this.#links.set(token, { who, expires: this.clock.now().getTime() + LINK_TTL_MS });
    return token;
  }

  consume(token: string): PanelIdentity | null {
    const link = this.#links.get(token);
    if (!link) return null;
    this.#links.delete(token);
    return link.expires > this.clock.now().getTime() ? link.who : null;
  }

  /** Whether links are handed out here (the sandbox), so the sign-in page can point to them. */
  active(): boolean {
    return this.#issued;
  }
}
