import type { PersonalDataSource, PersonalScope } from '../../core/ports/personal-data.ts';
import type { Db } from './database.ts';
import { defineStorage } from './feature-storage.ts';
import { PrismaPaymentStore } from './payments-store.ts';

/** The payments feature's storage half (core half: core/payments/feature.ts). */
export const paymentsStorage = defineStorage({
  stores: ({ prisma }) => new PrismaPaymentStore(prisma),
  personalData: (db) => [paymentsSource(db)],
  communityTables: ['payment', 'paidSubscription', 'moneyEntry', 'paymentDiscrepancy', 'premiumSku'],
});

/** A member's payments: shown on export; kept on erasure (accounting), tied to the pseudonymised member. */
export function paymentsSource(db: Db): PersonalDataSource {
  return {
    name: 'payments',
    async export({ communityId, memberId }: PersonalScope) {
      const payments = await db.payment.findMany({
        where: { communityId, memberId },
        select: { provider: true, orderId: true, amountMinor: true, currency: true, status: true, createdAt: true },
      });
      return { payments };
    },
    async forget() {
      // Payments are accounting records the operator must keep; the member row itself is pseudonymised.
      return 0;
    },
  };
}
