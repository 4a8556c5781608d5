/** Whose data: one member of one community. */
export interface PersonalScope {
  communityId: string;
  memberId: string;
}

/**
 * A feature's share of a member's personal data. Each feature that stores personal data registers one, so
 * `/privacy export` and `/privacy forget` reach every table without the privacy code knowing them all.
 */
export interface PersonalDataSource {
  /** Section name in the export, e.g. `events`, `ledger`, `profile`. */
  readonly name: string;
  export(scope: PersonalScope): Promise<unknown>;
  /**
   * Erases or pseudonymises what belongs to the member and returns how many records it touched.
   * Records others rely on (ledger postings that keep balances right, paid orders) are kept but detached from
   * anything that identifies the person.
   */
  forget(scope: PersonalScope): Promise<number>;
}
