import type { DigestRunStore, DigestScheduleStore } from '../../core/content/ports.ts';
import type {
  DigestDelivery,
  DigestLanguage,
  DigestRun,
  DigestRunStatus,
  DigestSchedule,
  DropReason,
  NewDigestSchedule,
  RunDecision,
} from '../../core/content/types.ts';
import type { RichReply } from '../../core/domain/reply.ts';
import { inChunks } from './content-items.ts';
import { jsonStrings } from './content-sources.ts';
import type { Db } from './database.ts';
import type { DigestRun as RunRow, DigestSchedule as ScheduleRow } from './generated/sqlite/client.ts';
import { isUniqueViolation } from './prisma-errors.ts';

const toSchedule = (row: ScheduleRow): DigestSchedule => ({
  id: row.id,
  communityId: row.communityId,
  channelId: row.channelId,
  cron: row.cron,
  timezone: row.timezone,
  topics: jsonStrings(row.topics),
  minScore: row.minScore,
  maxItems: row.maxItems,
  language: row.language as DigestLanguage,
  paused: row.paused,
  requiresApproval: row.requiresApproval,
  createdById: row.createdById,
  createdAt: row.createdAt,
});

/** Up to this many items, deliveries are looked up by id; past it, the channel's are read whole. */
const DELIVERED_LOOKUP_IN_LIST = 2_000;

export class PrismaDigestScheduleStore implements DigestScheduleStore {
  constructor(private readonly db: Db) {}

  async create(schedule: NewDigestSchedule): Promise<DigestSchedule> {
    return toSchedule(await this.db.digestSchedule.create({ data: { ...schedule, topics: schedule.topics } }));
  }

  async get(id: string): Promise<DigestSchedule | null> {
    const row = await this.db.digestSchedule.findUnique({ where: { id } });
    return row ? toSchedule(row) : null;
  }

  async list(communityId: string): Promise<DigestSchedule[]> {
    const rows = await this.db.digestSchedule.findMany({ where: { communityId }, orderBy: { createdAt: 'asc' } });
    return rows.map(toSchedule);
  }

  async listAll(): Promise<DigestSchedule[]> {
    return (await this.db.digestSchedule.findMany({ orderBy: { createdAt: 'asc' } })).map(toSchedule);
  }

  async setPaused(id: string, paused: boolean): Promise<DigestSchedule> {
    return toSchedule(await this.db.digestSchedule.update({ where: { id }, data: { paused } }));
  }

  async remove(id: string): Promise<boolean> {
    const { count } = await this.db.digestSchedule.deleteMany({ where: { id } });
    return count > 0;
  }
}

const decisionsOf = (value: unknown): RunDecision[] =>
  Array.isArray(value)
    ? value.flatMap((d) => {
        // Stored compactly as [itemId, score, rank, reason]: a 5,000-candidate run stays a small row.
        if (!Array.isArray(d) || typeof d[0] !== 'string') return [];
        return [
          {
            itemId: d[0],
            score: Number(d[1]) || 0,
            rank: typeof d[2] === 'number' ? d[2] : null,
            reason: typeof d[3] === 'string' ? (d[3] as DropReason) : null,
          },
        ];
      })
    : [];

const compact = (decisions: RunDecision[]) =>
  decisions.map((d) => [d.itemId, Math.round(d.score * 10_000) / 10_000, d.rank, d.reason]);

const toRun = (row: RunRow): DigestRun => ({
  id: row.id,
  communityId: row.communityId,
  scheduleId: row.scheduleId,
  channelId: row.channelId,
  slotAt: row.slotAt,
  status: row.status as DigestRunStatus,
  claimedAt: row.claimedAt,
  postedAt: row.postedAt,
  messageId: row.messageId,
  itemIds: jsonStrings(row.itemIds),
  decisions: decisionsOf(row.decisions),
  reply: (row.reply as RichReply | null) ?? null,
  error: row.error,
});

export class PrismaDigestRunStore implements DigestRunStore {
  constructor(private readonly db: Db) {}

  async open(run: {
    communityId: string;
    scheduleId: string;
    channelId: string;
    slotAt: Date;
    claimedAt: Date;
  }): Promise<DigestRun> {
    const existing = await this.getBySlot(run.scheduleId, run.slotAt);
    if (existing) return existing;
    try {
      return toRun(await this.db.digestRun.create({ data: { ...run, status: 'claimed', itemIds: [], decisions: [] } }));
    } catch (error) {
      const raced = isUniqueViolation(error) ? await this.getBySlot(run.scheduleId, run.slotAt) : null;
      if (!raced) throw error;
      return raced;
    }
  }

  async get(id: string): Promise<DigestRun | null> {
    const row = await this.db.digestRun.findUnique({ where: { id } });
    return row ? toRun(row) : null;
  }

  async getBySlot(scheduleId: string, slotAt: Date): Promise<DigestRun | null> {
    const row = await this.db.digestRun.findUnique({ where: { scheduleId_slotAt: { scheduleId, slotAt } } });
    return row ? toRun(row) : null;
  }

  async finish(
    id: string,
    patch: {
      status: DigestRunStatus;
      postedAt?: Date | null;
      messageId?: string | null;
      itemIds?: string[];
      decisions?: RunDecision[];
      reply?: RichReply | null;
      error?: string | null;
    },
    expectStatus?: DigestRunStatus,
  ): Promise<DigestRun | null> {
    const data = {
      status: patch.status,
      ...(patch.postedAt !== undefined ? { postedAt: patch.postedAt } : {}),
      ...(patch.messageId !== undefined ? { messageId: patch.messageId } : {}),
      ...(patch.itemIds !== undefined ? { itemIds: patch.itemIds } : {}),
      ...(patch.decisions !== undefined ? { decisions: compact(patch.decisions) } : {}),
      ...(patch.reply !== undefined ? { reply: (patch.reply ?? undefined) as object | undefined } : {}),
      ...(patch.error !== undefined ? { error: patch.error } : {}),
    };
    // A conditional update is the compare-and-set that keeps approvals from posting twice.
    const { count } = await this.db.digestRun.updateMany({
      where: { id, ...(expectStatus ? { status: expectStatus } : {}) },
      data,
    });
    return count > 0 ? this.get(id) : null;
  }

  async awaitingApproval(scheduleId: string): Promise<DigestRun[]> {
    const rows = await this.db.digestRun.findMany({
      where: { scheduleId, status: 'awaiting_approval' },
      orderBy: { slotAt: 'asc' },
    });
    return rows.map(toRun);
  }

  async recent(communityId: string, limit: number): Promise<DigestRun[]> {
    const rows = await this.db.digestRun.findMany({ where: { communityId }, orderBy: { slotAt: 'desc' }, take: limit });
    return rows.map(toRun);
  }

  async recordDeliveries(deliveries: readonly DigestDelivery[]): Promise<number> {
    let written = 0;
    for (const delivery of deliveries) {
      try {
        await this.db.digestDelivery.create({ data: delivery });
        written++;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    return written;
  }

  async deliveredIn(communityId: string, channelId: string, itemIds: readonly string[]): Promise<Set<string>> {
    if (itemIds.length === 0) return new Set();
    if (itemIds.length > DELIVERED_LOOKUP_IN_LIST) {
      // Many candidates: one read of the channel's deliveries (a few a day) beats an IN list per 400 of them.
      const wanted = new Set(itemIds);
      const all = await this.db.digestDelivery.findMany({
        where: { communityId, channelId },
        select: { itemId: true },
      });
      return new Set(all.map((r) => r.itemId).filter((id) => wanted.has(id)));
    }
    const rows = await inChunks(itemIds, (chunk) =>
      this.db.digestDelivery.findMany({
        where: { communityId, channelId, itemId: { in: chunk } },
        select: { itemId: true },
      }),
    );
    return new Set(rows.map((r) => r.itemId));
  }

  async deliveredAnywhere(communityId: string, itemIds: readonly string[]): Promise<Set<string>> {
    if (itemIds.length === 0) return new Set();
    const rows = await inChunks(itemIds, (chunk) =>
      this.db.digestDelivery.findMany({ where: { communityId, itemId: { in: chunk } }, select: { itemId: true } }),
    );
    return new Set(rows.map((r) => r.itemId));
  }

  async deliveriesOf(communityId: string, itemId: string): Promise<DigestDelivery[]> {
    return this.db.digestDelivery.findMany({ where: { communityId, itemId }, orderBy: { deliveredAt: 'asc' } });
  }
}
