import { commandsFor } from '../../framework/command.ts';
import type { CommerceService } from '../commerce-service.ts';

/** The commerce feature's handles, as its commands see them in `ctx.services`. */
export interface CommerceHandles {
  /** Paid content: orders, entitlements, course access. */
  commerce: CommerceService;
}

/** defineCommand for the commerce feature's commands. */
export const defineCommerceCommand = commandsFor<CommerceHandles>();
