import type { AccessGranter } from '../../core/ports/access.ts';
import type { Messenger } from '../../core/ports/messenger.ts';

/**
 * A platform as a process without a connection to it sees it: a REST client that posts (digests, notices, reports)
 * and grants course access, but receives nothing. Workers and web processes use these (docs/adr/0016).
 */
export interface PostOnlyPlatform {
  name: 'discord' | 'slack' | 'telegram';
  messenger: Messenger;
  access?: AccessGranter;
  stop(): Promise<void>;
}
