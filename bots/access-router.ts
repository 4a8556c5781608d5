import { PlatformError } from '../core/errors.ts';
import type { AccessGranter, AccessTarget } from '../core/ports/access.ts';

/**
 * Routes "unlock this role/channel" to the platform the community lives on. A platform that cannot do it
 * (or is not running) makes the grant fail loudly in the log while the entitlement itself stands.
 */
export class AccessRouter implements AccessGranter {
  readonly #routes = new Map<string, AccessGranter>();

  register(platform: string, granter: AccessGranter): void {
    this.#routes.set(platform, granter);
  }

  grant(target: AccessTarget): Promise<void> {
    return this.#route(target).grant(target);
  }

  revoke(target: AccessTarget): Promise<void> {
    return this.#route(target).revoke(target);
  }

  #route(target: AccessTarget): AccessGranter {
    const granter = this.#routes.get(target.platform);
    if (!granter) {
      throw new PlatformError('ACCESS_UNSUPPORTED', `no access granter for ${target.platform}`, {
        platform: target.platform,
      });
    }
    return granter;
  }
}
