import { z } from 'zod';
import type { RecommenderSnapshotStore, StoredSnapshot } from '../../core/recommend/snapshot-store.ts';
import type { Db } from './database.ts';

const blendSchema = z.object({
  features: z.array(z.string()),
  weights: z.array(z.number()),
  mean: z.array(z.number()),
  std: z.array(z.number()),
});
const labelSchema = z.array(z.string());

/** Recommender snapshots on Prisma: one row per community, its groups and memberships replaced in one transaction. */
export class PrismaRecommenderSnapshotStore implements RecommenderSnapshotStore {
  constructor(private readonly db: Db) {}

  async save(snapshot: StoredSnapshot): Promise<void> {
    const { communityId } = snapshot;
    await this.db.$transaction(async (tx) => {
      // The delete cascades to the old groups and memberships.
      await tx.recommenderSnapshot.deleteMany({ where: { communityId } });
      await tx.recommenderSnapshot.create({
        data: {
          communityId,
          trainedAt: snapshot.trainedAt,
          modelId: snapshot.modelId,
          blend: JSON.stringify(snapshot.blend),
          silhouette: snapshot.silhouette,
          courses: snapshot.courses,
          events: snapshot.events,
        },
      });
      if (snapshot.groups.length > 0) {
        await tx.interestGroup.createMany({
          data: snapshot.groups.map((g) => ({
            communityId,
            index: g.index,
            label: JSON.stringify(g.label),
            size: g.size,
          })),
        });
      }
      const members = [...snapshot.membership.entries()];
      for (let i = 0; i < members.length; i += 5000) {
        await tx.interestGroupMember.createMany({
          data: members.slice(i, i + 5000).map(([memberId, groupIndex]) => ({ communityId, memberId, groupIndex })),
        });
      }
    });
  }

  async load(communityId: string): Promise<StoredSnapshot | null> {
    const row = await this.db.recommenderSnapshot.findUnique({
      where: { communityId },
      include: { groups: { orderBy: { index: 'asc' } }, members: true },
    });
    if (!row) return null;
    return {
      communityId,
      trainedAt: row.trainedAt,
      modelId: row.modelId,
      blend: blendSchema.parse(JSON.parse(row.blend)),
      silhouette: row.silhouette,
      courses: row.courses,
      events: row.events,
      groups: row.groups.map((g) => ({ index: g.index, label: labelSchema.parse(JSON.parse(g.label)), size: g.size })),
      membership: new Map(row.members.map((m) => [m.memberId, m.groupIndex])),
    };
  }
}
