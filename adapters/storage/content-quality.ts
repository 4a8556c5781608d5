import type { QualityInputRecord, QualityStore } from '../../core/content/ports.ts';
import { type QualityLayerState, qualityLayerStateSchema } from '../../core/content/scoring/community-layer.ts';
import { inChunks } from './content-items.ts';
import type { Db } from './database.ts';
import type { ContentQualityInput as InputRow } from './generated/sqlite/client.ts';
import { isUniqueViolation } from './prisma-errors.ts';

const toRecord = (row: InputRow): QualityInputRecord => ({
  itemId: row.itemId,
  communityId: row.communityId,
  kind: row.kind,
  baseQuality: row.baseQuality,
  features: Float64Array.from(
    Array.isArray(row.features) ? (row.features as unknown[]).map((v) => Number(v) || 0) : [],
  ),
  publishedAt: row.publishedAt,
});

/** The per-community quality layer's inputs and states (core/content/scoring/community-layer.ts). */
export class PrismaQualityStore implements QualityStore {
  constructor(private readonly db: Db) {}

  async saveInputs(records: readonly QualityInputRecord[]): Promise<void> {
    if (records.length === 0) return;
    const rows = records.map((r) => ({ ...r, features: Array.from(r.features) }));
    try {
      await this.db.contentQualityInput.createMany({ data: rows });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Another process stored the same items' inputs first (a race on one feed): theirs stand.
      for (const row of rows) {
        await this.db.contentQualityInput.create({ data: row }).catch((inner: unknown) => {
          if (!isUniqueViolation(inner)) throw inner;
        });
      }
    }
  }

  async inputsSince(communityId: string, since: Date, limit: number): Promise<QualityInputRecord[]> {
    const rows = await this.db.contentQualityInput.findMany({
      where: { communityId, publishedAt: { gte: since } },
      orderBy: { publishedAt: 'desc' },
      take: limit,
    });
    return rows.map(toRecord);
  }

  async inputsOf(itemIds: readonly string[]): Promise<Map<string, QualityInputRecord>> {
    const rows = await inChunks([...new Set(itemIds)], (ids) =>
      this.db.contentQualityInput.findMany({ where: { itemId: { in: ids } } }),
    );
    return new Map(rows.map((row) => [row.itemId, toRecord(row)]));
  }

  async activeCommunities(since: Date): Promise<string[]> {
    const rows = await this.db.contentQualityInput.findMany({
      where: { publishedAt: { gte: since } },
      distinct: ['communityId'],
      select: { communityId: true },
    });
    return rows.map((r) => r.communityId);
  }

  async getLayer(communityId: string): Promise<QualityLayerState | null> {
    const row = await this.db.communityQualityLayer.findUnique({ where: { communityId } });
    if (!row) return null;
    // A state written by another version of the layer is ignored (the next run replaces it), never half-read.
    const parsed = qualityLayerStateSchema.safeParse(row.state);
    return parsed.success ? parsed.data : null;
  }

  async saveLayer(communityId: string, state: QualityLayerState): Promise<void> {
    const data = { state, trainedAt: new Date(state.trainedAt), examples: state.examples };
    await this.db.communityQualityLayer.upsert({
      where: { communityId },
      create: { communityId, ...data },
      update: data,
    });
  }
}
