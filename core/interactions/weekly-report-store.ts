import type { Locale } from '../domain/types.ts';

/** Where moderators turned the weekly report on; its posts are scheduled-post rows (core/ports/scheduled-posts.ts). */
export interface WeeklyReportSetting {
  communityId: string;
  channelId: string;
  enabled: boolean;
  locale: Locale | null;
  enabledAt: Date;
  updatedAt: Date;
}

export interface WeeklyReportStore {
  getSetting(communityId: string): Promise<WeeklyReportSetting | null>;
  saveSetting(setting: WeeklyReportSetting): Promise<void>;
  listEnabled(): Promise<WeeklyReportSetting[]>;
}
