import type { PersonalDataSource, PersonalScope } from '../../core/ports/personal-data.ts';
import type { Db } from './database.ts';
import { defineStorage } from './feature-storage.ts';
import { PrismaRecommenderSnapshotStore } from './recommend-snapshot-store.ts';

/** The recommend feature's storage half (core half: core/recommend/feature.ts). */
export const recommendStorage = defineStorage({
  stores: ({ prisma }) => new PrismaRecommenderSnapshotStore(prisma),
  personalData: (db) => [interestGroupSource(db)],
  communityTables: ['interestGroupMember', 'interestGroup', 'recommenderSnapshot'],
});

/** The interest group a member was placed in (profiles themselves are computed from the event log, erased above). */
export function interestGroupSource(db: Db): PersonalDataSource {
  return {
    name: 'interest_group',
    async export({ communityId, memberId }: PersonalScope) {
      return db.interestGroupMember.findUnique({
        where: { communityId_memberId: { communityId, memberId } },
        select: { groupIndex: true },
      });
    },
    async forget({ communityId, memberId }: PersonalScope) {
      return (await db.interestGroupMember.deleteMany({ where: { communityId, memberId } })).count;
    },
  };
}
