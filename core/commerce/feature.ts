import { defineFeature, type FeatureContext } from '../framework/feature.ts';
import type { PaidAccess } from '../ports/paid-access.ts';
import { buyCommand, myCoursesCommand } from './commands/buy.ts';
import { courseAddCommand } from './commands/course-add.ts';
import { courseGrantCommand } from './commands/course-grant.ts';
import { courseAccessCommand, coursePromoteCommand, courseShowCommand } from './commands/course-show.ts';
import { orderCancelCommand, orderConfirmCommand, ordersCommand } from './commands/orders.ts';
import type { CommerceHandles } from './commands/shared.ts';
import { CommerceService } from './commerce-service.ts';
import { commerceIntegrityCheck } from './integrity.ts';
import { commerceMessages } from './messages.ts';
import { paidAccessOf } from './paid-access.ts';
import type { CommerceStore } from './ports.ts';

/** Paid content: creators list and promote courses; members buy; creators confirm; entitlements unlock access. */
export const commerceFeature = defineFeature<CommerceStore, CommerceHandles & { paidAccess: PaidAccess }>({
  name: 'commerce',
  messages: commerceMessages,
  services: (ctx: FeatureContext<CommerceStore>): CommerceHandles & { paidAccess: PaidAccess } => {
    const commerce = new CommerceService({
      store: ctx.stores,
      courses: ctx.core.courses,
      members: ctx.core.members,
      communities: ctx.core.communities,
      access: ctx.access,
      log: ctx.log,
    });
    return { commerce, paidAccess: paidAccessOf(commerce, ctx.stores, ctx.core.courses) };
  },
  // Payment providers (the payments feature) move orders and access through this port.
  provides: ({ paidAccess }) => ({ paidAccess }),
  integrity: (_handles, { stores }) => [commerceIntegrityCheck(stores)],
  commands: [
    courseShowCommand,
    buyCommand,
    myCoursesCommand,
    courseAddCommand,
    coursePromoteCommand,
    courseAccessCommand,
    courseGrantCommand,
    ordersCommand,
    orderConfirmCommand,
    orderCancelCommand,
  ],
  // Subscriptions and memberships that ended lose the role or channel they unlocked.
  jobs: ({ commerce }, { clock }) => [
    {
      name: 'commerce:access-expiry',
      schedule: { everyMs: 10 * 60_000 },
      run: () => commerce.endExpiredAccess(clock.now()),
    },
  ],
});
