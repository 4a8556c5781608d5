import type { Locale } from '../../core/domain/types.ts';
import type { WeeklyReportSetting, WeeklyReportStore } from '../../core/interactions/weekly-report-store.ts';
import type { Db } from './database.ts';

/** Weekly report settings on Prisma; the posts themselves are scheduled-post rows. */
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
}
