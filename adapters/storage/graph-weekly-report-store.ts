import type { Locale } from '../../core/domain/types.ts';
import type {
  WeeklyReportRun,
  WeeklyReportSetting,
  WeeklyReportStore,
  WeeklyRunStatus,
} from '../../core/interactions/weekly-report.ts';
import type { Db } from './database.ts';
import { isUniqueViolation } from './prisma-errors.ts';

/** Weekly report settings and runs on Prisma. The (communityId, slotAt) primary key is the once-per-week claim. */
export class PrismaWeeklyReportStore implements WeeklyReportStore {
  constructor(private readonly db: Db) {}

  async getSetting(communityId: string): Promise<WeeklyReportSetting | null> {
    const row = await this.db.weeklyReportSetting.findUnique({ where: { communityId } });
    return row ? { ...row, locale: row.locale as Locale | null } : null;
  }

  async saveSetting(setting: WeeklyReportSetting): Promise<void> {
    const { communityId, ...rest } = setting;
    await this.db.weeklyReportSetting.upsert({ where: { communityId }, create: setting, update: rest });
  }

  async listEnabled(): Promise<WeeklyReportSetting[]> {
    const rows = await this.db.weeklyReportSetting.findMany({ where: { enabled: true } });
    return rows.map((row) => ({ ...row, locale: row.locale as Locale | null }));
  }

  async latestSlot(communityId: string): Promise<Date | null> {
    const row = await this.db.weeklyReportRun.findFirst({
      where: { communityId },
      orderBy: { slotAt: 'desc' },
      select: { slotAt: true },
    });
    return row?.slotAt ?? null;
  }

  async getRun(communityId: string, slotAt: Date): Promise<WeeklyReportRun | null> {
    const row = await this.db.weeklyReportRun.findUnique({ where: { communityId_slotAt: { communityId, slotAt } } });
    return row ? { ...row, status: row.status as WeeklyRunStatus } : null;
  }

  async claim(
    run: Pick<WeeklyReportRun, 'communityId' | 'slotAt' | 'channelId' | 'claimedAt'>,
  ): Promise<WeeklyReportRun | null> {
    try {
      const row = await this.db.weeklyReportRun.create({ data: { ...run, status: 'claimed' } });
      return { ...row, status: row.status as WeeklyRunStatus };
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  async finish(
    communityId: string,
    slotAt: Date,
    expected: WeeklyRunStatus,
    update: Partial<Pick<WeeklyReportRun, 'status' | 'finishedAt' | 'messageId' | 'error'>>,
  ): Promise<boolean> {
    const { count } = await this.db.weeklyReportRun.updateMany({
      where: { communityId, slotAt, status: expected },
      data: update,
    });
    return count === 1;
  }
}
