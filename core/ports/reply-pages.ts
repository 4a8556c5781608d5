import type { Locale } from '../domain/types.ts';
import type { PersonalScope } from './personal-data.ts';

/** An answer too long for one platform message, kept so the member can turn its pages (ADR 0018). */
export interface StoredPages {
  /** The pages in the platform's own encoding, in order. */
  pages: string[];
  locale: Locale;
  /** The member the answer was given to: their erasure deletes the pages, their export shows them. */
  requester: PersonalScope;
  /** The adapter's encoding of the reply's own buttons, shown under every page; absent when it had none. */
  keyboard?: string;
}

/** Durable, so any gateway can turn the pages of an answer another one gave; entries expire. */
export interface ReplyPageStore {
  /** Keeps the pages under `id` until `expiresAt`, and drops entries expired at `now`. */
  keep(id: string, stored: StoredPages, expiresAt: Date, now: Date): Promise<void>;
  /** The pages under `id`, or null when there are none or they expired at `at`. */
  read(id: string, at: Date): Promise<StoredPages | null>;
}
