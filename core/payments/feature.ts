import { defineFeature, type FeatureContext } from '../framework/feature.ts';
import { ledgerCommand, payoutCommand, premiumSkuCommand, reconcileCommand, refundCommand } from './commands/ledger.ts';
import { billingCommand, payCommand } from './commands/pay.ts';
import type { PaymentsHandles } from './commands/shared.ts';
import { paymentsIntegrityCheck } from './integrity.ts';
import { paymentsMessages } from './messages.ts';
import { PaymentService } from './payment-service.ts';
import type { PaymentStore } from './ports.ts';

/**
 * Payment providers and money: Stripe, Telegram Stars and Discord premium apps move orders and access through
 * commerce's `paidAccess` port; every payment, fee, refund and payout lands in the creator's money ledger; an
 * hourly reconciliation compares the providers' records with ours. Providers are registered by the composition
 * root (Stripe) and the platform adapters (Stars); with none, manual `/order confirm` is how orders are paid.
 */
export const paymentsFeature = defineFeature({
  name: 'payments',
  messages: paymentsMessages,
  services: (ctx: FeatureContext<PaymentStore>): PaymentsHandles => ({
    payments: new PaymentService({
      store: ctx.stores,
      access: () => ctx.port('paidAccess'),
      clock: ctx.clock,
      log: ctx.log,
      settings: ctx.settings.payments,
      courses: ctx.core.courses,
      translator: ctx.core.translator,
    }),
  }),
  integrity: (_handles, { stores }) => [paymentsIntegrityCheck(stores)],
  commands: [
    payCommand,
    billingCommand,
    ledgerCommand,
    refundCommand,
    payoutCommand,
    reconcileCommand,
    premiumSkuCommand,
  ],
  jobs: ({ payments }, { clock }) => [
    {
      name: 'payments:reconcile',
      schedule: { everyMs: 60 * 60_000 },
      run: () => payments.reconcile(new Date(clock.now().getTime() - payments.reconcileWindowMs)),
    },
  ],
});
