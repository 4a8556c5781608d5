import { shortId } from '../../core/domain/short-id.ts';
import type {
  Course,
  EventVerb,
  InteractionEvent,
  NewInteractionEvent,
  PaymentModel,
  Platform,
} from '../../core/domain/types.ts';
import type { PersonalDataSource, PersonalScope } from '../../core/ports/personal-data.ts';
import type {
  CourseEdit,
  CourseStore,
  DeliveryClaim,
  DeliveryStore,
  EventQuery,
  EventStore,
  KeptCommand,
  NewCourse,
  ResumableCommand,
} from '../../core/ports/stores.ts';
import type { Db } from './database.ts';
import type { Course as CourseRow, InteractionEvent as EventRow } from './generated/sqlite/client.ts';
import { isUniqueViolation } from './prisma-errors.ts';

const toCourse = (row: CourseRow): Course => ({
  id: row.id,
  communityId: row.communityId,
  creatorId: row.creatorId,
  title: row.title,
  description: row.description,
  tags: Array.isArray(row.tags) ? (row.tags as string[]) : [],
  language: row.language,
  priceMinor: row.priceMinor,
  currency: row.currency,
  paymentModel: row.paymentModel as PaymentModel,
  url: row.url,
  createdAt: row.createdAt,
});

export class PrismaCourseStore implements CourseStore {
  constructor(private readonly db: Db) {}

  /** Gives the course a short random id (the one on its card), drawing again in the unlikely case it is taken. */
  async create(course: NewCourse): Promise<Course> {
    for (let attempt = 0; ; attempt++) {
      const id = attempt === 0 && course.id ? course.id : shortId();
      try {
        return toCourse(await this.db.course.create({ data: { ...course, id, tags: course.tags } }));
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 4) throw error;
        // The same request run again: the course it made is the answer.
        const existing = course.id && attempt === 0 ? await this.db.course.findUnique({ where: { id } }) : null;
        if (existing && existing.communityId === course.communityId && existing.title === course.title)
          return toCourse(existing);
      }
    }
  }

  async get(id: string): Promise<Course | null> {
    const row = await this.db.course.findUnique({ where: { id } });
    return row ? toCourse(row) : null;
  }

  async list(communityId: string, filter: { tag?: string; limit?: number; offset?: number } = {}): Promise<Course[]> {
    const rows = await this.db.course.findMany({ where: { communityId }, orderBy: { createdAt: 'desc' } });
    // Tags are a JSON array; filtering in memory keeps one query shape for SQLite and PostgreSQL.
    const tag = filter.tag?.toLowerCase();
    const matching = rows.map(toCourse).filter((c) => !tag || c.tags.some((t) => t.toLowerCase() === tag));
    const offset = filter.offset ?? 0;
    return matching.slice(offset, filter.limit === undefined ? undefined : offset + filter.limit);
  }

  count(communityId: string): Promise<number> {
    return this.db.course.count({ where: { communityId } });
  }

  async update(id: string, patch: CourseEdit, at: Date): Promise<Course> {
    return toCourse(await this.db.course.update({ where: { id }, data: { ...patch, updatedAt: at } }));
  }

  async catalogueVersion(communityId: string): Promise<string> {
    const { _count, _max } = await this.db.course.aggregate({
      where: { communityId },
      _count: { _all: true },
      _max: { createdAt: true, updatedAt: true },
    });
    return `${_count._all}:${_max.createdAt?.getTime() ?? 0}:${_max.updatedAt?.getTime() ?? 0}`;
  }
}

const toEvent = (row: EventRow): InteractionEvent => ({
  id: row.id,
  communityId: row.communityId,
  actorId: row.actorId,
  verb: row.verb as EventVerb,
  objectType: row.objectType,
  objectId: row.objectId,
  targetMemberId: row.targetMemberId,
  channelId: row.channelId,
  platform: row.platform as Platform,
  occurredAt: row.occurredAt,
  metadata: (row.metadata ?? {}) as Record<string, unknown>,
});

const toRow = (event: NewInteractionEvent) => ({
  communityId: event.communityId,
  actorId: event.actorId,
  verb: event.verb,
  objectType: event.objectType,
  objectId: event.objectId,
  targetMemberId: event.targetMemberId,
  channelId: event.channelId,
  platform: event.platform,
  occurredAt: event.occurredAt,
  metadata: event.metadata as object,
  dedupKey: event.dedupKey ?? null,
});

export class PrismaEventStore implements EventStore {
  constructor(private readonly db: Db) {}

  async append(event: NewInteractionEvent): Promise<{ appended: boolean }> {
    try {
      await this.db.interactionEvent.create({ data: toRow(event) });
      return { appended: true };
    } catch (error) {
      if (isUniqueViolation(error)) return { appended: false };
      throw error;
    }
  }

  async appendMany(events: readonly NewInteractionEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const keys = events.map((e) => e.dedupKey).filter((k): k is string => typeof k === 'string');
    const seen = new Set<string>();
    for (let i = 0; i < keys.length; i += 500) {
      const rows = await this.db.interactionEvent.findMany({
        where: { dedupKey: { in: keys.slice(i, i + 500) } },
        select: { dedupKey: true },
      });
      for (const row of rows) if (row.dedupKey) seen.add(row.dedupKey);
    }
    const fresh = events.filter((e) => {
      if (!e.dedupKey) return true;
      if (seen.has(e.dedupKey)) return false;
      seen.add(e.dedupKey);
      return true;
    });
    try {
      const result = await this.db.interactionEvent.createMany({ data: fresh.map(toRow) });
      return result.count;
    } catch (error) {
      // Another writer took a key between our check and insert: fall back to one-by-one.
      if (!isUniqueViolation(error)) throw error;
      let written = 0;
      for (const event of fresh) if ((await this.append(event)).appended) written++;
      return written;
    }
  }

  async query(query: EventQuery): Promise<InteractionEvent[]> {
    const rows = await this.db.interactionEvent.findMany({
      where: {
        communityId: query.communityId,
        actorId: query.actorId,
        verb: query.verbs ? { in: [...query.verbs] } : undefined,
        occurredAt: { gte: query.since, lt: query.until },
      },
      orderBy: query.newestFirst ? [{ occurredAt: 'desc' }, { id: 'desc' }] : [{ occurredAt: 'asc' }, { id: 'asc' }],
      take: query.limit,
    });
    return rows.map(toEvent);
  }

  count(communityId: string): Promise<number> {
    return this.db.interactionEvent.count({ where: { communityId } });
  }
}

export class PrismaDeliveryStore implements DeliveryStore {
  constructor(private readonly db: Db) {}

  async claim(key: string, at: Date, leaseUntil: Date): Promise<DeliveryClaim> {
    try {
      await this.db.processedDelivery.create({ data: { key, createdAt: at, leaseUntil } });
      return 'first';
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    // Taken over only when unfinished and its lease is over; the compare-and-set lets one claimer win.
    const { count } = await this.db.processedDelivery.updateMany({
      where: { key, finishedAt: null, leaseUntil: { not: null, lt: at } },
      data: { leaseUntil },
    });
    if (count === 1) return 'retry';
    const row = await this.db.processedDelivery.findUnique({ where: { key }, select: { finishedAt: true } });
    return row && row.finishedAt === null ? 'in-progress' : 'duplicate';
  }

  async finish(key: string, at: Date, options: { resumable?: boolean } = {}): Promise<void> {
    const finished = this.db.processedDelivery.updateMany({
      where: { key },
      data: { finishedAt: at, leaseUntil: null },
    });
    if (!options.resumable) {
      await finished;
      return;
    }
    await this.db.$transaction([finished, this.db.resumableCommand.deleteMany({ where: { key } })]);
  }

  async keepResumable(kept: KeptCommand, at: Date): Promise<void> {
    const { key, platform, spaceId, userId, command, resume } = kept;
    // Only for an unfinished delivery: an erasure finishes its member's deliveries (ADR 0018).
    await this.db.$transaction(async (tx) => {
      const open = await tx.processedDelivery.findFirst({ where: { key, finishedAt: null }, select: { key: true } });
      if (!open) return;
      await tx.resumableCommand.upsert({
        where: { key },
        create: { key, platform, spaceId, userId, command, resume, createdAt: at },
        update: { resume },
      });
    });
  }

  async abandoned(platform: string, at: Date, limit: number): Promise<ResumableCommand[]> {
    const kept = await this.db.resumableCommand.findMany({
      where: { platform },
      orderBy: { createdAt: 'asc' },
      select: { key: true, resume: true },
    });
    if (kept.length === 0) return [];
    const over = await this.db.processedDelivery.findMany({
      where: { key: { in: kept.map((k) => k.key) }, finishedAt: null, leaseUntil: { not: null, lt: at } },
      select: { key: true },
    });
    const keys = new Set(over.map((o) => o.key));
    return kept.filter((k) => keys.has(k.key)).slice(0, limit);
  }
}

/** The event log as personal data: read last, since other sources find a member's rows through their events. */
export function eventLogSource(db: Db): PersonalDataSource {
  return {
    name: 'events',
    async export({ communityId, memberId }: PersonalScope) {
      const rows = await db.interactionEvent.findMany({
        where: { communityId, actorId: memberId },
        orderBy: { occurredAt: 'asc' },
        select: { verb: true, objectType: true, objectId: true, occurredAt: true, metadata: true, platform: true },
      });
      return rows;
    },
    async forget({ communityId, memberId }: PersonalScope) {
      // Their own actions go; others' actions towards them stay (they belong to the others) but lose the link.
      const own = await db.interactionEvent.deleteMany({ where: { communityId, actorId: memberId } });
      const towards = await db.interactionEvent.updateMany({
        where: { communityId, targetMemberId: memberId },
        data: { targetMemberId: null },
      });
      return own.count + towards.count;
    },
  };
}
