import { z } from 'zod';
import type { PaymentService } from '../../core/payments/payment-service.ts';
import type { Logger } from '../../core/ports/logger.ts';

/**
 * Discord premium apps: SKUs are created in the Developer Portal; an operator links one to a course with
 * `/payments sku`. ENTITLEMENT_CREATE / UPDATE / DELETE (from the Gateway, through discord.js, or as webhook events)
 * become that course's access, keyed by the entitlement id, so a repeated event changes nothing.
 */
export const RawEntitlement = z.object({
  id: z.string(),
  sku_id: z.string(),
  user_id: z.string().optional(),
  guild_id: z.string().nullable().optional(),
  /** 4 TEST_MODE_PURCHASE (a test entitlement), 8 APPLICATION_SUBSCRIPTION, 1 PURCHASE, … */
  type: z.number().int(),
  deleted: z.boolean().optional(),
  starts_at: z.string().nullable().optional(),
  ends_at: z.string().nullable().optional(),
});

/** A webhook event delivery (Developer Portal → Webhooks): PING (type 0) or an event (type 1). Never has a token. */
export const WebhookEventBody = z.object({
  version: z.literal(1),
  application_id: z.string(),
  type: z.union([z.literal(0), z.literal(1)]),
  event: z.object({ type: z.string(), timestamp: z.string(), data: z.unknown() }).optional(),
});

const KINDS = { ENTITLEMENT_CREATE: 'create', ENTITLEMENT_UPDATE: 'update', ENTITLEMENT_DELETE: 'delete' } as const;

/** Handles one entitlement event by its Gateway/webhook name; false when `t` is not one. */
export function premiumEvents(deps: {
  payments: PaymentService;
  log: Logger;
  now: () => Date;
}): (t: string | null | undefined, data: unknown) => Promise<boolean> {
  return async (t, data) => {
    const kind = t ? KINDS[t as keyof typeof KINDS] : undefined;
    if (!kind) return false;
    const parsed = RawEntitlement.safeParse(data);
    if (!parsed.success) {
      deps.log.warn({ t, issues: parsed.error.issues.slice(0, 3) }, 'unreadable entitlement event');
      return true;
    }
    const e = parsed.data;
    if (!e.user_id) {
      deps.log.info({ entitlement: e.id }, 'guild-wide entitlement: no member to give access to');
      return true;
    }
    const result = await deps.payments.premiumEntitlement(kind, {
      entitlementId: e.id,
      skuId: e.sku_id,
      platformUserId: e.user_id,
      endsAt: e.ends_at ? new Date(e.ends_at) : null,
      deleted: e.deleted === true,
      test: e.type === 4,
      at: deps.now(),
    });
    deps.log.info({ t, entitlement: e.id, sku: e.sku_id, result }, 'discord entitlement');
    return true;
  };
}
