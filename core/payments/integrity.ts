import type { IntegrityCheck } from '../ports/integrity.ts';
import type { PaymentStore } from './ports.ts';

/** Reconciliation's open findings are reported to moderators by the hourly integrity check. */
export function paymentsIntegrityCheck(store: Pick<PaymentStore, 'discrepancies'>): IntegrityCheck {
  return async (communityId) => [
    {
      check: 'openPaymentDiscrepancies',
      i18nKey: 'payments:integrity.openDiscrepancies',
      count: (await store.discrepancies(communityId, 'open')).length,
    },
  ];
}
