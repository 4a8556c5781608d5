import type { AccessGranter, AccessTarget } from '../../core/ports/access.ts';

/** The console has no roles or channels; it records what a real platform would have unlocked. */
export class ConsoleAccess implements AccessGranter {
  readonly log: { action: 'grant' | 'revoke'; target: AccessTarget }[] = [];

  async grant(target: AccessTarget): Promise<void> {
    this.log.push({ action: 'grant', target });
  }

  async revoke(target: AccessTarget): Promise<void> {
    this.log.push({ action: 'revoke', target });
  }
}
