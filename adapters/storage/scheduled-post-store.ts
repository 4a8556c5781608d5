import {
  type NewScheduledPost,
  SCHEDULED_POST_STATUSES,
  type ScheduledPost,
  type ScheduledPostExpectation,
  type ScheduledPostPatch,
  type ScheduledPostStatus,
  type ScheduledPostStore,
} from '../../core/ports/scheduled-posts.ts';
import type { Db } from './database.ts';
import type { ScheduledPost as Row } from './generated/sqlite/client.ts';
import { isUniqueViolation } from './prisma-errors.ts';

const statusOf = (raw: string): ScheduledPostStatus => {
  if ((SCHEDULED_POST_STATUSES as readonly string[]).includes(raw)) return raw as ScheduledPostStatus;
  throw new Error(`unknown scheduled post status ${raw}`);
};

const toPost = (row: Row): ScheduledPost => ({ ...row, status: statusOf(row.status) });

/**
 * Scheduled posts on Prisma. The unique (job, subject, slotAt) key is the claim; every state change is a conditional
 * update on the state the caller saw, so two processes can never both win a slot, a takeover or a retry.
 */
export class PrismaScheduledPostStore implements ScheduledPostStore {
  constructor(private readonly db: Db) {}

  async claim(post: NewScheduledPost): Promise<ScheduledPost | null> {
    try {
      return toPost(await this.db.scheduledPost.create({ data: { ...post, status: 'claimed', attempts: 1 } }));
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  async get(job: string, subject: string, slotAt: Date): Promise<ScheduledPost | null> {
    const row = await this.db.scheduledPost.findUnique({ where: { job_subject_slotAt: { job, subject, slotAt } } });
    return row ? toPost(row) : null;
  }

  async latestSlot(job: string, subject: string): Promise<Date | null> {
    const row = await this.db.scheduledPost.findFirst({
      where: { job, subject },
      orderBy: { slotAt: 'desc' },
      select: { slotAt: true },
    });
    return row?.slotAt ?? null;
  }

  async update(
    id: string,
    expected: ScheduledPostExpectation,
    patch: ScheduledPostPatch,
  ): Promise<ScheduledPost | null> {
    const { count } = await this.db.scheduledPost.updateMany({
      where: {
        id,
        status: { in: [...expected.status] },
        ...(expected.owner !== undefined ? { owner: expected.owner } : {}),
        ...(expected.leaseUntil !== undefined ? { leaseUntil: expected.leaseUntil } : {}),
      },
      data: patch,
    });
    if (count === 0) return null;
    const row = await this.db.scheduledPost.findUnique({ where: { id } });
    return row ? toPost(row) : null;
  }
}
