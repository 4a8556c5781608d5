/**
 * Invariant checks over a feature's stored data (the ledger balances, every paid order has its access, …), run
 * periodically by core/interactions/ledger-integrity.ts. A feature contributes a check; each finding names the
 * invariant, the message that explains it (its own namespace) and how many rows break it.
 */
export interface IntegrityFinding {
  /** Stable name of the invariant, e.g. `transfersWithoutEvent`. */
  check: string;
  /** i18n key of a line that states the problem, with `{{count}}`. */
  i18nKey: string;
  /** Rows (or points) that break it; 0 when sound. */
  count: number;
}

export type IntegrityCheck = (communityId: string) => Promise<IntegrityFinding[]>;
