import type { Clock } from '../../core/ports/clock.ts';
import type { PersonalDataSource } from '../../core/ports/personal-data.ts';
import type { Database, Db } from './database.ts';

/** Models (as the Prisma client names them) whose rows carry a communityId: what removing a community clears. */
export type CommunityTable = {
  [K in keyof Db]: Db[K] extends { deleteMany(args: { where: { communityId: string } }): unknown } ? K : never;
}[keyof Db] &
  string;

/**
 * A feature's storage half: the Prisma implementations of its store ports, the personal data it keeps (for
 * /privacy export and forget), and its tables with community rows (cleared when the community is removed).
 * It sits here because core knows no database; bots/features.ts pairs it with the feature's core half.
 */
export interface FeatureStorage<S> {
  /** The feature's stores over the app's database (its Prisma client, or its driver for hot paths). */
  stores(database: Pick<Database, 'prisma' | 'provider' | 'driver'>): S;
  personalData?(db: Db, clock: Clock): PersonalDataSource[];
  communityTables?: readonly CommunityTable[];
}

/** Identity helper that keeps the store type. */
export function defineStorage<S>(storage: FeatureStorage<S>): FeatureStorage<S> {
  return storage;
}
