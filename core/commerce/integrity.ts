import type { IntegrityCheck } from '../ports/integrity.ts';
import type { CommerceStore } from './ports.ts';

/** Paid content's invariants: a paid order gives exactly its access, and a purchased access has its paid order. */
export function commerceIntegrityCheck(store: Pick<CommerceStore, 'integrity'>): IntegrityCheck {
  return async (communityId) => {
    const counts = await store.integrity(communityId);
    return [
      {
        check: 'paidWithoutEntitlement',
        i18nKey: 'commerce:integrity.paidWithoutEntitlement',
        count: counts.paidWithoutEntitlement,
      },
      {
        check: 'entitlementsWithoutPaidOrder',
        i18nKey: 'commerce:integrity.entitlementsWithoutPaidOrder',
        count: counts.entitlementsWithoutPaidOrder,
      },
    ];
  };
}
