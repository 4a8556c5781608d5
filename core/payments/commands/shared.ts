import { commandsFor } from '../../framework/command.ts';
import type { PaymentService } from '../payment-service.ts';

/** The payments feature's handles, as its commands see them in `ctx.services`. */
export interface PaymentsHandles {
  /** Payment providers, the money ledger and reconciliation. */
  payments: PaymentService;
}

export const definePaymentsCommand = commandsFor<PaymentsHandles>();

/** The short order reference people see (as commerce shows it). */
export const shortRef = (id: string) => id.slice(0, 8);
