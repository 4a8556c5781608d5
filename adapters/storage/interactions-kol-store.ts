import { randomUUID } from 'node:crypto';
import type { KolStore, LeaderboardSnapshot, SnapshotEntry } from '../../core/interactions/kol-store.ts';
import type { LeaderboardWindow, WhyFacts } from '../../core/interactions/leaderboard.ts';
import type { Db } from './database.ts';

/** Leaderboard snapshots and opt-outs on Prisma. Reading the top N is one indexed range scan on (snapshotId, rank). */
export class PrismaKolStore implements KolStore {
  constructor(private readonly db: Db) {}

  async setOptOut(communityId: string, memberId: string, optedOut: boolean, at: Date): Promise<void> {
    const where = { communityId_memberId: { communityId, memberId } };
    if (optedOut)
      await this.db.leaderboardOptOut.upsert({ where, create: { communityId, memberId, createdAt: at }, update: {} });
    else await this.db.leaderboardOptOut.deleteMany({ where: { communityId, memberId } });
  }

  async optedOut(communityId: string): Promise<Set<string>> {
    const rows = await this.db.leaderboardOptOut.findMany({ where: { communityId }, select: { memberId: true } });
    return new Set(rows.map((r) => r.memberId));
  }

  async saveSnapshot(snapshot: LeaderboardSnapshot): Promise<void> {
    const id = randomUUID();
    const key = { communityId: snapshot.communityId, window: snapshot.window, topic: snapshot.topic };
    await this.db.$transaction(
      async (tx) => {
        // Readers keep seeing the old snapshot until this commits (the delete cascades to its entries).
        await tx.leaderboardSnapshot.deleteMany({ where: key });
        await tx.leaderboardSnapshot.create({ data: { id, ...key, computedAt: snapshot.computedAt } });
        for (let i = 0; i < snapshot.entries.length; i += 5000) {
          await tx.leaderboardEntry.createMany({
            data: snapshot.entries.slice(i, i + 5000).map((e) => ({
              snapshotId: id,
              rank: e.rank,
              memberId: e.memberId,
              score: e.score,
              facts: JSON.stringify(e.facts),
            })),
          });
        }
      },
      { maxWait: 30_000, timeout: 120_000 },
    );
  }

  async top(
    communityId: string,
    windowName: LeaderboardWindow,
    topic: string,
    pageLimit: number,
    offset = 0,
  ): Promise<{ computedAt: Date; entries: SnapshotEntry[] } | null> {
    // Opted-out members are skipped before the offset counts, so page 2 starts right after page 1's last entry.
    const limit = pageLimit + offset;
    // Take the best `window` entries by the (snapshotId, rank) key first (ranks are dense, so `rank <= window` bounds
    // the index range even when the planner has no statistics yet), then drop opted-out members among those few:
    // the cost depends on `limit`, not on the community's size.
    // If opt-outs ate too much of the window, widen it and ask again.
    let rows: { memberId: string; rank: number; score: number; facts: string; computedAt: Date }[] = [];
    for (let window = limit * 3 + 20; ; window *= 4) {
      rows = await this.db.$queryRaw`
        SELECT c."memberId", c."rank", c."score", c."facts", c."computedAt"
        FROM (
          SELECT e."memberId", e."rank", e."score", e."facts", s."computedAt"
          FROM "LeaderboardSnapshot" s
          JOIN "LeaderboardEntry" e ON e."snapshotId" = s."id"
          WHERE s."communityId" = ${communityId} AND s."window" = ${windowName} AND s."topic" = ${topic}
            AND e."rank" <= ${window}
          ORDER BY e."rank"
        ) c
        WHERE NOT EXISTS (
          SELECT 1 FROM "LeaderboardOptOut" o WHERE o."communityId" = ${communityId} AND o."memberId" = c."memberId"
        )
        ORDER BY c."rank"
        LIMIT ${limit}`;
      if (rows.length >= limit || window >= 1_000_000) break;
      // Fewer than `limit` left: either the snapshot is short (done) or opt-outs filled the window (widen).
      const size = await this.db.leaderboardEntry.count({
        where: { snapshot: { communityId, window: windowName, topic } },
      });
      if (size <= window) break;
    }
    if (rows.length === 0) {
      const snapshot = await this.db.leaderboardSnapshot.findUnique({
        where: { communityId_window_topic: { communityId, window: windowName, topic } },
      });
      return snapshot ? { computedAt: snapshot.computedAt, entries: [] } : null;
    }
    return {
      computedAt: new Date(rows[0]!.computedAt),
      entries: rows.slice(offset).map((r) => ({
        memberId: r.memberId,
        rank: Number(r.rank),
        score: Number(r.score),
        facts: JSON.parse(r.facts) as WhyFacts,
      })),
    };
  }
}
